import hashlib

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

from .common import D, PerfCase

SENIOR_COEF_1_2 = "senior_nurse: 1.2"
SENIOR_COEF_1_3 = "senior_nurse: 1.3"


@tagged("post_install", "-at_install")
class TestSchemeVersions(PerfCase):
    """A scheme used by a started cycle is frozen; its changes go into a new version; old cycles
    keep theirs, new cycles take the new one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.may = cls.publish(cls.nursing_cycle())
        cls.v1 = cls.nursing.with_user(cls.perf_admin)

    def pays(self, cycle):
        return {a.subject_name: D(str(a.pay_amount)).quantize(D("0.01")) for a in cycle.sudo().appraisal_ids}

    def test_a_frozen_scheme_refuses_changes_of_its_rules(self):
        """Source, parameters, the interview rule and the lines mirroring the document are refused, even to the admin."""
        self.assertTrue(self.v1.frozen)
        source = self.v1.source_yaml
        with self.assertRaisesRegex(UserError, "Create a new version"):
            self.v1.write({"source_yaml": source.replace(SENIOR_COEF_1_2, SENIOR_COEF_1_3)})
        with self.assertRaisesRegex(UserError, "Create a new version"):
            self.v1.parameter_ids.filtered(lambda p: p.name == "nd_points_per_failing_case").value = "3"
        with self.assertRaisesRegex(UserError, "Create a new version"):
            self.v1.interview_required_for_pay = True
        for mirror in (self.v1.parameter_ids[:1], self.v1.grade_ids[:1], self.v1.event_type_ids[:1],
                       self.v1.attribute_ids[:1]):
            with self.assertRaisesRegex(UserError, "Create a new version"):
                mirror.with_user(self.perf_admin).unlink()
        with self.assertRaisesRegex(UserError, "Create a new version"):
            self.v1.code = "nursing-x"  # versions (whose events count) are found by code and company
        with self.assertRaisesRegex(UserError, "Create a new version"):
            self.env["perf.scheme.parameter"].with_user(self.perf_admin).with_context(
                default_scheme_id=self.v1.id, default_name="nd_points_per_failing_case").create([{"value": "9"}])
        self.v1.name = "护士绩效奖金 (2024)"  # its name is not a rule
        self.assertEqual(self.v1.source_yaml, source)

    def test_new_version_keeps_old_results_and_serves_new_cycles(self):
        """Version 2 changes 护师 title coefficient 1.2 → 1.3: May's recompute is unchanged, June pays by v2."""
        may_pay, may_hash = self.pays(self.may), self.may.scheme_hash
        # 张三 (senior_nurse) in May: 102.10 / 100 × 1.2 × 1.5 × 1000 = 1837.80 (v1)
        self.assertEqual(may_pay["张三"], D("1837.80"))

        action = self.v1.action_new_version()
        v2 = self.env["perf.scheme"].with_user(self.perf_admin).browse(action["res_id"])
        self.assertEqual((v2.version, v2.previous_version_id, v2.code, v2.is_preset), (2, self.nursing, "nursing", True))
        self.assertFalse(self.nursing.active)  # archived: new cycles pick v2
        self.assertEqual(self.env["perf.scheme"].search([("code", "=", "nursing"), ("is_preset", "=", True)]), v2)
        self.assertEqual(v2.content_hash, may_hash)  # the same document until edited
        v2.write({"source_yaml": v2.source_yaml.replace(SENIOR_COEF_1_2, SENIOR_COEF_1_3)})
        self.assertNotEqual(v2.content_hash, may_hash)
        self.assertIn("+    title_coef: {intermediate: 1.4, senior_nurse: 1.3", v2.version_diff_html)
        self.assertEqual(v2.version_ids.mapped("version"), [2, 1])
        with self.assertRaisesRegex(UserError, "already has a newer version"):
            self.v1.action_new_version()

        # the published May cycle still runs v1: computing it again gives the same pay
        self.may.with_user(self.officer).action_compute()
        self.assertEqual(self.pays(self.may), may_pay)
        self.assertEqual((self.may.scheme_hash, self.may.scheme_version), (may_hash, 1))

        # June with v2, no events: 张三 92×.3 + 95×.3 + 90×.4 = 92.10; pay 92.10 / 100 × 1.3 × 1.5 × 1000 = 1795.95
        june = self.make_cycle(v2, name="2024-06", date_from="2024-06-01", date_to="2024-06-30",
                               employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        june.action_start()
        self.enter_example_scores(june)
        june.action_compute()
        zhang = june.appraisal_ids.filtered(lambda a: a.subject_name == "张三")
        self.assertEqual(D(zhang.total_exact).quantize(D("0.01")), D("92.10"))
        self.assertEqual(self.pays(june)["张三"], D("1795.95"))

    def test_a_new_line_takes_its_appraisals_cycle_and_company(self):
        """HR adding a score line cannot file it under another cycle or company (the record rules read them)."""
        other = self.env["res.company"].create({"name": "另一家医院"})
        june = self.make_cycle(self.nursing, name="2024-06", date_from="2024-06-01", date_to="2024-06-30",
                               employee_ids=[(6, 0, self.nurses[:1].ids)], role_ids=self.role_owners())
        june.action_start()
        appraisal = june.appraisal_ids
        template = appraisal.score_ids.filtered(lambda s: s.code == "patient")[:1]
        line = self.env["perf.score"].with_user(self.officer).create({
            "appraisal_id": appraisal.id, "code": template.code, "rater_role": template.rater_role,
            "cycle_id": False, "company_id": other.id})
        self.assertEqual((line.cycle_id, line.company_id), (appraisal.cycle_id, appraisal.company_id))

    def test_context_defaults_never_set_workflow_fields(self):
        """A head nurse's event created with default_state=approved in the context starts as a draft."""
        event = self.env["perf.event"].with_user(self.head_users["ward-3"]).with_context(
            default_state="approved", default_decided_by_id=self.head_users["ward-3"].id).create({
                "scheme_id": self.nursing.id, "employee_id": self.nurses[0].id, "code": "praise",
                "date": "2024-06-03"})
        self.assertEqual((event.state, event.decided_by_id), ("draft", self.env["res.users"]))

    def test_an_upgrade_that_changes_a_used_preset_makes_a_version(self):
        """On upgrade, a preset whose shipped rules changed gets a new version if cycles started with it."""
        shipped = self.nursing.source_yaml
        older = shipped.replace(SENIOR_COEF_1_2, SENIOR_COEF_1_3)
        with workflow():  # as if the stored preset came from an older release (护师 1.3)
            self.nursing.sudo().write({"source_yaml": older,
                                       "preset_source_hash": hashlib.sha256(older.encode()).hexdigest()})
        self.env["perf.scheme"]._load_presets()
        current = self.env["perf.scheme"].search([("code", "=", "nursing"), ("is_preset", "=", True)])
        self.assertEqual((current.version, current.source_yaml), (2, shipped))
        self.assertIn(SENIOR_COEF_1_3, self.nursing.source_yaml)  # May's version kept as it ran
        self.assertEqual(self.may.scheme_id, self.nursing)

    def test_an_upgrade_keeps_the_admins_changes_to_a_preset(self):
        """A preset the admin changed in the designer keeps the changes on upgrade; the new file is only announced."""
        retail = self.env["perf.scheme"].search([("code", "=", "retail-kpi"), ("is_preset", "=", True)])
        retail.with_user(self.perf_admin).grade_ids[:1].label = "卓越"
        edited = retail.source_yaml
        self.assertIn("卓越", edited)
        with workflow():  # as if this release shipped another retail-kpi file
            retail.sudo().preset_source_hash = "0" * 64
        self.env["perf.scheme"]._load_presets()
        self.assertEqual(retail.source_yaml, edited)
        self.assertIn("keeps your changes", retail.message_ids[0].body)

    def test_only_the_admin_creates_versions(self):
        """An officer or a manager cannot create a version; a draft scheme needs none."""
        for user in (self.officer, self.head_users["ward-3"], self.nurse_users["张三"]):
            with self.assertRaises(AccessError):
                self.nursing.with_user(user).action_new_version()
        unused = self.env["perf.scheme"].search([("code", "=", "retail-kpi"), ("is_preset", "=", True)])
        self.assertFalse(unused.frozen)
