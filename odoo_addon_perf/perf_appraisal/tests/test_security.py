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
        cls.other_scheme = cls.nursing
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
            self.by_name["张三"].with_user(self.nurse_users["张三"]).write({"grade_override": "excellent"})

    def test_manager_sees_department_subtree_and_rated(self):
        """A head nurse sees her ward only; the director sees both wards (department subtree)."""
        ward3 = {n for n, a in self.by_name.items() if a.department_id == self.wards["ward-3"]}
        self.assertEqual(self.visible(self.head_users["ward-3"]), ward3)
        self.assertEqual(self.visible(self.director_user), set(self.by_name))

    def test_rater_sees_only_own_lines(self):
        """Raters see the score lines they must fill, not the other raters' lines."""
        lines = self.env["perf.score"].with_user(self.head_users["ward-3"]).search([("rater_user_id", "=", self.head_users["ward-3"].id)])
        self.assertTrue(lines)
        self.assertEqual(set(lines.mapped("rater_role")), {"superior"})
        outsider = new_test_user(self.env, "rater_only", groups="base.group_user,perf_appraisal.group_perf_manager")
        line = self.by_name["王五"].score_ids.filtered(lambda s: s.code == "patient")
        line.rater_user_id = outsider
        visible = self.env["perf.score"].with_user(outsider).search([])
        self.assertEqual(visible, line)
        self.assertEqual(self.visible(outsider), {"王五"})

    def test_peer_raters_are_anonymous(self):
        """The appraisee never reads a peer's score line."""
        appraisal = self.by_name["张三"]
        peer = new_test_user(self.env, "peer_nurse", groups="base.group_user")
        # nursing has no peer role, so the line stays unrated (perfcore would refuse a peer score here)
        self.env["perf.score"].create({"appraisal_id": appraisal.id, "code": "patient", "rater_role": "peer",
                                       "rater_user_id": peer.id})
        self.publish(self.cycle)
        lines = self.env["perf.score"].with_user(self.nurse_users["张三"]).search([("appraisal_id", "=", appraisal.id)])
        self.assertTrue(lines)
        self.assertNotIn("peer", lines.mapped("rater_role"))

    def test_officer_sees_all_of_own_company_only(self):
        """HR sees every appraisal and cycle of the allowed companies, not another company's cycle."""
        self.assertEqual(self.visible(self.officer), set(self.by_name))
        cycles = self.env["perf.cycle"].with_user(self.officer).search([])
        self.assertIn(self.cycle, cycles)
        self.assertNotIn(self.other_cycle, cycles)
        with self.assertRaises(AccessError):
            self.other_cycle.with_user(self.officer).read(["name"])

    def test_only_officers_run_cycles(self):
        """A manager cannot create cycles; an officer can."""
        values = {"name": "x", "scheme_id": self.nursing.id, "date_from": "2024-07-01", "date_to": "2024-07-31"}
        with self.assertRaises(AccessError):
            self.env["perf.cycle"].with_user(self.head_users["ward-3"]).create(values)
        self.assertTrue(self.env["perf.cycle"].with_user(self.officer).create(values))

    def test_only_admins_change_schemes(self):
        """Schemes are configuration: officers read them, administrators change them."""
        with self.assertRaises(AccessError):
            self.nursing.with_user(self.officer).write({"interview_required_for_pay": True})
        admin = new_test_user(self.env, "perf_admin", groups="base.group_user,perf_appraisal.group_perf_admin")
        self.nursing.with_user(admin).write({"interview_required_for_pay": True})

    def test_confirmed_appraisal_cannot_be_deleted(self):
        """Confirmed appraisals are records to keep."""
        appraisal = self.by_name["张三"]
        appraisal.action_confirm()
        with self.assertRaises(UserError):
            appraisal.with_user(self.officer).unlink()
