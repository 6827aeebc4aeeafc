import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

from .common import PerfCase


@tagged("post_install", "-at_install")
class TestAppeal(PerfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle = cls.publish(cls.nursing_cycle())
        cls.appraisal = cls.cycle.appraisal_ids.filtered(lambda a: a.subject_name == "赵六")
        # Published on Monday 2024-06-03.
        with workflow():
            cls.appraisal.published_date = datetime.date(2024, 6, 3)
        cls.nurse = cls.nurse_users["赵六"]

    def file(self, day):
        """The appraisee files on ``day`` (the server's date: a date sent by the client is ignored)."""
        with freeze_time(day):
            return self.env["perf.appeal"].with_user(self.nurse).create(
                {"appraisal_id": self.appraisal.id, "reason": "投诉不属实", "date_filed": "2024-06-03"})

    def test_day_seven_allowed(self):
        """An appeal on the 7th day after publication is accepted."""
        self.assertTrue(self.file(datetime.date(2024, 6, 10)))

    def test_day_eight_refused_with_the_date(self):
        """On the 8th day the appeal is refused, naming the last day."""
        with self.assertRaises(ValidationError) as info:
            self.file(datetime.date(2024, 6, 11))
        self.assertIn("2024-06-10", str(info.exception))

    def test_filed_and_answered_on_the_hospitals_calendar(self):
        """A nurse who never chose a time zone files at 07:30 in Beijing (23:30 UTC the day before);
        HR, in Beijing, answers at 09:00.  Both dates are the hospital's: 2024-06-06, not 06-05 and 06-06."""
        self.company.resource_calendar_id.tz = "Asia/Shanghai"
        self.assertFalse(self.nurse.tz)  # as Odoo makes a user without a browser's zone
        self.officer.tz = "Asia/Shanghai"
        with freeze_time(datetime.datetime(2024, 6, 5, 23, 30)):
            appeal = self.env["perf.appeal"].with_user(self.nurse).create(
                {"appraisal_id": self.appraisal.id, "reason": "投诉不属实"})
        with freeze_time(datetime.datetime(2024, 6, 6, 1, 0)):
            appeal.with_user(self.officer).write({"response": "维持原评分"})
            appeal.with_user(self.officer).action_reject()
        self.assertEqual((appeal.date_filed, appeal.date_answered), (datetime.date(2024, 6, 6), datetime.date(2024, 6, 6)))

    def test_evidence_uploaded_with_the_appeal_is_read_by_hr(self):
        """赵六 uploads her roster in the form before the appeal exists (Odoo's upload gives it no
        record); filed, it is the appeal's: HR reads it, a colleague does not, and nobody links another's
        document to an appeal to read it."""
        roster = self.env["ir.attachment"].with_user(self.nurse).create(
            {"name": "排班表.txt", "raw": "5月15日 夜班".encode(), "res_model": "perf.appeal", "res_id": 0})
        with freeze_time(datetime.date(2024, 6, 5)):
            appeal = self.env["perf.appeal"].with_user(self.nurse).create(
                {"appraisal_id": self.appraisal.id, "reason": "当日不在岗", "attachment_ids": [(6, 0, roster.ids)]})
        self.assertEqual((roster.res_model, roster.res_id), ("perf.appeal", appeal.id))
        self.assertEqual(roster.with_user(self.officer).raw, "5月15日 夜班".encode())
        with self.assertRaises(AccessError):
            roster.with_user(self.nurse_users["张三"]).read(["raw"])
        # HR's document about 李四 is not linked to 赵六's appeal (to read it through the appeal)
        note = self.env["ir.attachment"].with_user(self.officer).create(
            {"name": "hr.txt", "raw": b"HR only", "res_model": "perf.appraisal",
             "res_id": self.cycle.appraisal_ids.filtered(lambda a: a.subject_name == "李四").id})
        with self.assertRaises(AccessError):
            appeal.with_user(self.nurse).write({"attachment_ids": [(4, note.id)]})
        self.assertEqual(appeal.attachment_ids, roster)

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
        """Upholding reopens the appraisal; it is published again only after re-rating and re-computing."""
        appeal = self.file(datetime.date(2024, 6, 5))
        appeal.with_user(self.officer).write({"response": "同意复核，重新评分"})
        appeal.with_user(self.officer).action_uphold()
        self.assertEqual(appeal.response, "同意复核，重新评分")  # the answer typed in the form is kept
        self.assertEqual((self.appraisal.state, self.appraisal.reopened), ("rating", True))
        with self.assertRaisesRegex(UserError, "not re-rated"):
            self.appraisal.with_user(self.officer).action_republish()
        self.appraisal.set_score("patient", 85, "patient")
        with self.assertRaisesRegex(UserError, "Compute"):
            self.appraisal.with_user(self.officer).action_republish()
        self.cycle.action_compute()
        # 70×.3 + 80×.3 + 85×.4 = 21 + 24 + 34 = 79; −10 complaint = 69
        self.assertEqual(self.appraisal.total_exact, "69")
        # recomputed while reopened: the new pay waits for the new publication
        self.assertEqual(self.appraisal.pay_ids.state, "draft")
        self.appraisal.with_user(self.officer).action_republish()
        self.assertEqual((self.appraisal.state, self.appraisal.pay_ids.state), ("published", "to_pay"))

    def test_rejecting_keeps_the_answer_and_needs_one(self):
        """Reject records the answer typed in the form; without any answer it is refused."""
        appeal = self.file(datetime.date(2024, 6, 5))
        with self.assertRaisesRegex(UserError, "Write the answer"):
            appeal.with_user(self.officer).action_reject()
        appeal.with_user(self.officer).response = "投诉属实，维持原结果"
        appeal.with_user(self.officer).action_reject()
        self.assertEqual((appeal.state, appeal.sudo().response, appeal.answered_by_id), ("rejected", "投诉属实，维持原结果",
                                                                                 self.officer))
        with self.assertRaises(UserError):
            appeal.with_user(self.officer).response = "改口"

    def test_the_answer_reaches_the_appellant_and_is_not_offered_again(self):
        """Rejected on 06-06: 赵六 gets a message addressed to her with the answer (she reads it), the
        appraisal no longer offers Appeal within its window, and her appeal list shows the answered one."""
        appeal = self.file(datetime.date(2024, 6, 5))
        appeal.with_user(self.officer).action_reject("样本充足，维持原结果 <b>ok</b>")
        with freeze_time(datetime.date(2024, 6, 6)):
            self.appraisal.invalidate_recordset(["can_appeal"])
            self.assertFalse(self.appraisal.with_user(self.nurse).can_appeal)
        mine = self.env["mail.message"].with_user(self.nurse).search(
            [("model", "=", "perf.appeal"), ("res_id", "=", appeal.id), ("message_type", "=", "comment")])
        self.assertEqual(len(mine), 1)
        self.assertIn("样本充足，维持原结果 &lt;b&gt;ok&lt;/b&gt;", mine.body)  # her words, never HTML
        self.assertIn(self.nurse.partner_id, mine.partner_ids)
        action = self.env.ref("perf_appraisal.perf_appeal_action")
        self.assertNotIn("search_default_open", action.context)
        self.assertEqual(self.env["perf.appeal"].with_user(self.nurse).search([]), appeal)

    def test_a_nurse_without_email_is_told_in_her_inbox(self):
        """赵六 has no e-mail address and the e-mail preference Odoo gives new users: the answer (and
        a publication notice) reach her Odoo inbox instead of a mail that fails."""
        self.nurse.partner_id.email = False
        self.nurse.notification_type = "email"
        appeal = self.file(datetime.date(2024, 6, 5))
        appeal.with_user(self.officer).action_reject("维持原结果")
        notes = self.env["mail.notification"].search([("res_partner_id", "=", self.nurse.partner_id.id),
                                                      ("mail_message_id.model", "=", "perf.appeal")])
        self.assertEqual(notes.mapped("notification_type"), ["inbox"])
        self.appraisal._notify_published()
        notice = self.env["mail.notification"].search([("res_partner_id", "=", self.nurse.partner_id.id),
                                                       ("mail_message_id.model", "=", "perf.appraisal")], order="id desc",
                                                      limit=1)
        self.assertEqual(notice.notification_type, "inbox")

    def test_a_published_result_changes_only_by_reopening(self):
        """An event dated in the published May, approved after publication, and HR's recompute leave
        李四's published result as she was told it (94.10, 良好, 1,317.40 to pay); HR is told why.
        Only an upheld appeal reopens it (test above). The pay date is fixed with the publication."""
        li = self.cycle.appraisal_ids.filtered(lambda a: a.subject_name == "李四")
        told = (li.total_exact, li.final_grade, li.pay_ids.amount, li.pay_ids.state)
        self.assertEqual(told, ("94.1", "good", 1317.40, "to_pay"))
        event = self.env["perf.event"].with_user(self.head_users["ward-3"]).create({
            "scheme_id": self.nursing.id, "employee_id": li.employee_id.id, "code": "praise", "count": 1,
            "date": "2024-05-20", "note": "补录表扬"})
        event.with_user(self.officer).action_approve()
        self.cycle.with_user(self.officer).action_compute()
        self.assertEqual((li.total_exact, li.final_grade, li.pay_ids.amount, li.pay_ids.state), told)
        self.assertIn("李四", self.cycle.message_ids[:3].mapped("body")[0] + self.cycle.message_ids[:3].mapped("body")[1])
        with self.assertRaisesRegex(UserError, "pay date"):
            self.cycle.with_user(self.officer).write({"pay_date": "2024-06-30"})
