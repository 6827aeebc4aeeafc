import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

APPEAL_DAYS = 7          # 000 篇四: appeal within 7 days of publication
ANSWER_WORKING_DAYS = 5  # HR answers within 5 working days


class PerfAppeal(models.Model):
    _name = "perf.appeal"
    _description = "Appraisal Appeal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_filed desc, id desc"

    appraisal_id = fields.Many2one("perf.appraisal", required=True, ondelete="cascade", index=True)
    employee_id = fields.Many2one(related="appraisal_id.employee_id", store=True, index=True)
    user_id = fields.Many2one(related="appraisal_id.user_id", store=True)
    company_id = fields.Many2one(related="appraisal_id.company_id", store=True, index=True)
    date_filed = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    reason = fields.Text(required=True)
    state = fields.Selection([("submitted", "Submitted"), ("upheld", "Upheld"), ("rejected", "Rejected")],
                             default="submitted", required=True, tracking=True)
    response = fields.Text(tracking=True)
    date_answered = fields.Date(readonly=True)
    deadline = fields.Date(compute="_compute_deadline", store=True,
                           help="5 working days after filing, by the company's working calendar.")
    overdue_flagged = fields.Boolean(readonly=True)

    @api.depends("date_filed", "company_id")
    def _compute_deadline(self):
        for appeal in self:
            calendar_ = appeal.company_id.resource_calendar_id
            if not appeal.date_filed:
                appeal.deadline = False
                continue
            start = datetime.datetime.combine(appeal.date_filed + datetime.timedelta(days=1), datetime.time.min)
            if calendar_:
                found = calendar_.plan_days(ANSWER_WORKING_DAYS, start, compute_leaves=True)
                appeal.deadline = found.date() if found else False
            else:
                appeal.deadline = appeal.date_filed + datetime.timedelta(days=7)

    @api.constrains("appraisal_id", "date_filed")
    def _check_window(self):
        for appeal in self:
            published = appeal.appraisal_id.published_date
            if not published or appeal.appraisal_id.state not in ("published", "closed"):
                raise ValidationError(self.env._("Only a published appraisal can be appealed."))
            last_day = published + datetime.timedelta(days=APPEAL_DAYS)
            if appeal.date_filed > last_day:
                raise ValidationError(self.env._("The appeal window closed on %(day)s (7 days after publication on %(pub)s).",
                                                 day=last_day, pub=published))

    def _answer(self, state, response):
        for appeal in self:
            if appeal.state != "submitted":
                raise UserError(self.env._("This appeal is already answered."))
        self.write({"state": state, "response": response or False, "date_answered": fields.Date.context_today(self)})

    def action_uphold(self, response=None):
        """Upheld: the appraisal reopens for re-rating and re-computation."""
        self._answer("upheld", response)
        self.appraisal_id.sudo().write({"state": "rating", "reopened": True})
        return True

    def action_reject(self, response=None):
        self._answer("rejected", response)
        return True

    @api.model
    def _flag_overdue(self):
        today = fields.Date.context_today(self)
        overdue = self.search([("state", "=", "submitted"), ("deadline", "<", today), ("overdue_flagged", "=", False)])
        officer = self.env.ref("perf_appraisal.group_perf_officer").users[:1]
        for appeal in overdue:
            appeal.activity_schedule("mail.mail_activity_data_todo", user_id=(officer or self.env.user).id,
                                     date_deadline=today, summary=self.env._("Overdue appeal: answer was due %s", appeal.deadline))
        overdue.write({"overdue_flagged": True})
        return overdue
