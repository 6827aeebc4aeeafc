import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import PerfCase


@tagged("post_install", "-at_install")
class TestSecurity(PerfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle = cls.nursing_cycle()
        cls.by_name = {a.subject_name: a for a in cls.cycle.appraisal_ids}
        cls.other_company = cls.env["res.company"].create({"name": "分院"})
        cls.other_cycle = cls.env["perf.cycle"].create({
            "name": "分院 2024-05", "scheme_id": cls.nursing.id, "date_from": "2024-05-01", "date_to": "2024-05-31",
            "company_id": cls.other_company.id})

    def visible(self, user, model="perf.appraisal"):
        return set(self.env[model].with_user(user).search([]).mapped("subject_name" if model == "perf.appraisal" else "id"))

    def test_user_sees_only_own_published(self):
        """An appraisee sees nothing before publication, then only their own appraisal."""
        nurse = self.nurse_users["张三"]
        self.assertEqual(self.visible(nurse), set())
        self.publish(self.cycle)
        self.assertEqual(self.visible(nurse), {"张三"})
        with self.assertRaises(AccessError):
            self.by_name["李四"].with_user(nurse).read(["total"])

    def test_user_cannot_write_results(self):
        """An appraisee cannot change their own result."""
        self.publish(self.cycle)
        with self.assertRaises(AccessError):
            self.by_name["张三"].with_user(self.nurse_users["张三"]).write(
                {"grade_override_id": self.grade(self.nursing, "excellent").id, "override_reason": "自评"})

    def test_manager_sees_department_subtree(self):
        """A head nurse sees her ward only; the director sees both wards (department subtree)."""
        ward3 = {n for n, a in self.by_name.items() if a.department_id == self.wards["ward-3"]}
        self.assertEqual(self.visible(self.head_users["ward-3"]), ward3)
        self.assertEqual(self.visible(self.director_user), set(self.by_name))

    def test_manager_does_not_see_her_own_appraisal_before_publication(self):
        """A head nurse appraised in her own ward sees the nurses' appraisals, not her own, until it is published."""
        head = self.heads["ward-3"]
        for code, value in (("title", "senior_nurse"), ("post", "ward_day"), ("bonus_base", 1500)):
            head.set_perf_attribute(code, value)
        cycle = self.make_cycle(self.nursing, name="2024-06", date_from="2024-06-01", date_to="2024-06-30",
                                employee_ids=[(6, 0, head.ids)])
        cycle.action_start()
        user = self.head_users["ward-3"]
        self.assertFalse(self.env["perf.appraisal"].with_user(user).search([("cycle_id", "=", cycle.id)]))
        self.assertFalse(self.env["perf.score"].with_user(user).search([("appraisal_id.cycle_id", "=", cycle.id)]))
        # the director rates her superior line and sees her appraisal
        self.assertEqual(self.env["perf.appraisal"].with_user(self.director_user).search(
            [("cycle_id", "=", cycle.id)]).employee_id, head)

    def test_rater_outside_the_department_sees_only_her_lines(self):
        """A rater HR assigns from outside sees the line she rates, not the appraisal or other lines."""
        outsider = new_test_user(self.env, "rater_only", groups="base.group_user,perf_appraisal.group_perf_manager")
        line = self.by_name["王五"].score_ids.filtered(lambda s: s.code == "nd_failing_cases")
        with self.assertRaises(AccessError):  # a line without a rater is HR's: a rater cannot be set on it by others
            line.with_user(self.head_users["ward-3"]).rater_user_id = outsider
        appraisal = self.by_name["王五"]
        survey = appraisal.score_ids.filtered(lambda s: s.code == "patient")
        self.env["perf.score"].with_user(self.officer).browse(survey.id).sudo(False)
        with self.assertRaises(UserError):  # rated already: its rater stays
            survey.with_user(self.officer).rater_user_id = outsider
        cycle = self.make_cycle(self.nursing, name="2024-07", date_from="2024-07-01", date_to="2024-07-31",
                                employee_ids=[(6, 0, appraisal.employee_id.ids)])
        cycle.action_start()
        fresh = cycle.appraisal_ids.score_ids.filtered(lambda s: s.code == "patient")
        fresh.with_user(self.officer).rater_user_id = outsider
        self.assertEqual(self.env["perf.score"].with_user(outsider).search([]), fresh)
        self.assertEqual(self.visible(outsider), set())
        fresh.with_user(outsider).value = 88
        self.assertEqual((fresh.value, fresh.rated), (88, True))

    def test_officer_sees_all_of_own_company_only(self):
        """HR sees every appraisal and cycle of the allowed companies, not another company's cycle."""
        self.assertEqual(self.visible(self.officer), set(self.by_name))
        cycles = self.env["perf.cycle"].with_user(self.officer).search([])
        self.assertIn(self.cycle, cycles)
        self.assertNotIn(self.other_cycle, cycles)
        with self.assertRaises(AccessError):
            self.other_cycle.with_user(self.officer).read(["name"])

    def test_only_officers_run_cycles(self):
        """A manager cannot create or compute cycles; an officer can."""
        values = {"name": "x", "scheme_id": self.nursing.id, "date_from": "2024-07-01", "date_to": "2024-07-31"}
        with self.assertRaises(AccessError):
            self.env["perf.cycle"].with_user(self.head_users["ward-3"]).create(values)
        with self.assertRaises(AccessError):
            self.cycle.with_user(self.director_user).action_compute()
        self.assertTrue(self.env["perf.cycle"].with_user(self.officer).create(values))

    def test_only_admins_change_schemes(self):
        """Schemes are configuration: officers read them, administrators change them."""
        unused = self.env["perf.scheme"].search([("code", "=", "retail-kpi"), ("is_preset", "=", True)])
        with self.assertRaises(AccessError):
            unused.with_user(self.officer).write({"interview_required_for_pay": True})
        unused.with_user(self.perf_admin).write({"interview_required_for_pay": True})
        self.assertTrue(unused.interview_required_for_pay)

    def test_confirmed_appraisal_cannot_be_deleted(self):
        """Confirmed appraisals are records to keep."""
        self.cycle.action_calibrate()
        appraisal = self.by_name["张三"]
        appraisal.action_confirm()
        with self.assertRaises(UserError):
            appraisal.sudo().unlink()

    def test_scope_change_holds_from_the_next_call(self):
        """HR makes a head nurse manager of the nursing department and reverts it: her access follows at once."""
        head = self.head_users["ward-3"]
        emergency = {n for n, a in self.by_name.items() if a.department_id == self.wards["emergency"]}
        self.assertFalse(self.visible(head) & emergency)
        self.nursing_dept.with_user(self.officer).manager_id = self.heads["ward-3"]
        self.assertTrue(emergency <= self.visible(head))
        self.nursing_dept.with_user(self.officer).manager_id = self.director
        self.assertFalse(self.visible(head) & emergency)
        with self.assertRaises(AccessError):
            self.by_name["周九"].with_user(head).read(["total"])

    def test_a_failed_steps_error_is_hrs(self):
        """A failed background step's message names colleagues and their missing scores: HR reads it;
        a nurse or a head nurse can neither read it nor search by it (no search oracle)."""
        from ..models.perf_workflow_mixin import workflow

        with workflow():
            self.cycle.write({"step_error": "计算未完成：李四 缺少 患者满意度"})
        self.assertIn("李四", self.cycle.with_user(self.officer).step_error)
        for user in (self.nurse_users["张三"], self.head_users["ward-3"]):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.cycle.with_user(user).read(["step_error"])
                with self.assertRaises(AccessError):
                    self.env["perf.cycle"].with_user(user).search_count([("step_error", "ilike", "李四")])

    def test_wages_are_the_contracts(self):
        """An HR officer without contract rights neither reads nor sets a nurse's monthly post salary
        (attribute, export, import); a wage typed over the contract does not count: general-quarterly's
        start takes the contract's 5,300, not 99,999."""
        zhang = self.nurses[0]
        self.env["hr.contract"].create({"name": "张三 合同", "employee_id": zhang.id, "wage": 5300,
                                        "state": "open", "date_start": "2024-01-01"})
        zhang.set_perf_attribute("post_salary_monthly", 99999)  # as the superuser: a typed wage
        with self.assertRaises(AccessError):
            zhang.with_user(self.officer).set_perf_attribute("post_salary_monthly", 99999)
        self.assertFalse(self.env["perf.attribute"].with_user(self.officer).search(
            [("employee_id", "=", zhang.id), ("code", "=", "post_salary_monthly")]))
        general = self.env["perf.scheme"].search([("code", "=", "general-quarterly"), ("is_preset", "=", True)])
        cycle = self.make_cycle(general, name="2024-Q2", date_from="2024-04-01", date_to="2024-06-30", peer_count=0,
                                employee_ids=[(6, 0, zhang.ids)])
        wizard = self.env["perf.import.wizard"].with_user(self.officer).create({"cycle_id": cycle.id, "kind": "attributes"})
        self.assertNotIn("post_salary_monthly", [code for code, _label in wizard._attribute_columns()])
        sheet = "Key,Badge,Name,月岗位工资\nkey,badge,name,post_salary_monthly\nE%d,,张三,88888\n" % zhang.id
        wizard.write({"data": base64.b64encode(sheet.encode()), "filename": "wages.csv"})
        with self.assertRaisesRegex(UserError, "contract"):
            wizard.action_import()
        snapshot = cycle._subject_attributes(general._perfcore_scheme(), zhang)[f"E{zhang.id}"]
        self.assertEqual(float(snapshot["post_salary_monthly"]), 5300)

    def test_every_wizard_of_the_addons_is_its_creators(self):
        """Each transient model the perf addons define has a global rule keeping its records to their
        creator (a new wizard without one fails here), and a colleague reads none of them."""
        wizards = sorted(name for name in self.env.registry if self.env[name]._transient
                         and any(m.startswith("perf_appraisal") for m in self.env["ir.model"]._get(name).modules.split(", "))
                         and self.env[name]._original_module.startswith("perf_appraisal"))
        self.assertIn("perf.import.wizard", wizards)
        for name in wizards:
            with self.subTest(wizard=name):
                rules = self.env["ir.rule"].sudo().search([("model_id.model", "=", name), ("global", "=", True)])
                creator = ("[('create_uid','=',user.id)]", "[('wizard_id.create_uid','=',user.id)]")  # (a wizard's row)
                self.assertTrue([r for r in rules if r.domain_force.replace(" ", "") in creator],
                                f"{name} has no creator rule")
        mine = self.env["perf.import.wizard"].with_user(self.officer).create({"cycle_id": self.cycle.id})
        with self.assertRaises(AccessError):
            mine.with_user(self.head_users["ward-3"]).read(["data"])
        self.assertFalse(self.env["perf.import.wizard"].with_user(self.head_users["ward-3"]).search([("id", "=", mine.id)]))
