import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .mail_message import inbox_when_no_email
from .perf_workflow_mixin import in_workflow, workflow

APPEAL_DAYS = 7          # 000 篇四: appeal within 7 days of publication
ANSWER_WORKING_DAYS = 5  # HR answers within 5 working days


class PerfAppeal(models.Model):
    """An appraisee's appeal (申诉).  Filed by the appraisee, dated by the server, answered by HR
    (not about their own appraisal); the answer typed in the form is what the buttons record."""

    _name = "perf.appeal"
    _description = "Appraisal Appeal"
    _inherit = ["mail.thread", "mail.activity.mixin", "perf.workflow.mixin"]
    _order = "date_filed desc, id desc"
    _perf_workflow_fields = frozenset({"state", "date_filed", "date_answered", "overdue_flagged", "answered_by_id",
                                       "answer"})

    appraisal_id = fields.Many2one("perf.appraisal", required=True, ondelete="cascade", index=True)
    employee_id = fields.Many2one(related="appraisal_id.employee_id", store=True, index=True)
    user_id = fields.Many2one(related="appraisal_id.user_id", store=True)
    department_id = fields.Many2one(related="appraisal_id.department_id", store=True, index=True)
    company_id = fields.Many2one(related="appraisal_id.company_id", store=True, index=True)
    date_filed = fields.Date(required=True, default=lambda self: self._perf_today(), readonly=True)
    reason = fields.Text(required=True)
    # the appellant's documents (a shift roster, a patient's letter): attached to the appeal, so read
    # by whoever reads it — she, and HR
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence",
                                      help="Documents supporting the appeal (a roster, a letter …).")
    state = fields.Selection([("submitted", "Submitted"), ("upheld", "Upheld"), ("rejected", "Rejected")],
                             default="submitted", required=True, tracking=True)
    response = fields.Text(string="Draft Answer", groups="perf_appraisal.group_perf_officer",
                           help="HR's answer while it is written; Uphold or Reject records it as the answer.")
    answer = fields.Text(readonly=True, tracking=True, help="HR's answer, as recorded when the appeal was answered.")
    answered_by_id = fields.Many2one("res.users", readonly=True)
    date_answered = fields.Date(readonly=True)
    deadline = fields.Date(compute="_compute_deadline", store=True,
                           help="5 working days after filing, by the company's working calendar.")
    overdue_flagged = fields.Boolean(readonly=True)

    @api.depends("appraisal_id.display_name", "date_filed")
    def _compute_display_name(self):
        for appeal in self:
            appeal.display_name = self.env._("Appeal of %(appraisal)s (%(day)s)", appraisal=appeal.appraisal_id.sudo().display_name,
                                             day=appeal.date_filed or "")

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

    # -- CRUD -----------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if in_workflow():
            return super().create(vals_list)
        today = self._perf_today()
        for vals in vals_list:
            if vals.get("response"):
                raise AccessError(self.env._("HR answers an appeal after it is filed."))
            vals["date_filed"] = today  # the server's date, whatever the client sends
        for vals in vals_list:
            appraisal = self.env["perf.appraisal"].browse(vals.get("appraisal_id")).sudo()
            if not self.env.su and appraisal.user_id != self.env.user and not self._perf_is_officer():
                raise AccessError(self.env._("Only the appraisee (or HR on their behalf) files an appeal."))
            self.env["ir.attachment"]._perf_check_linkable(vals.get("attachment_ids"))
        appeals = super().create(vals_list)
        appeals._perf_adopt_attachments()
        return appeals

    def write(self, vals):
        if not in_workflow():
            self._perf_refuse_workflow_fields(vals)
            names = set(vals)
            editable = {"reason", "response", "attachment_ids"}
            if names - editable and not self.env.su:
                raise AccessError(self.env._("%(fields)s of an appeal cannot be edited.",
                                             fields=", ".join(sorted(names - editable))))
            if any(appeal.state != "submitted" for appeal in self):
                raise UserError(self.env._("An answered appeal is closed."))
            if {"reason", "attachment_ids"} & names and not self.env.su and any(a.user_id != self.env.user for a in self):
                raise AccessError(self.env._("Only the appraisee changes the reason of an appeal and its evidence."))
            self.env["ir.attachment"]._perf_check_linkable(vals.get("attachment_ids"))
            if "response" in names:
                self._check_may_answer()
        result = super().write(vals)
        if "attachment_ids" in vals:
            self._perf_adopt_attachments()
        return result

    def _check_may_answer(self):
        self._perf_check_officer(self.env._("answer appeals"))
        if not self.env.su and any(appeal.user_id == self.env.user for appeal in self):
            raise AccessError(self.env._("Nobody answers an appeal about their own appraisal."))

    # -- workflow -------------------------------------------------------------------------------------
    def _answer(self, state, response):
        response = self._perf_text(self.env, response, self.env._("answer"))
        self._check_may_answer()
        self.check_access("write")
        for appeal in self:
            if appeal.state != "submitted":
                raise UserError(self.env._("This appeal is already answered."))
            if not (response or appeal.sudo().response or "").strip():
                raise UserError(self.env._("Write the answer (Response) before %s the appeal.",
                                           self.env._("upholding") if state == "upheld" else self.env._("rejecting")))
        values = {"state": state, "date_answered": self._perf_today(), "answered_by_id": self.env.uid}
        with workflow():
            for appeal in self.sudo():
                # the answer typed in the form is recorded when the button passes none
                text = response or appeal.response
                appeal.write({**values, "response": text, "answer": text})
        for appeal in self.sudo():  # the appellant is told (a message addressed to her: she reads it)
            appeal.message_post(
                body=self.env._("Your appeal was %(decision)s: %(answer)s", answer=appeal.answer,
                                decision=self.env._("upheld — the appraisal is rated again") if state == "upheld"
                                else self.env._("rejected")),
                partner_ids=appeal.user_id.partner_id.ids, message_type="comment", subtype_xmlid="mail.mt_comment",
                author_id=self.env.user.partner_id.id)

    def action_uphold(self, response=None):
        """Upheld: the appraisal reopens for re-rating; it is published again after a new computation."""
        self._answer("upheld", response)
        with workflow():
            self.appraisal_id.sudo().write({"state": "rating", "reopened": True, "rerated": False})
        return True

    def action_reject(self, response=None):
        self._answer("rejected", response)
        return True

    @api.model
    def _flag_overdue(self):
        today = self._perf_today()
        overdue = self.sudo().search([("state", "=", "submitted"), ("deadline", "<", today),
                                      ("overdue_flagged", "=", False)])
        officer = self.env.ref("perf_appraisal.group_perf_officer").users[:1]
        for appeal in overdue:
            appeal.activity_schedule("mail.mail_activity_data_todo", user_id=(officer or self.env.user).id,
                                     date_deadline=today, summary=self.env._("Overdue appeal: answer was due %s", appeal.deadline))
        with workflow():
            overdue.write({"overdue_flagged": True})
        return overdue

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        return inbox_when_no_email(self.env, super()._notify_get_recipients(message, msg_vals, **kwargs))

    def _perf_private_user(self):
        return self.sudo().user_id
