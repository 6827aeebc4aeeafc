from decimal import Decimal, InvalidOperation

import perfcore
from perfcore.decimals import show

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .perf_workflow_mixin import in_workflow, workflow

# cycles whose inputs are still entered: an event dated in their period changes their results
OPEN_CYCLE_STATES = ("running", "rating", "calibration")

DRAFT_FIELDS = frozenset({"scheme_id", "employee_id", "department_id", "company_id", "date", "code", "event_type_id",
                          "count", "points", "note", "attachment_ids"})


class PerfEvent(models.Model):
    """One 加减分 ledger entry.  Recorded by a manager of the subject (or HR), approved by the
    subject's manager chain or HR — never about oneself — and locked once approved."""

    _name = "perf.event"
    _description = "Performance Event (加减分)"
    _inherit = ["mail.thread", "perf.workflow.mixin"]
    _order = "date desc, id desc"
    _perf_workflow_fields = frozenset({"state", "decided_by_id", "decided_date", "reversal_reason"})
    _perf_editable_fields = DRAFT_FIELDS

    scheme_id = fields.Many2one("perf.scheme", required=True, index=True, default=lambda self: self._default_scheme())
    employee_id = fields.Many2one("hr.employee", index=True)
    department_id = fields.Many2one("hr.department", index=True, string="Unit")
    scope_department_id = fields.Many2one(
        "hr.department", compute="_compute_scope_department_id", store=True, index=True,
        help="The unit, or the employee's department: its managers (and those above) record and approve.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date = fields.Date(required=True, default=lambda self: self._default_date())
    date_warning = fields.Char(compute="_compute_date_warning",
                               help="Why this event would count in no cycle: its date lies in no cycle of its scheme.")
    code = fields.Char(required=True, help="An event code of the scheme, e.g. praise or late.")
    event_type_id = fields.Many2one("perf.scheme.event", string="Event", compute="_compute_event_type_id", store=True,
                                    readonly=False, domain="[('scheme_id', '=', scheme_id)]",
                                    help="The event as the scheme names it, with its points.")
    explicit_points = fields.Boolean(related="event_type_id.explicit_points")
    count = fields.Integer(default=1)
    points = fields.Float(digits=(16, 4), help="Explicit points, for ranged or free events.")
    total_points = fields.Char(string="Points in Total", compute="_compute_total_points",
                               help="What the entry adds to or takes from the score: count × points each.")
    note = fields.Text(help="The reason; some schemes require it.")
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence")
    state = fields.Selection([("draft", "Draft"), ("approved", "Approved"), ("refused", "Refused"),
                              ("reversed", "Reversed")], default="draft", required=True, tracking=True)
    can_approve = fields.Boolean(compute="_compute_can_decide",
                                 help="You may approve it: a manager of its subject or HR, not its recorder, not its subject.")
    can_refuse = fields.Boolean(compute="_compute_can_decide")
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True, tracking=True)
    decided_date = fields.Date(readonly=True)
    reversal_reason = fields.Text(readonly=True, tracking=True)

    @api.model
    def _open_cycles(self, scheme=None):
        """The cycles of the company whose inputs are still entered (an event dated in one counts)."""
        domain = [("state", "in", OPEN_CYCLE_STATES), ("company_id", "=", self.env.company.id)]
        if scheme:
            domain.append(("scheme_id", "=", scheme.id))
        return self.env["perf.cycle"].sudo().search(domain, order="date_to desc")

    @api.model
    def _default_scheme(self):
        """The scheme of the open cycles, when they all run one (a hospital's monthly nursing scheme)."""
        schemes = self._open_cycles().scheme_id
        return schemes if len(schemes) == 1 else schemes.browse()

    @api.model
    def _default_date(self, scheme=None):
        """Today, or — when no open cycle contains today (the month is over, its inputs are still
        entered) — the last day of the newest open cycle: an event recorded for the month counts."""
        today = self._perf_today()
        cycles = self._open_cycles(scheme)
        if not cycles or any(c.date_from <= today <= c.date_to for c in cycles):
            return today
        return min(cycles[0].date_to, today)

    @api.onchange("scheme_id")
    def _onchange_scheme_id_date(self):
        if self.scheme_id and self.state == "draft" and self.date and self._coverage(self.date) == "none":
            self.date = self._default_date(self.scheme_id)

    def _coverage(self, date, cycles=None):
        """Whether a cycle of this event's scheme covers the date: 'open', 'done' or 'none'.
        ``cycles``: the scheme's cycles, when read already for a list of events."""
        if cycles is None:
            cycles = self.env["perf.cycle"].sudo().search([("scheme_id", "=", self.scheme_id.id)])
        company = self.company_id or self.env.company
        covering = cycles.filtered(lambda c: c.company_id == company and c.date_from <= date <= c.date_to)
        if not covering:
            return "none"
        return "open" if any(c.state in ("draft", *OPEN_CYCLE_STATES) for c in covering) else "done"

    @api.depends("date", "scheme_id", "state")
    def _compute_date_warning(self):
        drafts = self.filtered(lambda e: e.date and e.scheme_id and e.state == "draft")
        (self - drafts).date_warning = False
        # the schemes' cycles read once for the whole list, not once per event
        by_scheme = {}
        for cycle in self.env["perf.cycle"].sudo().search([("scheme_id", "in", drafts.scheme_id.ids)],
                                                           order="date_to desc"):
            by_scheme.setdefault(cycle.scheme_id.id, self.env["perf.cycle"].sudo())
            by_scheme[cycle.scheme_id.id] |= cycle
        for event in drafts:
            cycles = by_scheme.get(event.scheme_id.id, self.env["perf.cycle"].sudo())
            coverage = event._coverage(event.date, cycles)
            if coverage == "open":
                event.date_warning = False
            elif coverage == "done":
                event.date_warning = self.env._(
                    "%(date)s lies in a cycle already past calibration: this event does not change its results.",
                    date=event.date)
            else:
                company = event.company_id or self.env.company
                periods = ", ".join(f"{c.name} ({c.date_from} – {c.date_to})" for c in cycles
                                    if c.state in OPEN_CYCLE_STATES and c.company_id == company)
                event.date_warning = self.env._(
                    "%(date)s lies in no cycle of %(scheme)s: this event counts in no month. Open cycles: %(periods)s.",
                    date=event.date, scheme=event.scheme_id.name, periods=periods or self.env._("none"))

    @api.depends("employee_id.name", "department_id.name", "event_type_id.name", "code", "date")
    def _compute_display_name(self):
        # a breadcrumb reads 张晓红 · 表扬 · 2026-11-15, not perf.event,1
        for event in self:
            subject = (event.employee_id or event.department_id).sudo().name
            event.display_name = " · ".join(filter(None, [subject, event.event_type_id.name or event.code,
                                                          event.date and fields.Date.to_string(event.date)]))

    @api.depends("scheme_id", "code", "count", "points")
    def _compute_total_points(self):
        """+10 for one 表扬 of 10 each, −4 for two lates of −2: the list shows what every entry counts
        (a fixed-point event stores no points of its own)."""
        for event in self:
            etype = event.event_type_id
            if not etype or etype.kind != "points":
                event.total_points = etype.points or False
                continue
            each = Decimal(repr(event.points)) if event.points else None
            if each is None:
                try:
                    each = event.scheme_id._perfcore_scheme().event(event.code).points
                except (ValueError, InvalidOperation, AttributeError):  # a scheme that no longer parses
                    each = None
            if each is None:
                event.total_points = False
                continue
            total = each * (event.count or 1)
            event.total_points = ("+" if total > 0 else "") + show(total)

    @api.depends_context("uid")
    @api.depends("state", "create_uid", "employee_id", "department_id")
    def _compute_can_decide(self):
        """The buttons a user sees are the decisions she may take (the server checks again)."""
        officer = self._perf_is_officer()
        for event in self:
            may = event.state == "draft" and not event._is_about_me() and event._in_my_scope(officer)
            event.can_refuse = may
            event.can_approve = may and event.sudo().create_uid != self.env.user

    @api.depends("scheme_id", "code")
    def _compute_event_type_id(self):
        for event in self:
            event.event_type_id = event.scheme_id.event_type_ids.filtered(lambda e, c=event.code: e.code == c)[:1]

    @api.depends("department_id", "employee_id.department_id")
    def _compute_scope_department_id(self):
        for event in self:
            event.scope_department_id = event.department_id or event.employee_id.department_id

    @api.constrains("code", "scheme_id", "count", "points", "note")
    def _check_code(self):
        for event in self:
            scheme = event.scheme_id._perfcore_scheme()
            etype = scheme.event(event.code)
            problems = perfcore.check_event(scheme, event.code, event.count, _points(event.points), event.note or None,
                                            subperiod=bool(etype and etype.scope == "subperiod"))
            if problems:
                raise ValidationError(self.env._("Event %(code)s: %(problem)s (got %(value)s).", code=event.code,
                                                 problem=problems[0].message, value=_shown(problems[0])))

    @api.constrains("employee_id", "department_id")
    def _check_subject(self):
        for event in self:
            if bool(event.employee_id) == bool(event.department_id):
                raise ValidationError(self.env._("An event belongs to one employee or one unit."))

    # -- who ------------------------------------------------------------------------------------------
    def _subject_users(self):
        """The users an event is about: the employee, or the unit's manager."""
        return (self.employee_id.user_id | self.department_id.manager_id.user_id).sudo()

    def _is_about_me(self):
        return self.env.user in self.sudo()._subject_users()

    def _in_my_scope(self, officer):
        """HR, or a manager of the subject's department (or above)."""
        return officer or self.env.user in self.sudo().scope_department_id.perf_scope_user_ids

    def _check_not_about_me(self, action):
        if self.env.su:
            return
        for event in self:
            if event._is_about_me():
                raise AccessError(self.env._("Nobody may %(action)s an event about themselves.", action=action))

    def _check_in_scope(self, action):
        """HR, or a manager of the subject's department (or above)."""
        if self.env.su:
            return
        for event in self:
            subject = event.sudo().employee_id or event.sudo().department_id
            if subject.company_id and subject.company_id not in self.env.user.company_ids:
                raise AccessError(self.env._("%(subject)s belongs to %(company)s: its HR or managers %(action)s its events.",
                                             subject=subject.name, company=subject.company_id.name, action=action))
            if not event._perf_is_officer_of(subject.company_id) and not event._in_my_scope(officer=False):
                raise AccessError(self.env._("Only HR or a manager of %(subject)s may %(action)s its events.",
                                             subject=(event.sudo().employee_id or event.sudo().department_id).name,
                                             action=action))

    # -- CRUD -----------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._validate_numbers(vals)
            if vals.get("event_type_id") and not vals.get("code"):  # chosen by name in the form
                vals["code"] = self.env["perf.scheme.event"].browse(vals["event_type_id"]).code
        for vals in vals_list:
            self.env["ir.attachment"]._perf_check_linkable(vals.get("attachment_ids"))
        events = super().create(vals_list)
        if not in_workflow():
            events._check_not_about_me(self.env._("record"))
            events._check_in_scope(self.env._("record"))
        events._perf_adopt_attachments()
        return events

    def write(self, vals):
        self._validate_numbers(vals)
        if vals.get("event_type_id") and "code" not in vals:
            vals = {**vals, "code": self.env["perf.scheme.event"].browse(vals["event_type_id"]).code}
        if not in_workflow():
            self._perf_refuse_workflow_fields(vals)
            if any(event.state != "draft" for event in self):
                raise UserError(self.env._("An approved or refused event is locked; HR reverses it with a reason."))
            self._check_not_about_me(self.env._("edit"))
            self._check_in_scope(self.env._("edit"))
        self.env["ir.attachment"]._perf_check_linkable(vals.get("attachment_ids"))
        result = super().write(vals)
        if not in_workflow():
            self._check_not_about_me(self.env._("record"))  # also about the new subject
            self._check_in_scope(self.env._("record"))
        if "attachment_ids" in vals:
            self._perf_adopt_attachments()
        return result

    @api.model
    def _check_entry(self, vals):
        """The reason one ledger entry (vals of a sheet's row) cannot be recorded, or None."""
        try:
            self._validate_numbers(vals)
        except ValidationError as exc:
            return exc.args[0]
        scheme = self.env["perf.scheme"].browse(vals["scheme_id"])._perfcore_scheme()
        etype = scheme.event(vals.get("code") or "")
        problems = perfcore.check_event(scheme, vals.get("code") or "", vals.get("count", 1),
                                        _points(vals.get("points")), vals.get("note") or None,
                                        subperiod=bool(etype and etype.scope == "subperiod"))
        if problems:
            return problems[0].message
        subject = (self.env["hr.employee"].browse(vals["employee_id"]) if vals.get("employee_id")
                   else self.env["hr.department"].browse(vals["department_id"])).sudo()
        users = subject.user_id if subject._name == "hr.employee" else subject.manager_id.user_id
        if not self.env.su and self.env.user in users:
            return self.env._("nobody records an event about themselves")
        department = subject.department_id if subject._name == "hr.employee" else subject
        if not (self.env.su or self._perf_is_officer() or self.env.user in department.perf_scope_user_ids):
            return self.env._("only HR or a manager of %s records its events", subject.name)
        return None

    def _validate_numbers(self, vals):
        for name in ("count", "points"):
            if name not in vals or vals[name] in (False, None):
                continue
            value = vals[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValidationError(self.env._("The %(field)s of an event is a number, not %(value)r.",
                                                 field=name, value=value))
            if value != value or abs(value) >= 10**6:  # NaN, or beyond any event (and the database's int4)
                raise ValidationError(self.env._("The %(field)s of an event must lie within ±1,000,000 (got %(value)s).",
                                                 field=name, value=value))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if in_workflow():
            return
        if any(event.state != "draft" for event in self):
            raise UserError(self.env._("An approved or refused event is kept; HR reverses it with a reason."))
        self._check_not_about_me(self.env._("delete"))
        self._check_in_scope(self.env._("delete"))

    # -- workflow -------------------------------------------------------------------------------------
    def _decide(self, state, action):
        self._check_not_about_me(action)
        self._check_in_scope(action)
        self.check_access("read")
        if any(event.state != "draft" for event in self):
            raise UserError(self.env._("Only a draft event is approved or refused."))
        with workflow():
            self.sudo().write({"state": state, "decided_by_id": self.env.uid,
                               "decided_date": self._perf_today()})
        self._affected_appraisals()._mark_inputs_changed()

    def action_approve(self):
        """The subject's manager chain or HR approves; the event then counts in the subject's score.
        Never its recorder: recording and approving are two people (四眼原则)."""
        if not self.env.su and any(event.create_uid == self.env.user for event in self.sudo()):
            raise AccessError(self.env._("You recorded this event: another manager of the subject, or HR, approves it."))
        self._decide("approved", self.env._("approve"))
        return True

    def action_refuse(self):
        self._decide("refused", self.env._("refuse"))
        return True

    def action_reverse(self, reason=None):
        """HR reverses an approved event with a reason (tracked); it no longer counts."""
        self._perf_check_officer(self.env._("reverse an approved event"))
        self._check_not_about_me(self.env._("reverse"))
        self.check_access("write")
        reason = self._perf_text(self.env, reason, self.env._("reason"))
        if not reason:
            raise UserError(self.env._("Reversing an approved event needs a reason."))
        if any(event.state != "approved" for event in self):
            raise UserError(self.env._("Only an approved event is reversed."))
        with workflow():
            self.sudo().write({"state": "reversed", "reversal_reason": reason})
        self._affected_appraisals()._mark_inputs_changed()
        return True

    def _affected_appraisals(self):
        """Appraisals of the same scheme whose period contains the event."""
        appraisals = self.env["perf.appraisal"].sudo()
        for event in self.sudo():
            field = "employee_id" if event.employee_id else "department_id"
            appraisals |= appraisals.search([
                (field, "=", event[field].id), ("scheme_id", "=", event.scheme_id.id),
                ("cycle_id.date_from", "<=", event.date), ("cycle_id.date_to", ">=", event.date)])
        return appraisals

    def _perf_private_user(self):
        return self.sudo()._subject_users()[:1]


def _points(value):
    return None if not value else repr(value)


def _shown(problem):
    return problem.value if problem.has_value else "-"
