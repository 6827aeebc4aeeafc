import html
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .perf_cycle import CYCLE_STATES

DONE_STATES = ("published", "closed")


class PerfAppraisal(models.Model):
    _name = "perf.appraisal"
    _description = "Appraisal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "cycle_id desc, group_name, rank, id"
    _rec_name = "subject_name"

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade", index=True)
    scheme_id = fields.Many2one(related="cycle_id.scheme_id", store=True, index=True)
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period = fields.Char(related="cycle_id.period", store=True)
    period_start = fields.Date(related="cycle_id.date_from", store=True)
    employee_id = fields.Many2one("hr.employee", index=True, ondelete="restrict")
    department_id = fields.Many2one("hr.department", index=True, help="The appraised unit, or the employee's department.")
    subject_name = fields.Char(compute="_compute_subject_name", store=True)
    group_name = fields.Char(string="Group", help="Distribution and ranking group (ward, department …).")
    user_id = fields.Many2one(related="employee_id.user_id", store=True, string="Appraisee User")
    state = fields.Selection(CYCLE_STATES, default="running", required=True, tracking=True, index=True)
    status = fields.Selection([("pending", "Not computed"), ("scored", "Scored"), ("excluded", "Excluded"),
                               ("incomplete", "Incomplete")], default="pending", readonly=True)
    status_reason = fields.Char(readonly=True)
    score_ids = fields.One2many("perf.score", "appraisal_id", string="Scores")
    attribute_ids = fields.One2many("perf.appraisal.attribute", "appraisal_id", string="Attributes",
                                    help="A snapshot of the subject's attributes; edit here to override for this cycle.")
    total = fields.Float(digits=(16, 2), readonly=True, aggregator="avg")
    total_exact = fields.Char(readonly=True)
    grade = fields.Char(readonly=True, help="Grade after distribution, as perfcore computed it.")
    grade_label = fields.Char(readonly=True)
    band_grade = fields.Char(readonly=True, help="Grade from the score bands, before the quotas.")
    grade_override = fields.Char(tracking=True, help="HR's calibrated grade; needs a reason.")
    override_reason = fields.Text(tracking=True)
    final_grade = fields.Char(compute="_compute_final_grade", store=True)
    rank = fields.Integer(readonly=True, aggregator=False)
    flags = fields.Char(readonly=True)
    pay_amount = fields.Monetary(readonly=True, currency_field="currency_id")
    result_json = fields.Text(readonly=True, groups="perf_appraisal.group_perf_manager")
    breakdown_html = fields.Html(compute="_compute_breakdown_html", sanitize=False, string="Breakdown")
    confirmed = fields.Boolean(readonly=True, tracking=True, copy=False)
    approved = fields.Boolean(readonly=True, tracking=True, copy=False)
    published_date = fields.Date(readonly=True, copy=False)
    reopened = fields.Boolean(readonly=True, copy=False)
    interview_date = fields.Date()
    interview_notes = fields.Text()
    employee_ack = fields.Boolean(string="Appraisee Acknowledged", readonly=True, tracking=True, copy=False)
    manager_ack = fields.Boolean(string="Manager Acknowledged", readonly=True, tracking=True, copy=False)
    interview_done = fields.Boolean(compute="_compute_interview_done", store=True)
    flags_followed_up = fields.Boolean(readonly=True, copy=False)
    appeal_ids = fields.One2many("perf.appeal", "appraisal_id")
    pay_ids = fields.One2many("perf.pay", "appraisal_id")

    @api.depends("employee_id.name", "department_id.name")
    def _compute_subject_name(self):
        for appraisal in self:
            appraisal.subject_name = (appraisal.employee_id or appraisal.department_id).name

    @api.depends("grade", "grade_override")
    def _compute_final_grade(self):
        for appraisal in self:
            appraisal.final_grade = appraisal.grade_override or appraisal.grade

    @api.depends("employee_ack", "manager_ack")
    def _compute_interview_done(self):
        for appraisal in self:
            appraisal.interview_done = appraisal.employee_ack and appraisal.manager_ack

    @api.constrains("grade_override", "override_reason")
    def _check_override(self):
        for appraisal in self:
            if not appraisal.grade_override:
                continue
            if not (appraisal.override_reason or "").strip():
                raise ValidationError(self.env._("Overriding a grade needs a reason."))
            codes = [g.code for g in appraisal.scheme_id._perfcore_scheme().grades]
            if appraisal.grade_override not in codes:
                raise ValidationError(self.env._("%(grade)s is not a grade of this scheme (%(codes)s).",
                                                 grade=appraisal.grade_override, codes=", ".join(codes)))

    @api.depends("result_json")
    def _compute_breakdown_html(self):
        for appraisal in self:
            data = json.loads(appraisal.sudo().result_json or "null")
            if not data:
                appraisal.breakdown_html = False
                continue
            rows = "".join(
                f"<tr><td>{html.escape(line['kind'])}</td><td>{html.escape(line['code'])}</td>"
                f"<td class='text-end'>{html.escape(line['value'] or '')}</td><td>{html.escape(line['reason'])}</td></tr>"
                for line in data["breakdown"] if not _hides_peer(line, appraisal))
            appraisal.breakdown_html = (
                "<table class='table table-sm o_perf_breakdown'><thead><tr><th>" + self.env._("Step") + "</th><th>"
                + self.env._("Code") + "</th><th>" + self.env._("Value") + "</th><th>" + self.env._("Reason") + "</th></tr></thead><tbody>"
                + rows + "</tbody></table>")

    # -- ORM API for integrators and tests --------------------------------------------------
    def set_score(self, code, value, rater=None):
        """Record a score: ``rater`` is a rater role code (e.g. 'superior') or None for plain inputs."""
        self.ensure_one()
        lines = self.score_ids.filtered(lambda s: s.code == code and (s.rater_role or None) == rater)
        if not lines:
            known = sorted({f"{s.code}/{s.rater_role}" if s.rater_role else s.code for s in self.score_ids})
            raise UserError(self.env._("No score line %(code)s%(rater)s on %(name)s (lines: %(known)s).",
                                       code=code, rater=f" rated by {rater}" if rater else "", name=self.subject_name,
                                       known=", ".join(known)))
        values = value if isinstance(value, (list, tuple)) else [value]
        for line, number in zip(lines, values):
            line.value = number
        if len(values) > len(lines):
            template = lines[0]
            for number in values[len(lines):]:
                template.copy({"value": number, "rater_user_id": False})
        return True

    def set_attribute(self, code, value):
        """Override one attribute for this appraisal only."""
        self.ensure_one()
        line = self.attribute_ids.filtered(lambda a: a.code == code)
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if line:
            line.value = text
        else:
            self.attribute_ids = [fields.Command.create({"code": code, "value": text})]
        return True

    # -- approval, interview -----------------------------------------------------------------
    def _is_officer(self):
        return self.env.user.has_group("perf_appraisal.group_perf_officer")

    def action_confirm(self):
        """The direct superior confirms (直接上级确认)."""
        for appraisal in self:
            if not (appraisal._is_officer() or appraisal.employee_id.parent_id.user_id == self.env.user):
                raise AccessError(self.env._("Only the direct superior (or HR) confirms %s.", appraisal.subject_name))
        self.sudo().write({"confirmed": True})
        return True

    def action_approve(self):
        """The skip-level superior (or HR) approves (隔级上级承认)."""
        for appraisal in self:
            skip = appraisal.employee_id.parent_id.parent_id.user_id
            if not (appraisal._is_officer() or skip == self.env.user):
                raise AccessError(self.env._("Only the skip-level superior (or HR) approves %s.", appraisal.subject_name))
            if not appraisal.confirmed and appraisal.employee_id:
                raise UserError(self.env._("%s is not confirmed by the direct superior yet.", appraisal.subject_name))
        self.sudo().write({"approved": True})
        return True

    def action_acknowledge(self):
        """The appraisee or the manager acknowledges the interview (面谈, signed by both)."""
        for appraisal in self:
            values = {}
            if appraisal.employee_id.user_id == self.env.user:
                values["employee_ack"] = True
            if appraisal.employee_id.parent_id.user_id == self.env.user or appraisal._is_officer():
                values["manager_ack"] = True
            if not values:
                raise AccessError(self.env._("Only the appraisee or the manager acknowledges the interview."))
            appraisal.sudo().write(values)
        self.sudo().pay_ids._release_after_interview()
        return True

    def action_republish(self):
        """Publish a re-rated appraisal again after an upheld appeal."""
        self.sudo().write({"state": "published", "reopened": False, "published_date": fields.Date.context_today(self)})
        self._notify_published()
        return True

    def _notify_published(self):
        for appraisal in self.filtered(lambda a: a.employee_id.work_contact_id):
            appraisal.message_post(
                body=self.env._("Your appraisal for %(period)s is published: %(grade)s.", period=appraisal.period,
                                grade=appraisal.grade_label or appraisal.final_grade or "-"),
                partner_ids=appraisal.employee_id.work_contact_id.ids, subtype_xmlid="mail.mt_comment")

    def _schedule_rater_activities(self):
        """One to-do per rater with lines still to fill, due at the cycle's rating deadline."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for appraisal in self:
            raters = appraisal.score_ids.filtered(lambda s: not s.rated and s.rater_user_id).rater_user_id
            existing = appraisal.activity_ids.filtered(lambda a: a.activity_type_id == todo).user_id
            for user in raters - existing:
                appraisal.activity_schedule(
                    activity_type_id=todo.id if todo else False, user_id=user.id,
                    date_deadline=appraisal.cycle_id.deadline_rating or fields.Date.context_today(self),
                    summary=self.env._("Rate %s", appraisal.subject_name))

    @api.model
    def _follow_up_flags(self):
        """After publication, flags that ask HR to act (training, transfer, position review …)."""
        actionable = ("training_required", "transfer_required", "position_review", "elimination_review",
                      "head_dismissal", "license_review")
        appraisals = self.search([("state", "in", DONE_STATES), ("flags_followed_up", "=", False), ("flags", "!=", False)])
        officers = self.env.ref("perf_appraisal.group_perf_officer").users
        for appraisal in appraisals:
            hits = [f for f in appraisal.flags.split(",") if f in actionable]
            for user in officers[:1] if hits else []:
                appraisal.activity_schedule("mail.mail_activity_data_todo", user_id=user.id,
                                            summary=self.env._("Follow up: %s", ", ".join(hits)))
        appraisals.sudo().write({"flags_followed_up": True})

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unconfirmed(self):
        for appraisal in self:
            if appraisal.confirmed or appraisal.state in ("approval",) + DONE_STATES:
                raise UserError(self.env._("A confirmed appraisal is a record to keep; %s cannot be deleted.",
                                           appraisal.subject_name))


def _hides_peer(line, appraisal):
    """Peer ratings are anonymous: the appraisee sees the peer mean, never a rater's identity."""
    return line["kind"] == "rater" and ".peer" in line["code"] and "mean of" not in line["reason"] \
        and appraisal.env.user == appraisal.employee_id.user_id
