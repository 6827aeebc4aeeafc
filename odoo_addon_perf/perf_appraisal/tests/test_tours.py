from odoo.tests import HttpCase, tagged

from .common import PerfFixture


@tagged("post_install", "-at_install")
class TestTours(PerfFixture, HttpCase):
    """The web client in headless Chromium: the score grid as HR, To Rate as a head nurse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no role owners: the nursing department's and the patients' lines are HR's to enter
        cls.cycle = cls.make_cycle(cls.nursing, name="2024-05 grid", employee_ids=[(6, 0, cls.nurses.ids)])
        cls.cycle.action_start()
        cls.rows = cls.cycle.appraisal_ids.sorted(lambda a: (a.group_name or "", a.subject_name, a.id))

    def patient(self, appraisal):
        return appraisal.score_ids.filtered(lambda s: s.code == "patient")

    def test_score_grid(self):
        """HR enters a column in the grid with Enter; 250 on a 0–100 scale is refused in its cell."""
        self.start_tour("/web#action=perf_appraisal.perf_cycle_action", "perf_score_grid_tour", login="perf_officer")
        self.assertEqual([self.patient(a).value for a in self.rows[:3]], [91, 87, 78])
        self.assertEqual([self.patient(a).rated for a in self.rows[:4]], [True, True, True, False])
        log = self.env["perf.score.log"].search([("score_id", "=", self.patient(self.rows[2]).id)])
        self.assertEqual(log.mapped("new_value"), [78])  # the refused 250 left no trace

    def test_to_rate(self):
        """A head nurse finds her lines in To Rate, grouped by cycle, and enters one."""
        self.start_tour("/web#action=perf_appraisal.perf_score_action_to_rate", "perf_to_rate_tour",
                        login="head_ward-3")
        rated = self.cycle.appraisal_ids.score_ids.filtered(lambda s: s.rated)
        self.assertEqual((rated.code, rated.value, rated.rater_user_id), ("head_nurse", 88, self.head_users["ward-3"]))
