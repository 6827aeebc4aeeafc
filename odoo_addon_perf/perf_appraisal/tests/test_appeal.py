import datetime

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PerfCase


@tagged("post_install", "-at_install")
class TestAppeal(PerfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle = cls.publish(cls.nursing_cycle())
        cls.appraisal = cls.cycle.appraisal_ids.filtered(lambda a: a.subject_name == "赵六")
        # Published on Monday 2024-06-03.
        cls.appraisal.published_date = datetime.date(2024, 6, 3)
        cls.nurse = cls.nurse_users["赵六"]

    def file(self, day):
        return self.env["perf.appeal"].with_user(self.nurse).create(
            {"appraisal_id": self.appraisal.id, "reason": "投诉不属实", "date_filed": day})

    def test_day_seven_allowed(self):
        """An appeal on the 7th day after publication is accepted."""
        self.assertTrue(self.file(datetime.date(2024, 6, 10)))

    def test_day_eight_refused_with_the_date(self):
        """On the 8th day the appeal is refused, naming the last day."""
        with self.assertRaises(ValidationError) as info:
            self.file(datetime.date(2024, 6, 11))
        self.assertIn("2024-06-10", str(info.exception))

    def test_answer_due_in_five_working_days_across_a_weekend(self):
        """Filed Thursday 2024-06-06: Fri 7, Mon 10, Tue 11, Wed 12, Thu 13 → due 2024-06-13."""
        appeal = self.file(datetime.date(2024, 6, 6))
        self.assertEqual(appeal.deadline, datetime.date(2024, 6, 13))

    def test_overdue_appeal_raises_an_activity_for_hr(self):
        """The cron flags an unanswered appeal past its deadline with an HR activity, once."""
        appeal = self.file(datetime.date(2024, 6, 6))
        flagged = self.env["perf.appeal"]._flag_overdue()
        self.assertIn(appeal, flagged)
        self.assertTrue(appeal.sudo().activity_ids)  # HR's to-do; the appraisee need not see it
        self.assertFalse(self.env["perf.appeal"]._flag_overdue())

    def test_upheld_appeal_reopens_for_rerating(self):
        """Upholding reopens the appraisal; after re-rating and re-computing it is published again."""
        appeal = self.file(datetime.date(2024, 6, 5))
        appeal.with_user(self.officer).action_uphold("同意复核")
        self.assertEqual((self.appraisal.state, self.appraisal.reopened), ("rating", True))
        self.appraisal.set_score("patient", 85, "patient")
        self.cycle.action_compute()
        # 70×.3 + 80×.3 + 85×.4 = 21 + 24 + 34 = 79; −10 complaint = 69
        self.assertEqual(self.appraisal.total_exact, "69")
        self.appraisal.action_republish()
        self.assertEqual(self.appraisal.state, "published")
