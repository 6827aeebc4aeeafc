import base64
import inspect

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..models.perf_workflow_mixin import workflow
from .trust import Attack, TrustFixture, call

ADDON_MODULE = "odoo.addons.perf_appraisal."
REFUSALS = (AccessError, UserError, ValidationError)
# create/write on every model that only refuse bad numbers before Odoo's own (test_numbers_at_edge)
NUMBERS_ONLY = ADDON_MODULE + "models.base_numbers"


def public_methods(env):
    """{(model, method)} of every public method the addon defines or overrides, on any model."""
    found = set()
    for name in env.registry:
        if env[name]._abstract:
            continue
        for klass in type(env[name]).__mro__:
            if (not klass.__module__.startswith(ADDON_MODULE) or ".tests." in klass.__module__
                    or klass.__module__ == NUMBERS_ONLY):
                continue
            for attr, value in vars(klass).items():
                if not attr.startswith("_") and inspect.isfunction(value):
                    found.add((name, attr))
    return found


@tagged("post_install", "-at_install")
class TestPublicMethods(TrustFixture, TransactionCase):
    """Every public method of the addon, called by a plain employee on a colleague's records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        li = cls.nurse_users["李四"].employee_id
        with workflow():  # facts of the June cycle, as HR entered them (the scheme is not checked here)
            cls.june_pool = cls.env["perf.cycle.pool"].create({"cycle_id": cls.june.id, "group_name": "ward-3",
                                                               "amount": 100})
            cls.june_allocation = cls.env["perf.cycle.allocation"].create({
                "cycle_id": cls.june.id, "pool_kind": "contracts", "part": "market_discretionary",
                "employee_id": li.id, "amount": 1})
            cls.june_departure = cls.env["perf.cycle.departure"].create({
                "cycle_id": cls.june.id, "employee_id": li.id, "date": "2024-06-01", "kind": "dismissed"})
        cls.june_contract = cls.env["perf.cycle.contract"]
        sheet = f"key,badge,name,patient|patient|\nkey,badge,name,patient|patient|\nE{li.id},,李四,100\n"
        cls.nurse_wizard = cls.env["perf.import.wizard"].with_user(cls.nurse_users["张三"]).create({
            "cycle_id": cls.june.id, "data": base64.b64encode(sheet.encode()), "filename": "x.csv"})

    def calls(self):
        """How to call each method on 李四's records (张三 calls them)."""
        li = self.may_by_name["李四"]
        li_june = self.june_by_name["李四"]
        li_employee = li.employee_id
        line = li_june.score_ids.filtered(lambda s: s.code == "patient")
        ward3 = self.wards["ward-3"]
        plan_vals = {"name": "x", "employee_id": li_employee.id, "date": "2024-06-05"}
        calls = {
            ("hr.employee", "set_perf_attribute"): [li_employee.ids, "bonus_base", "9999"],
            ("hr.employee", "write"): [li_employee.ids, {"parent_id": self.nurses[0].id}],
            ("hr.department", "set_perf_attribute"): [ward3.ids, "bonus_base", "1"],
            ("hr.department", "write"): [ward3.ids, {"manager_id": self.nurses[0].id}],
            # (models/res_users.py: the template's rights; nobody gives herself HR's)
            ("res.users", "write"): [self.nurse_users["张三"].ids,
                                     {"groups_id": [(4, self.env.ref("perf_appraisal.group_perf_officer").id)]}],
            ("mail.message", "create"): [{"model": "perf.appraisal", "res_id": li.id, "body": "x",
                                          "message_type": "comment"}],
            ("perf.appraisal", "action_confirm"): [li_june.ids],
            ("perf.appraisal", "action_approve"): [li_june.ids],
            ("perf.appraisal", "action_acknowledge"): [li.ids],
            ("perf.appraisal", "action_exclude"): [li_june.ids, "不考核"],
            ("perf.appraisal", "action_include"): [li_june.ids],
            ("perf.appraisal", "action_republish"): [li.ids],
            ("perf.appraisal", "action_appeal"): [li.ids],
            ("perf.appraisal", "set_score"): [li_june.ids, "patient", 100, "patient"],
            ("perf.appraisal", "set_attribute"): [li_june.ids, "bonus_base", "9999"],
            ("perf.appraisal", "message_subscribe"): [li.ids, self.nurse_users["张三"].partner_id.ids],
            ("perf.appraisal", "write"): [li.ids, {"interview_notes": "x"}],
            ("perf.appraisal", "create"): [{"cycle_id": self.june.id, "employee_id": li_employee.id}],
            ("perf.appraisal.attribute", "write"): [li_june.attribute_ids[:1].ids, {"value": "1"}],
            ("perf.appraisal.attribute", "create"): [{"appraisal_id": li_june.id, "code": "title", "value": "nurse"}],
            ("perf.appeal", "action_uphold"): [self.li_appeal.ids, "x"],
            ("perf.appeal", "action_reject"): [self.li_appeal.ids, "x"],
            ("perf.appeal", "write"): [self.li_appeal.ids, {"reason": "x"}],
            ("perf.appeal", "create"): [{"appraisal_id": li.id, "reason": "x"}],
            ("perf.cycle", "action_start"): [self.branch_cycle.ids],
            ("perf.cycle", "action_open_rating"): [self.june.ids],
            ("perf.cycle", "action_compute"): [self.june.ids],
            ("perf.cycle", "action_calibrate"): [self.june.ids],
            ("perf.cycle", "action_to_approval"): [self.june.ids],
            ("perf.cycle", "action_publish"): [self.june.ids],
            ("perf.cycle", "action_close"): [self.may.ids],
            ("perf.cycle", "action_reset_draft"): [self.june.ids],
            ("perf.cycle", "set_facts"): [self.june.ids, {"profit": "1"}],
            ("perf.cycle", "action_rescreen"): [self.june.ids],
            ("perf.cycle", "action_remind_late"): [self.june.ids],
            ("perf.cycle", "get_dashboard"): [],
            ("perf.cycle", "action_open_distribution"): [self.may.ids],
            ("perf.cycle", "action_export_ranking"): [self.may.ids],
            ("perf.cycle.distribution", "create"): [{"cycle_id": self.may.id, "group_name": "x", "quota_count": 9}],
            ("perf.cycle.distribution", "write"): [self.may.sudo().distribution_ids[:1].ids, {"actual_count": 0}],
            ("perf.kpi", "write"): [self.li_kpi.ids, {"actual": 1}],
            ("perf.kpi", "create"): [{"appraisal_id": self.kpi_cycle.appraisal_ids.id, "code": "x", "name": "x",
                                      "dimension": "customer", "target": 1}],
            ("perf.kpi", "action_sign"): [self.li_kpi.ids],
            ("perf.cycle", "write"): [self.june.ids, {"name": "x"}],
            ("perf.cycle", "create"): [{"name": "x", "scheme_id": self.nursing.id, "date_from": "2024-08-01",
                                        "date_to": "2024-08-31"}],
            ("perf.cycle.exclusion", "write"): [self.exclusion.ids, {"reason": "x"}],
            ("perf.cycle.exclusion", "create"): [{"cycle_id": self.may.id, "employee_id": li_employee.id,
                                                  "reason": "x"}],
            ("perf.cycle.role", "write"): [self.june.sudo().role_ids[:1].ids, {"user_id": self.nurse_users["张三"].id}],
            ("perf.cycle.role", "create"): [{"cycle_id": self.june.id, "role": "patient",
                                             "user_id": self.nurse_users["张三"].id}],
            ("perf.event", "action_approve"): [self.li_draft_praise.ids],
            ("perf.event", "action_refuse"): [self.li_draft_praise.ids],
            ("perf.event", "action_reverse"): [self.complaint.ids, "x"],
            ("perf.event", "write"): [self.li_draft_praise.ids, {"count": 5}],
            ("perf.event", "create"): [{"scheme_id": self.nursing.id, "employee_id": li_employee.id, "code": "praise"}],
            ("perf.improvement.plan", "action_sign"): [self.plan.ids],
            ("perf.improvement.plan", "write"): [self.plan.ids, {"name": "x"}],
            ("perf.improvement.plan", "create"): [plan_vals],
            ("perf.improvement.plan.item", "write"): [self.plan.item_ids.ids, {"goal": "x"}],
            ("perf.improvement.plan.item", "create"): [{"plan_id": self.plan.id, "goal": "x",
                                                        "review_date": "2025-01-05"}],
            ("perf.pay", "action_cancel"): [li.pay_ids.ids],
            ("perf.pay", "write"): [li.pay_ids.ids, {"amount": 1}],
            ("perf.pay", "create"): [{"employee_id": li_employee.id, "company_id": self.company.id, "period": "x",
                                      "date_from": "2024-05-01", "date_to": "2024-05-31", "pay_date": "2024-05-31",
                                      "amount": 1}],
            ("perf.reason.wizard", "action_confirm"): [self.env["perf.reason.wizard"].with_user(self.officer).create(
                {"action": "exclude", "res_ids": str(li_june.id), "reason": "HR's"}).ids],
            ("perf.reason.wizard", "default_get"): [["reason"]],
            ("perf.scheme", "write"): [self.nursing.ids, {"interview_required_for_pay": True}],
            ("perf.scheme", "action_new_version"): [self.nursing.ids],
            ("perf.scheme", "create"): [{"name": "x", "source_yaml": "id: x\\ntitle: x\\nperiods: [month]\\n"
                                         "indicators: [{code: a, weight: 100}]\\n"}],
            ("perf.scheme.parameter", "write"): [self.nursing.parameter_ids[:1].ids, {"value": "1"}],
            ("perf.scheme.parameter", "create"): [{"scheme_id": self.nursing.id, "name": "x", "value": "1"}],
            ("perf.score", "write"): [line.ids, {"value": 100}],
            ("perf.score", "action_rate_by_items"): [
                li_june.score_ids.filtered(lambda s: s.code == "head_nurse").ids],
            ("perf.score", "action_open_sheet"): [line.ids],
            ("perf.score", "action_open_worksheet"): [
                li_june.score_ids.filtered(lambda s: s.code == "head_nurse").ids],
            ("perf.worksheet.wizard", "create"): [{"score_id": line.id}],
            ("perf.worksheet.wizard", "action_apply"): [self.env["perf.worksheet.wizard"].sudo().create(
                {"score_id": line.id}).ids],
            ("perf.cycle", "get_score_grid"): [self.june.ids],
            ("perf.cycle", "action_open_score_grid"): [self.june.ids],
            ("perf.import.wizard", "action_export_template"): [self.nurse_wizard.ids],
            ("perf.import.wizard", "action_import"): [self.nurse_wizard.ids],
            ("perf.cycle.contract", "create"): [{"cycle_id": self.june.id, "name": "x", "contract_class": "A"}],
            ("perf.cycle.contract", "write"): [self.june_contract.ids, {"contract_class": "B"}],
            ("perf.cycle.allocation", "create"): [{"cycle_id": self.june.id, "pool_kind": "contracts",
                                                   "part": "market_discretionary", "employee_id": li_employee.id,
                                                   "amount": 1}],
            ("perf.cycle.allocation", "write"): [self.june_allocation.ids, {"amount": 99}],
            ("perf.cycle.departure", "create"): [{"cycle_id": self.june.id, "employee_id": li_employee.id,
                                                  "date": "2024-06-01", "kind": "dismissed"}],
            ("perf.cycle.departure", "write"): [self.june_departure.ids, {"kind": "resigned"}],
            ("perf.cycle.pool", "create"): [{"cycle_id": self.june.id, "group_name": "x", "amount": 1}],
            ("perf.cycle.pool", "write"): [self.june_pool.ids, {"amount": 99}],
            ("perf.attribute", "write"): [li_employee.sudo().perf_attribute_ids[:1].ids, {"value": "9999"}],
            ("perf.attribute", "create"): [{"employee_id": li_employee.id, "code": "bonus_base", "value": "1"}],
            ("perf.scheme.attribute", "write"): [self.nursing.attribute_ids[:1].ids, {"name": "x"}],
            ("perf.scheme.attribute", "create"): [{"scheme_id": self.nursing.id, "code": "x", "type": "text"}],
            ("perf.scheme.attribute.value", "write"): [self.nursing.attribute_ids.value_ids[:1].ids, {"label": "x"}],
            ("perf.scheme.attribute.value", "create"): [{"attribute_id": self.nursing.attribute_ids[:1].id, "code": "x"}],
            ("mail.message", "write"): [[self.notice], {"perf_private_user_id": False, "perf_hr_only": False}],
            ("ir.attachment", "create"): [{"name": "x.txt", "res_model": "perf.appraisal", "res_id": li.id,
                                           "raw": "x"}],
            ("ir.attachment", "write"): [self.hr_attachment.ids, {"perf_private_user_id": False}],
            ("perf.scheme.grade", "write"): [self.nursing.grade_ids[:1].ids, {"label": "x", "minimum": "0"}],
            ("perf.scheme.grade", "create"): [{"scheme_id": self.nursing.id, "code": "x", "label": "x"}],
            ("perf.scheme.event", "write"): [self.nursing.event_type_ids[:1].ids, {"points": "+999"}],
            ("perf.scheme.event", "create"): [{"scheme_id": self.nursing.id, "code": "x", "name": "x"}],
            ("perf.score", "create"): [{"appraisal_id": li_june.id, "code": "patient", "rater_role": "patient"}],
            ("perf.scheme", "action_duplicate"): [self.nursing.ids],
            ("perf.scheme", "action_preview"): [self.nursing.ids],
            ("perf.scheme.preview", "create"): [{"scheme_id": self.nursing.id, "example": "nursing"}],
            ("perf.scheme.preview", "default_get"): [["example"]],
        }
        # the designer's lines: written, created and deleted only by the performance administrator
        designer = {
            "perf.scheme.indicator": (self.nursing.indicator_ids[:1], {"weight": "99"},
                                      {"scheme_id": self.nursing.id, "code": "x", "weight": "1"}),
            "perf.scheme.rater": (self.nursing.rater_ids[:1], {"weight": "1"},
                                  {"scheme_id": self.nursing.id, "code": "x"}),
            "perf.scheme.input": (self.nursing.input_ids[:1], {"maximum": "1"},
                                  {"scheme_id": self.nursing.id, "code": "x"}),
            "perf.scheme.pay.component": (self.nursing.pay_component_ids[:1], {"formula": "999999"},
                                          {"scheme_id": self.nursing.id, "code": "x", "formula": "1"}),
            "perf.scheme.pay.rate": (self.nursing.pay_rate_ids[:1], {"value": "99"},
                                     {"scheme_id": self.nursing.id, "table": "title_coef", "key": "x", "value": "9"}),
            "perf.scheme.rule": (self.env["perf.scheme"].search([("code", "=", "village-clinic")]).rule_ids[:1],
                                 {"where": "True"}, {"scheme_id": self.nursing.id, "flag": "x", "where": "True"}),
        }
        for model, (records, write, create) in designer.items():
            calls[model, "write"] = [records.ids, write]
            calls[model, "create"] = [create]
        for model, records in designer.items():
            calls[model, "unlink"] = [records[0].ids]
        for model, records in (("perf.scheme.grade", self.nursing.grade_ids), ("perf.scheme.event", self.nursing.event_type_ids),
                               ("perf.scheme.attribute", self.nursing.attribute_ids),
                               ("perf.scheme.attribute.value", self.nursing.attribute_ids.value_ids),
                               ("perf.scheme.parameter", self.nursing.parameter_ids)):
            calls[model, "unlink"] = [records[:1].ids]
        return calls

    def snapshot(self):
        """A digest of every performance table and of the HR data that decides scope."""
        self.env.flush_all()
        tables = [t for (t,) in self.env.execute_query(SQL(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'perf\\_%%' ORDER BY tablename"))]
        digest = {}
        for table in tables + ["hr_employee", "hr_department", "mail_message", "mail_followers", "mail_activity"]:
            [(value,)] = self.env.execute_query(SQL(
                "SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM %s t", SQL.identifier(table)))
            digest[table] = value
        return digest

    def test_every_public_method_is_refused_or_changes_nothing(self):
        """A plain employee calling any public method on a colleague's records is refused or changes nothing."""
        self.assert_refused_or_unchanged(self.nurse_users["张三"], self.calls())

    def test_another_companys_hr_changes_nothing_here(self):
        """分院's HR officer calling any public method on the main hospital's records (its KPI cards, plans,
        cycles, pay) is refused or changes nothing.  (Starting 分院's own cycle is her work: left out.)"""
        calls = self.calls()
        calls["perf.cycle", "action_start"] = [self.june.ids]
        calls["perf.cycle", "create"] = [{**calls["perf.cycle", "create"][0], "company_id": self.company.id}]
        self.assert_refused_or_unchanged(self.officer2, calls)

    def assert_refused_or_unchanged(self, user, calls):
        methods = public_methods(self.env)
        self.assertFalse(methods - set(calls), "public methods without a call in this test (add one)")
        self.assertGreaterEqual(len(methods), 40)
        for (model, method) in sorted(methods):
            with self.subTest(method=f"{model}.{method}"):
                args = calls[model, method]
                before = self.snapshot()
                attack = Attack(0, "", user, model, method, args)
                refused = None
                try:
                    with self.env.cr.savepoint():
                        call(self.env, attack)
                        self.env.flush_all()
                        self.assertEqual(self.snapshot(), before, f"{model}.{method} changed data as {user.login}")
                except REFUSALS as exc:
                    refused = exc
                self.env.invalidate_all()
                self.assertEqual(self.snapshot(), before, f"{model}.{method} (refused: {refused!r})")
