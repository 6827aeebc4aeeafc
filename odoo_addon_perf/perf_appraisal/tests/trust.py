"""The trust model under attack: the first review's findings as a table of calls, each made as a real
user of a group — once through the ORM (``with_user``), once over JSON-RPC with a real session.

Each attack names the finding it reproduces, the user, the call (model, method, arguments), the
exception that must refuse it (or, for reads, what the answer may contain) and what must stay
unchanged (read as superuser before and after)."""

import base64
import datetime
import json

from odoo import api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

from .common import PerfFixture


class Attack:
    def __init__(self, finding, rule, user, model, method, args=(), kwargs=None, refused=AccessError,
                 watch=None, expect=None, rpc_only=False):
        self.finding, self.rule, self.user = finding, rule, user
        self.model, self.method, self.args, self.kwargs = model, method, list(args), dict(kwargs or {})
        self.refused, self.expect, self.rpc_only = refused, expect, rpc_only
        self.watch = watch or (lambda env: None)

    def __repr__(self):
        return f"#{self.finding} {self.rule} ({self.user.login}: {self.model}.{self.method})"


def record_values(model, ids, names):
    """A watch: the values of these fields of these records, read as superuser."""
    return lambda env: env[model].sudo().browse(ids).read(names, load=None)


def count(model, domain):
    return lambda env: env[model].sudo().with_context(active_test=False).search_count(domain)


class TrustFixture(PerfFixture):
    """May: the nursing example computed and published (HR left an internal note before).
    June: ward-3's nurses and its head nurse in rating, with lines owned by their raters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "分院"})
        cls.officer2 = new_test_user(cls.env, "officer_branch", company_id=cls.company2.id,
                                     company_ids=[(6, 0, cls.company2.ids)],
                                     groups="base.group_user,perf_appraisal.group_perf_officer")
        cls.contract_officer = new_test_user(
            cls.env, "officer_contracts",
            groups="base.group_user,perf_appraisal.group_perf_officer,hr_contract.group_hr_contract_manager")
        cls.outsider = new_test_user(cls.env, "other_manager", groups="base.group_user,perf_appraisal.group_perf_manager")
        cls.peer = cls.nurse_users["李四"]
        ward3 = cls.wards["ward-3"]
        head = cls.heads["ward-3"]
        head.set_perf_attribute("title", "senior_nurse")
        head.set_perf_attribute("post", "ward_day")
        head.set_perf_attribute("bonus_base", 1500)

        # -- May: computed and published ------------------------------------------------------
        cls.may = cls.nursing_cycle()
        cls.may_by_name = {a.subject_name: a for a in cls.may.appraisal_ids}
        zhang = cls.may_by_name["张三"]
        with workflow():
            # a peer line (anonymous) and a wage snapshot (confidential), as a start would make them
            cls.peer_line = cls.env["perf.score"].create({
                "appraisal_id": zhang.id, "code": "patient", "rater_role": "peer", "rater_user_id": cls.peer.id})
            cls.wage = cls.env["perf.appraisal.attribute"].create({
                "appraisal_id": zhang.id, "code": "current_wage", "value": "8000", "confidential": True})
            cls.exclusion = cls.env["perf.cycle.exclusion"].create({
                "cycle_id": cls.may.id, "employee_id": cls.nurses.filtered(lambda n: n.name == "钱七").id,
                "reason": "probation"})
        note = zhang.with_user(cls.officer).message_post(
            body="考虑不续签合同", subtype_xmlid="mail.mt_note",
            attachments=[("hr-note.txt", "SECRET HR NOTE: do not renew contract".encode())])
        cls.hr_note = note.id
        cls.hr_attachment = note.attachment_ids
        cls.publish(cls.may)
        with workflow():  # published ten days ago: the 7-day appeal window is closed (but for 李四)
            cls.may.appraisal_ids.write({"published_date": today_minus(10)})
            cls.may_by_name["李四"].published_date = today_minus(2)
        cls.li_appeal = cls.env["perf.appeal"].with_user(cls.nurse_users["李四"]).create(
            {"appraisal_id": cls.may_by_name["李四"].id, "reason": "学习次数漏记"})
        # employees edit their own data (Odoo's option): the manager field must stay HR's all the same
        cls.env["ir.config_parameter"].sudo().set_param("hr.hr_employee_self_edit", True)
        cls.notice = cls.env["mail.message"].search([("model", "=", "perf.appraisal"), ("res_id", "=", zhang.id),
                                                      ("body", "ilike", "published")]).id
        cls.complaint = cls.env["perf.event"].search([("code", "=", "error_or_complaint")])
        cls.plan = cls.env["perf.improvement.plan"].create({
            "name": "沟通改进", "employee_id": cls.nurses.filtered(lambda n: n.name == "赵六").id,
            "appraisal_id": cls.may_by_name["赵六"].id, "date": "2024-06-05",
            "item_ids": [(0, 0, {"goal": "主动巡视", "review_date": "2025-01-05"})]})

        # -- June: ward-3 and its head nurse in rating ---------------------------------------------
        # an HR officer who is a nurse of ward-3 herself, appraised in June
        cls.hr_nurse_user = new_test_user(cls.env, "hr_nurse", groups="base.group_user,perf_appraisal.group_perf_officer")
        cls.hr_nurse = cls.env["hr.employee"].create({"name": "护士 兼HR", "user_id": cls.hr_nurse_user.id,
                                                      "department_id": ward3.id, "parent_id": head.id})
        for code, value in (("title", "nurse"), ("post", "ward_day"), ("bonus_base", 1000)):
            cls.hr_nurse.set_perf_attribute(code, value)
        members = cls.nurses.filtered(lambda n: n.department_id == ward3) | head | cls.hr_nurse
        cls.june = cls.make_cycle(cls.nursing, name="2024-06", date_from="2024-06-01", date_to="2024-06-30",
                                  employee_ids=[(6, 0, members.ids)], role_ids=cls.role_owners())
        cls.june.action_start()
        cls.june.action_open_rating()
        cls.june_by_name = {a.subject_name: a for a in cls.june.appraisal_ids}
        cls.hr_nurse_appraisal = cls.june_by_name[cls.hr_nurse.name]
        cls.cycle_note = cls.june.with_user(cls.officer).message_post(body="HR: 王五 排名存疑", subtype_xmlid="mail.mt_note").id
        cls.head_appraisal = cls.june_by_name[head.name]
        cls.wang_patient = cls.june_by_name["王五"].score_ids.filtered(lambda s: s.code == "patient")
        cls.wang_patient.with_user(cls.survey_clerk).value = 90
        cls.head_own_lines = cls.head_appraisal.score_ids
        # a balanced-scorecard cycle of 李四, whose card her head nurse writes
        li = cls.nurse_users["李四"].employee_id
        li.set_perf_attribute("goal_achieved", True)
        li.set_perf_attribute("base_salary_total", 9000)
        cls.kpi_cycle = cls.make_cycle(cls.env["perf.scheme"].search([("code", "=", "retail-kpi")]), name="2024-Q2",
                                       date_from="2024-04-01", date_to="2024-06-30", employee_ids=[(6, 0, li.ids)])
        cls.kpi_cycle.action_start()
        cls.li_kpi = cls.env["perf.kpi"].with_user(cls.head_users["ward-3"]).create({
            "appraisal_id": cls.kpi_cycle.appraisal_ids.id, "code": "sales", "name": "销售额",
            "dimension": "financial", "target": 100})
        cls.head_draft_praise = cls.env["perf.event"].with_user(cls.director_user).create({
            "scheme_id": cls.nursing.id, "employee_id": head.id, "code": "praise", "date": "2024-06-10"})
        cls.li_draft_praise = cls.env["perf.event"].with_user(cls.head_users["ward-3"]).create({
            "scheme_id": cls.nursing.id, "employee_id": cls.nurse_users["李四"].employee_id.id, "code": "praise",
            "date": "2024-06-11"})

        # a sheet the head nurse uploaded and has not imported yet (a wizard is its creator's)
        cls.head_import = cls.env["perf.import.wizard"].with_user(cls.head_users["ward-3"]).create({
            "cycle_id": cls.june.id, "file_format": "csv", "filename": "ward-3.csv",
            "data": base64.b64encode("键,姓名\n".encode())})

        # -- company 2 ------------------------------------------------------------------------------
        cls.branch_cycle = cls.env["perf.cycle"].create({
            "name": "分院 2024-05", "scheme_id": cls.nursing.id, "date_from": "2024-05-01", "date_to": "2024-05-31",
            "company_id": cls.company2.id})
        cls.env.flush_all()

    @classmethod
    def attacks(cls):
        head, head_user = cls.heads["ward-3"], cls.head_users["ward-3"]
        zhang, zhao = cls.may_by_name["张三"], cls.may_by_name["赵六"]
        nurse_zhang, nurse_zhao = cls.nurse_users["张三"], cls.nurse_users["赵六"]
        own_superior = cls.head_own_lines.filtered(lambda s: s.rater_role == "superior")
        results = ["total", "total_exact", "grade", "final_grade", "rank", "pay_amount", "state", "confirmed",
                   "approved", "grade_override", "published_date", "reopened", "group_name"]
        lines = record_values("perf.score", cls.head_own_lines.ids, ["value", "rated", "rater_user_id"])
        events_about_head = count("perf.event", [("employee_id", "=", head.id)])
        pay = record_values("perf.pay", cls.may.appraisal_ids.pay_ids.ids, ["amount", "state"])
        zhang_results = record_values("perf.appraisal", zhang.ids, results)
        senior_rate = cls.nursing.pay_rate_ids.filtered(lambda r: r.key == "senior_nurse")
        retail_indicator = cls.env["perf.scheme"].search([("code", "=", "retail-kpi")]).indicator_ids[:1]
        out = [
            # 1. a ward head fills her own appraisal, rewards herself with an event and approves it
            Attack(1, "nobody rates their own appraisal (the superior line is the director's)", head_user,
                   "perf.score", "write", [own_superior.ids, {"value": 100}], watch=lines),
            Attack(1, "nobody rates their own appraisal, not even lines without a rater", head_user,
                   "perf.score", "write", [cls.head_own_lines.filtered(lambda s: s.code == "nd_failing_cases").ids,
                                           {"value": 0}], watch=lines),
            Attack(1, "nobody opens the checklist of their own appraisal (its superior line is the director's)",
                   head_user, "perf.score", "action_rate_by_items", [own_superior.ids],
                   watch=count("perf.score", [("appraisal_id", "=", cls.head_appraisal.id)])),
            Attack(1, "a nurse does not open a colleague's checklist (her head nurse rates it)",
                   cls.nurse_users["张三"], "perf.score", "action_rate_by_items",
                   [cls.june_by_name["李四"].score_ids.filtered(lambda s: s.code == "head_nurse").ids],
                   watch=count("perf.score", [("appraisal_id", "=", cls.june_by_name["李四"].id)])),
            Attack(1, "HR of another company does not open this company's checklists (HR's own lines included)",
                   cls.officer2, "perf.score", "action_rate_by_items",
                   [cls.june_by_name["李四"].score_ids.filtered(lambda s: s.code == "head_nurse").ids],
                   watch=count("perf.score", [("appraisal_id", "=", cls.june_by_name["李四"].id)])),
            Attack(1, "a checklist is not opened once the scores are frozen (May went to approval)", head_user,
                   "perf.score", "action_rate_by_items",
                   [cls.may_by_name["李四"].score_ids.filtered(lambda s: s.code == "head_nurse").ids],
                   refused=UserError, watch=count("perf.score", [("appraisal_id", "=", cls.may_by_name["李四"].id)])),
            Attack(1, "a nurse does not open a colleague's work sheet (her head nurse rates the line)",
                   cls.nurse_users["张三"], "perf.score", "action_open_worksheet",
                   [cls.june_by_name["李四"].score_ids.filtered(lambda s: s.code == "head_nurse").ids],
                   watch=count("perf.worksheet.wizard", [])),
            Attack(1, "a work sheet is not written on a line scored by a number (护士长考核)", head_user,
                   "perf.score", "write", [cls.june_by_name["李四"].score_ids.filtered(
                       lambda s: s.code == "head_nurse").ids, {"worksheet": {"routine": ["completed"]}}],
                   refused=ValidationError, watch=record_values(
                       "perf.score", cls.june_by_name["李四"].score_ids.ids, ["value", "rated", "worksheet"])),
            Attack(1, "an appellant does not link HR's note on a colleague to her appeal to read it",
                   cls.nurse_users["李四"], "perf.appeal", "write",
                   [cls.li_appeal.ids, {"attachment_ids": [(6, 0, cls.hr_attachment.ids)]}],
                   watch=record_values("perf.appeal", cls.li_appeal.ids, ["attachment_ids"])),
            Attack(1, "a nurse does not read the head nurse's uploaded sheet", cls.nurse_users["张三"],
                   "perf.import.wizard", "read", [cls.head_import.ids, ["data", "result"]]),
            Attack(1, "nor does HR: an upload is its uploader's", cls.officer,
                   "perf.import.wizard", "read", [cls.head_import.ids, ["data", "result"]]),
            Attack(1, "nor does a nurse import it in the head nurse's name", cls.nurse_users["张三"],
                   "perf.import.wizard", "action_import", [cls.head_import.ids],
                   watch=record_values("perf.score", cls.june.appraisal_ids.score_ids.ids, ["value", "rated"])),
            Attack(1, "a manager cannot even open her own appraisal before publication", head_user,
                   "perf.appraisal", "set_score", [cls.head_appraisal.ids, "head_nurse", 100, "superior"], watch=lines),
            Attack(1, "nobody records an event about themselves", head_user, "perf.event", "create",
                   [{"scheme_id": cls.nursing.id, "employee_id": head.id, "code": "praise", "date": "2024-06-12"}],
                   watch=events_about_head),
            Attack(1, "an event counts at most the scheme's maximum (2,000,000,000 praises)", head_user,
                   "perf.event", "create", [{"scheme_id": cls.nursing.id, "employee_id": cls.nurses[1].id,
                                             "code": "praise", "count": 2000000000, "date": "2024-06-12"}],
                   refused=ValidationError, watch=count("perf.event", [("count", ">", 100)])),
            Attack(1, "nobody approves an event about themselves", head_user, "perf.event", "action_approve",
                   [cls.head_draft_praise.ids], watch=record_values("perf.event", cls.head_draft_praise.ids, ["state"])),
            # 2. set_perf_attribute
            Attack(2, "only HR sets performance attributes (own bonus base)", nurse_zhang, "hr.employee",
                   "set_perf_attribute", [zhang.employee_id.ids, "bonus_base", "50000"],
                   watch=lambda env: zhang.employee_id.sudo()._perf_attribute_values()),
            Attack(2, "only HR clears a colleague's attribute", nurse_zhang, "hr.employee", "set_perf_attribute",
                   [zhao.employee_id.ids, "title", None], watch=lambda env: zhao.employee_id.sudo()._perf_attribute_values()),
            # 3. results through write(), republish without a check
            *[Attack(3, f"results move only through the workflow: {name}", cls.director_user, "perf.appraisal",
                     "write", [zhang.ids, {name: value}], watch=zhang_results)
              for name, value in (("total", 200), ("grade", "excellent"), ("pay_amount", 99999),
                                  ("grade_override", "excellent"), ("approved", True), ("confirmed", True),
                                  ("grade_override_id", cls.grade(cls.nursing, "excellent").id),
                                  ("state", "published"), ("rank", 1))],
            Attack(3, "not even the administrator writes a result", cls.perf_admin, "perf.appraisal", "write",
                   [zhang.ids, {"total": 200, "pay_amount": 99999}], watch=zhang_results),
            Attack(3, "only HR publishes again, and only a re-rated, recomputed appraisal", cls.director_user,
                   "perf.appraisal", "action_republish", [zhang.ids], watch=zhang_results),
            Attack(3, "a manager cannot republish her own appraisal either", head_user, "perf.appraisal",
                   "action_republish", [cls.head_appraisal.ids],
                   watch=record_values("perf.appraisal", cls.head_appraisal.ids, results)),
            Attack(3, "performance pay is never edited", cls.perf_admin, "perf.pay", "write",
                   [zhang.pay_ids.ids, {"amount": 99999}], watch=pay),
            # 4. stored XSS through the distribution group
            Attack(4, "the distribution group is HR's (a manager's <img onerror> is refused)", head_user,
                   "perf.appraisal", "write", [cls.june_by_name["王五"].ids, {"group_name": "<img src=x onerror=alert(1)>"}],
                   watch=record_values("perf.appraisal", cls.june_by_name["王五"].ids, ["group_name"])),
            # 5. a head nurse makes herself manager of the nursing department
            Attack(5, "only HR changes who manages a department", head_user, "hr.department", "write",
                   [cls.nursing_dept.ids, {"manager_id": head.id}],
                   watch=record_values("hr.department", cls.nursing_dept.ids, ["manager_id"])),
            Attack(5, "only HR changes an employee's manager", nurse_zhang, "res.users", "write",
                   [nurse_zhang.ids, {"employee_parent_id": cls.heads["emergency"].id}],
                   watch=record_values("hr.employee", zhang.employee_id.ids, ["parent_id"])),
            # 6. wages and exclusion reasons
            Attack(6, "managers read no wage snapshot", head_user, "perf.appraisal.attribute", "search_read",
                   kwargs={"domain": [("code", "=", "current_wage")], "fields": ["value"]}, refused=None,
                   expect=lambda case, result: case.assertEqual(result, [])),
            Attack(6, "officers who may not read contracts read no wage snapshot", cls.officer,
                   "perf.appraisal.attribute", "search_read",
                   kwargs={"domain": [("code", "=", "current_wage")], "fields": ["value"]}, refused=None,
                   expect=lambda case, result: case.assertEqual(result, [])),
            Attack(6, "a manager reads exclusion reasons of her own departments only", head_user,
                   "perf.cycle.exclusion", "search_read", kwargs={"domain": [], "fields": ["reason"]}, refused=None,
                   expect=lambda case, result: case.assertEqual(result, [])),
            Attack(6, "employees read no exclusion reason", nurse_zhang, "perf.cycle.exclusion", "search_read",
                   kwargs={"domain": [], "fields": ["reason"]}),
            # 7. the calibration table and the appraisals of a cycle
            Attack(7, "the calibration table is HR's", nurse_zhang, "perf.cycle", "read",
                   [cls.may.ids, ["calibration_html"]]),
            Attack(7, "a cycle counts for an employee only their own appraisal", nurse_zhang, "perf.cycle", "read",
                   [cls.may.ids, ["appraisal_count"]], refused=None,
                   expect=lambda case, result: case.assertEqual(result[0]["appraisal_count"], 1)),
            Attack(7, "a cycle's list of appraisals is HR's (Odoo lists every id of a one2many)", nurse_zhang,
                   "perf.cycle", "read", [cls.may.ids, ["appraisal_ids"]]),
            Attack(7, "an employee reads no unpublished cycle's appraisals", nurse_zhang, "perf.appraisal",
                   "search_read", kwargs={"domain": [("cycle_id", "=", cls.june.id)], "fields": ["grade"]},
                   refused=None, expect=lambda case, result: case.assertEqual(result, [])),
            # 8. peer anonymity, followers
            Attack(8, "the appraisee never reads a peer's line", nurse_zhang, "perf.score", "search_read",
                   kwargs={"domain": [("appraisal_id", "=", zhang.id)], "fields": ["rater_role", "rater_user_id"]},
                   refused=None, expect=lambda case, result: case.assertTrue(
                       result and all(r["rater_role"] != "peer" for r in result))),
            Attack(8, "raters never follow an appraisal (their to-dos are on the cycle)", cls.officer,
                   "perf.appraisal", "read", [cls.june.appraisal_ids.ids, ["message_partner_ids"]], refused=None,
                   expect=lambda case, result: case.assertFalse(
                       {p for r in result for p in r["message_partner_ids"]}
                       & set((cls.survey_clerk | cls.quality_officer | cls.director_user | head_user).partner_id.ids))),
            Attack(8, "followers of appraisals one cannot read are not listed", nurse_zhang, "mail.followers",
                   "search_read", kwargs={"domain": [("res_model", "=", "perf.appraisal")], "fields": ["partner_id"]},
                   refused=None, expect=lambda case, result: case.assertTrue(
                       all(r["partner_id"][0] == nurse_zhang.partner_id.id for r in result))),
            # 9. HR's internal note
            Attack(9, "the appraisee never reads HR's internal note", nurse_zhang, "mail.message", "search_read",
                   kwargs={"domain": [("model", "=", "perf.appraisal"), ("res_id", "=", zhang.id)], "fields": ["body"]},
                   refused=None, expect=lambda case, result: case.assertEqual([r["id"] for r in result], [cls.notice])),
            Attack(9, "not even by its id", nurse_zhang, "mail.message", "read", [[cls.hr_note], ["body"]]),
            # 10. appeals
            Attack(10, "an appeal is filed submitted, HR answers it", nurse_zhao, "perf.appeal", "create",
                   [{"appraisal_id": zhao.id, "reason": "不服", "state": "upheld", "response": "同意"}],
                   watch=count("perf.appeal", [])),
            Attack(10, "the filing date is the server's: a backdated late appeal is refused", nurse_zhao,
                   "perf.appeal", "create", [{"appraisal_id": zhao.id, "reason": "不服", "date_filed": "2024-05-31"}],
                   refused=ValidationError, watch=count("perf.appeal", [])),
            Attack(10, "nobody appeals another's appraisal", nurse_zhang, "perf.appeal", "create",
                   [{"appraisal_id": zhao.id, "reason": "替他申诉"}], watch=count("perf.appeal", [])),
            # 11. improvement plans
            Attack(11, "the employee does not sign the manager's side", nurse_zhao, "perf.improvement.plan", "write",
                   [cls.plan.ids, {"manager_signed": True}],
                   watch=record_values("perf.improvement.plan", cls.plan.ids, ["manager_signed", "employee_id"])),
            Attack(11, "the employee does not reassign her plan", nurse_zhao, "perf.improvement.plan", "write",
                   [cls.plan.ids, {"employee_id": zhang.employee_id.id}],
                   watch=record_values("perf.improvement.plan", cls.plan.ids, ["manager_signed", "employee_id"])),
            # 12. approved events are locked
            Attack(12, "an approved event is locked (no flipping to refused)", cls.heads["ward-3"].user_id,
                   "perf.event", "write", [cls.complaint.ids, {"state": "refused"}],
                   watch=record_values("perf.event", cls.complaint.ids, ["state", "count", "note"])),
            Attack(12, "an approved event is locked (no editing)", cls.heads["ward-3"].user_id, "perf.event", "write",
                   [cls.complaint.ids, {"note": "撤销"}], refused=UserError,
                   watch=record_values("perf.event", cls.complaint.ids, ["state", "count", "note"])),
            Attack(12, "an approved event is not refused afterwards", cls.heads["ward-3"].user_id, "perf.event",
                   "action_refuse", [cls.complaint.ids], refused=UserError,
                   watch=record_values("perf.event", cls.complaint.ids, ["state", "count", "note"])),
            Attack(12, "only HR reverses an approved event", cls.heads["ward-3"].user_id, "perf.event",
                   "action_reverse", [cls.complaint.ids, "撤销"],
                   watch=record_values("perf.event", cls.complaint.ids, ["state", "count", "note"])),
            # 13. presets
            Attack(13, "loading the presets is no RPC endpoint", nurse_zhang, "perf.scheme", "_load_presets",
                   watch=record_values("perf.scheme", cls.nursing.ids, ["source_yaml"]), rpc_only=True),
            # 14. scheme files
            Attack(14, "a scheme file above 1 MiB is refused", cls.perf_admin, "perf.scheme", "create",
                   [{"name": "big", "source_file": base64.b64encode(b"# " + b"x" * (1024 * 1024 + 10)).decode()}],
                   refused=ValidationError, watch=count("perf.scheme", [])),
            Attack(14, "YAML anchors and aliases are refused (the alias bomb)", cls.perf_admin, "perf.scheme",
                   "create", [{"name": "bomb", "source_yaml": ALIAS_BOMB}], refused=ValidationError,
                   watch=count("perf.scheme", [])),
            # 15. clean errors instead of tracebacks
            Attack(15, "a formula nested 5,000 deep is refused on save", cls.perf_admin, "perf.scheme", "create",
                   [{"name": "deep", "source_yaml": TINY_SCHEME + 'variables:\n  v: "' + "-" * 5000 + '1"\n'}],
                   refused=ValidationError, watch=count("perf.scheme", [])),
            Attack(15, "an overflowing formula literal is refused on save", cls.perf_admin, "perf.scheme", "create",
                   [{"name": "overflow", "source_yaml": TINY_SCHEME + 'variables:\n  v: "a * 1e999999"\n'}],
                   refused=ValidationError, watch=count("perf.scheme", [])),
            Attack(15, "an attribute of 1e39 is refused at entry", cls.officer, "perf.appraisal", "set_attribute",
                   [cls.june_by_name["王五"].ids, "bonus_base", "1e39"], refused=ValidationError,
                   watch=lambda env: env["perf.appraisal.attribute"].sudo().search_read(
                       [("appraisal_id", "=", cls.june_by_name["王五"].id)], ["code", "value"])),
            *[Attack(15, f"a score of {label} is refused at entry", cls.survey_clerk, "perf.score", "write",
                     [cls.wang_patient.ids, {"value": value}], refused=ValidationError,
                     watch=record_values("perf.score", cls.wang_patient.ids, ["value"]))
              for label, value in (("1e308", 1e308), ("250 on a 0-100 scale", 250))],
            Attack(15, "an event count of 2^31 is refused at entry", cls.officer, "perf.event", "create",
                   [{"scheme_id": cls.nursing.id, "employee_id": cls.nurses[1].id, "code": "praise", "count": 2**31,
                     "date": "2024-06-12"}], refused=ValidationError, watch=count("perf.event", [])),
            # 18, 19. publication of incomplete or unrecomputed results
            Attack(18, "calibration is refused while appraisals are incomplete (none rated in June)", cls.officer,
                   "perf.cycle", "action_calibrate", [cls.june.ids], refused=UserError,
                   watch=lambda env: (env["perf.cycle"].browse(cls.june.id).state,
                                      env["perf.appraisal"].sudo().browse(cls.june.appraisal_ids.ids).mapped("status"))),
            Attack(19, "publishing again needs an upheld appeal, re-rating and a new computation", cls.officer,
                   "perf.appraisal", "action_republish", [zhang.ids], refused=UserError, watch=zhang_results),
            # found by the adversarial review: HR acting on her own appraisal, records filed already answered …
            Attack(1, "an appeal is filed, not answered: no answerer or answer date from the client", nurse_zhao,
                   "perf.appeal", "create", [{"appraisal_id": cls.may_by_name["李四"].id, "reason": "x",
                                              "answered_by_id": cls.officer.id, "date_answered": "2024-06-01"}],
                   watch=count("perf.appeal", [])),
            Attack(1, "an import (load) files appeals under the same rules", nurse_zhao, "perf.appeal", "load",
                   [["appraisal_id/.id", "reason", "state"], [[str(zhao.id), "load", "rejected"]]], refused=None,
                   expect=lambda case, result: case.assertFalse(result["ids"]), watch=count("perf.appeal", [])),
            Attack(1, "HR adds no line already rated (value 0)", cls.officer, "perf.score", "create",
                   [{"appraisal_id": cls.head_appraisal.id, "code": "head_nurse", "rater_role": "superior",
                     "value": 0}], watch=count("perf.score", [("cycle_id", "=", cls.june.id)])),
            Attack(1, "HR adds no line to her own appraisal", cls.hr_nurse_user, "perf.score", "create",
                   [{"appraisal_id": cls.hr_nurse_appraisal.id, "code": "patient", "rater_role": "patient"}],
                   watch=count("perf.score", [("cycle_id", "=", cls.june.id)])),
            Attack(1, "HR does not choose who rates her own appraisal", cls.hr_nurse_user, "perf.score", "write",
                   [cls.hr_nurse_appraisal.score_ids.filtered(lambda s: s.code == "patient").ids,
                    {"rater_user_id": cls.nurse_users["张三"].id}],
                   watch=record_values("perf.score", cls.hr_nurse_appraisal.score_ids.ids, ["rater_user_id"])),
            Attack(2, "HR does not set her own bonus base", cls.hr_nurse_user, "hr.employee", "set_perf_attribute",
                   [cls.hr_nurse.ids, "bonus_base", "50000"], watch=lambda env: cls.hr_nurse.sudo()._perf_attribute_values()),
            Attack(2, "nor through the attribute line", cls.hr_nurse_user, "perf.attribute", "write",
                   [cls.hr_nurse.sudo().perf_attribute_ids.filtered(lambda a: a.code == "bonus_base").ids,
                    {"value": "60000"}], watch=lambda env: cls.hr_nurse.sudo()._perf_attribute_values()),
            Attack(6, "HR who may not read contracts does not enter a wage either", cls.officer, "perf.appraisal",
                   "set_attribute", [cls.june_by_name["王五"].ids, "current_wage", "99999"],
                   watch=lambda env: env["perf.appraisal.attribute"].sudo().search_read(
                       [("appraisal_id", "=", cls.june_by_name["王五"].id)], ["code", "value"])),
            Attack(9, "the appraisee never reads HR's attachments on her appraisal", nurse_zhang, "ir.attachment",
                   "search_read", kwargs={"domain": [("res_model", "=", "perf.appraisal"), ("res_id", "=", zhang.id)],
                                          "fields": ["name"]}, refused=None,
                   expect=lambda case, result: case.assertEqual(result, [])),
            Attack(9, "not by its id either", nurse_zhang, "ir.attachment", "read", [cls.hr_attachment.ids, ["raw"]]),
            Attack(10, "HR's draft answer is HR's until recorded", cls.nurse_users["李四"], "perf.appeal", "read",
                   [cls.li_appeal.ids, ["response"]]),
            Attack(8, "ordering score lines by appraisal does not reveal the ranking", cls.survey_clerk, "perf.score",
                   "search_read", kwargs={"domain": [("cycle_id", "=", cls.june.id), ("code", "=", "patient")],
                                          "fields": ["subject_name"], "order": "appraisal_id"}, refused=None,
                   expect=lambda case, result: case.assertEqual([r["subject_name"] for r in result],
                                                                sorted(r["subject_name"] for r in result))),
            Attack(8, "a rater who posts on an appraisal does not become its follower", head_user, "perf.appraisal",
                   "message_post", [cls.june_by_name["王五"].ids], {"body": "已评"}, refused=None,
                   expect=lambda case, result: case.assertNotIn(
                       head_user.partner_id, cls.june_by_name["王五"].sudo().message_partner_ids)),
            Attack(11, "a manager does not forge a plan's state or detach it from its employee", head_user,
                   "perf.improvement.plan", "write", [cls.plan.ids, {"state": "signed", "user_id": False}],
                   watch=record_values("perf.improvement.plan", cls.plan.ids, ["state", "user_id"])),
            Attack(0, "HR does not move a started cycle to another period", cls.officer, "perf.cycle", "write",
                   [cls.june.ids, {"period": "2024-07"}], watch=record_values("perf.cycle", cls.june.ids, ["period"])),
            Attack(0, "a started cycle is not deleted (its appraisals are records to keep)", cls.officer, "perf.cycle",
                   "unlink", [cls.may.ids], refused=UserError, watch=count("perf.appraisal", [])),
            Attack(15, "a cycle's discussion is HR's", nurse_zhang, "mail.message", "search_read",
                   kwargs={"domain": [("model", "=", "perf.cycle"), ("res_id", "=", cls.june.id)], "fields": ["body"]},
                   refused=None, expect=lambda case, result: case.assertEqual(result, [])),
            Attack(8, "a rater sees only her own to-do of a cycle", head_user, "mail.activity", "search_read",
                   kwargs={"domain": [("res_model", "=", "perf.cycle"), ("res_id", "=", cls.june.id)],
                           "fields": ["user_id"]}, refused=None,
                   expect=lambda case, result: case.assertTrue(all(r["user_id"][0] == head_user.id for r in result))),
            # … and clean errors for odd arguments
            *[Attack(15, f"odd arguments are refused cleanly: {label}", user, model, method, args, kwargs,
                     refused=refused_with, watch=watch)
              for label, user, model, method, args, kwargs, refused_with, watch in (
                  ("a number as a reason", cls.officer, "perf.appraisal", "action_exclude",
                   [cls.june_by_name["王五"].ids, 123], {}, UserError, None),
                  ("a list as a reason", cls.officer, "perf.event", "action_reverse", [cls.complaint.ids, ["a"]], {},
                   UserError, None),
                  ("a mapping as an answer", cls.officer, "perf.appeal", "action_reject", [cls.li_appeal.ids, {"a": 1}],
                   {}, UserError, None),
                  ("NaN through set_score", head_user, "perf.appraisal", "set_score",
                   [cls.june_by_name["王五"].ids, "head_nurse", float("nan"), "superior"], {}, ValidationError,
                   None),
                  ("10^400 through set_score", head_user, "perf.appraisal", "set_score",
                   [cls.june_by_name["王五"].ids, "head_nurse", 10**400, "superior"], {}, ValidationError, None),
                  ("a mapping through set_score", head_user, "perf.appraisal", "set_score",
                   [cls.june_by_name["王五"].ids, "head_nurse", {"a": 1}, "superior"], {}, ValidationError, None),
                  ("facts of two cycles at once", cls.officer, "perf.cycle", "set_facts",
                   [(cls.june | cls.may).ids, {}], {}, UserError, None),
                  ("a KPI target of 10^400", head_user, "perf.kpi", "create",
                   [{"appraisal_id": cls.kpi_cycle.appraisal_ids.id, "code": "x", "name": "x",
                     "dimension": "customer", "target": 10**400}], {}, ValidationError, None),
                  ("a KPI actual that is text", head_user, "perf.kpi", "write", [cls.li_kpi.ids, {"actual": "abc"}],
                   {}, ValidationError, None),
                  ("an attribute code that is a list", cls.officer, "hr.employee", "set_perf_attribute",
                   [zhao.employee_id.ids, ["a"], "1"], {}, UserError, None))],
            # 21. another rater's line
            Attack(21, "a rater writes only her own lines (not the patient survey's)", head_user, "perf.score",
                   "write", [cls.wang_patient.ids, {"value": 100}],
                   watch=record_values("perf.score", cls.wang_patient.ids, ["value"])),
            # a user of another company
            Attack(0, "HR of another company does not run this company's cycles", cls.officer2, "perf.cycle",
                   "action_compute", [cls.june.ids], watch=record_values("perf.cycle", cls.june.ids, ["computed_at"])),
            Attack(0, "HR of this company does not read another company's cycle", cls.officer, "perf.cycle", "read",
                   [cls.branch_cycle.ids, ["name"]]),
            # a manager acting on her own record
            Attack(0, "a manager does not confirm her own appraisal", head_user, "perf.appraisal", "action_confirm",
                   [cls.head_appraisal.ids], watch=record_values("perf.appraisal", cls.head_appraisal.ids, ["confirmed"])),
            Attack(0, "a manager does not write her own interview notes", head_user, "perf.appraisal", "write",
                   [cls.head_appraisal.ids, {"interview_notes": "我很好"}],
                   watch=record_values("perf.appraisal", cls.head_appraisal.ids, ["interview_notes"])),
            # scheme versions: the rules May was published with stay as they were
            Attack(0, "only the perf admin creates a scheme version", head_user, "perf.scheme", "action_new_version",
                   [cls.nursing.ids], watch=count("perf.scheme", [("code", "=", "nursing")])),
            Attack(0, "a nurse does not create a scheme version", nurse_zhang, "perf.scheme", "action_new_version",
                   [cls.nursing.ids], watch=count("perf.scheme", [("code", "=", "nursing")])),
            Attack(0, "even the perf admin does not change the rules of a scheme a cycle used", cls.perf_admin,
                   "perf.scheme", "write", [cls.nursing.ids, {"interview_required_for_pay": True}], refused=UserError,
                   watch=record_values("perf.scheme", cls.nursing.ids, ["interview_required_for_pay", "source_yaml"])),
            Attack(0, "a context default does not approve a manager's new event", head_user, "perf.event", "create",
                   [{"scheme_id": cls.nursing.id, "employee_id": cls.nurses[0].id, "code": "praise",
                     "date": "2024-06-03"}], kwargs={"context": {"default_state": "approved"}}, refused=None,
                   watch=count("perf.event", [("state", "=", "approved")]),
                   expect=lambda case, result: case.assertTrue(result)),
            # the scheme designer: the rules of a used scheme, and anybody's design, stay as they are
            Attack(0, "a head nurse does not raise the 护师 coefficient in the designer", head_user,
                   "perf.scheme.pay.rate", "write", [senior_rate.ids, {"value": "9"}],
                   watch=record_values("perf.scheme.pay.rate", senior_rate.ids, ["value"])),
            Attack(0, "even the perf admin does not edit a used scheme's pay table", cls.perf_admin,
                   "perf.scheme.pay.rate", "write", [senior_rate.ids, {"value": "9"}], refused=UserError,
                   watch=record_values("perf.scheme", cls.nursing.ids, ["source_yaml"])),
            Attack(0, "nor add a grade to it with a context that names the old batch key", cls.perf_admin,
                   "perf.scheme.grade", "create", [{"scheme_id": cls.nursing.id, "code": "top", "label": "x"}],
                   kwargs={"context": {"perf_design_batch": True}}, refused=UserError,
                   watch=count("perf.scheme.grade", [("scheme_id", "=", cls.nursing.id)])),
            Attack(0, "nor move an indicator of an unused scheme into it", cls.perf_admin, "perf.scheme.indicator",
                   "write", [retail_indicator.ids, {"scheme_id": cls.nursing.id}], refused=UserError,
                   watch=record_values("perf.scheme.indicator", retail_indicator.ids, ["scheme_id"])),
            Attack(0, "a nurse does not preview or duplicate schemes", nurse_zhang, "perf.scheme", "action_duplicate",
                   [cls.nursing.ids], watch=count("perf.scheme", [])),
        ]
        return out


ALIAS_BOMB = ('id: bomb\ntitle: bomb\nperiods: [month]\n'
              'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
              'indicators:\n  - {code: a, weight: 100}\n')
TINY_SCHEME = "id: tiny\ntitle: tiny\nperiods: [month]\ninputs: [{code: a}]\nindicators:\n  - {code: s, weight: 100}\n"


def call(env, attack):
    """The attack through the ORM, as its user."""
    model = env[attack.model].with_user(attack.user)
    return api.call_kw(model, attack.method, [json.loads(json.dumps(a)) for a in attack.args], attack.kwargs)


def today_minus(days):
    return fields.Date.today() - datetime.timedelta(days=days)
