import datetime
import html
import json

from markupsafe import Markup, escape

import perfcore
from perfcore.decimals import fmt, show

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .batch_defaults import batch_defaults
from .cycle_terms import CYCLE_STATES, DONE_STATES
from .mail_message import inbox_when_no_email
from .perf_appeal import APPEAL_DAYS
from .perf_workflow_mixin import in_workflow, workflow


# What may be edited outside the workflow, and by whom (see readme/CONFIGURE.md, "Trust model").
OFFICER_FIELDS = frozenset({"grade_override_id", "override_reason", "group_name", "superior_user_id", "skip_user_id"})
INTERVIEW_FIELDS = frozenset({"interview_date", "interview_notes"})
# one2many lines: perf.score and perf.appraisal.attribute check who may change what
LINE_FIELDS = frozenset({"score_ids", "attribute_ids", "kpi_ids"})
# fields the lists order by that have no aggregate to order groups by
UNGROUPED_ORDER = frozenset({"rank"})


class PerfAppraisal(models.Model):
    _name = "perf.appraisal"
    _description = "Appraisal"
    _inherit = ["mail.thread", "mail.activity.mixin", "perf.workflow.mixin"]
    # by name, never by group and rank: ordering another model by its appraisal (a score line, say)
    # uses this order without the record rules, and would rank what the reader may not read
    _order = "cycle_id desc, subject_name, id"
    _rec_name = "subject_name"
    _perf_workflow_fields = frozenset({
        "cycle_id", "employee_id", "department_id", "state", "status", "status_reason", "total", "total_exact",
        "grade", "grade_label", "band_grade", "rank", "flags", "pay_amount", "result_json", "confirmed", "approved",
        "published_date", "reopened", "rerated", "results_stale", "employee_ack", "manager_ack", "flags_followed_up",
        "appeal_ids", "pay_ids", "grade_override",
    })

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade", index=True)
    scheme_id = fields.Many2one(related="cycle_id.scheme_id", store=True, index=True)
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period = fields.Char(related="cycle_id.period", store=True)
    period_start = fields.Date(related="cycle_id.date_from", store=True)
    employee_id = fields.Many2one("hr.employee", index=True, ondelete="restrict")
    department_id = fields.Many2one("hr.department", index=True,
                                    help="The appraised unit, or the employee's department when the cycle started.")
    subject_name = fields.Char(compute="_compute_subject_name", store=True)
    group_name = fields.Char(string="Group", tracking=True,
                             help="Distribution and ranking group (ward, department …).")
    user_id = fields.Many2one(related="employee_id.user_id", store=True, string="Appraisee User")
    superior_user_id = fields.Many2one("res.users", string="Confirmed by", tracking=True, index=True,
                                       help="The direct superior who confirms (直接上级确认) and holds the interview; "
                                            "taken from the org chart when the cycle starts, HR may reassign.")
    skip_user_id = fields.Many2one("res.users", string="Approved by", tracking=True,
                                   help="The skip-level superior who approves (隔级上级承认); HR may reassign.")
    state = fields.Selection(CYCLE_STATES, default="running", required=True, tracking=True, index=True)
    status = fields.Selection([("pending", "Not computed"), ("scored", "Scored"), ("excluded", "Excluded"),
                               ("incomplete", "Incomplete")], string="Result Status", default="pending", readonly=True,
                              tracking=True, help="Whether the results are computed; the stage is the state above.")
    status_reason = fields.Char(readonly=True)
    results_stale = fields.Boolean(readonly=True, copy=False,
                                   help="Scores, attributes or events changed since the results were computed.")
    score_ids = fields.One2many("perf.score", "appraisal_id", string="Scores",
                                groups="perf_appraisal.group_perf_manager")
    kpi_ids = fields.One2many("perf.kpi", "appraisal_id", string="KPI Card")
    attribute_ids = fields.One2many("perf.appraisal.attribute", "appraisal_id", string="Attributes",
                                    help="A snapshot of the subject's attributes; edit here to override for this cycle.")
    total = fields.Float(digits=(16, 2), readonly=True, aggregator="avg")
    total_exact = fields.Char(readonly=True)
    grade = fields.Char(readonly=True, help="Grade after distribution, as perfcore computed it.")
    grade_label = fields.Char(readonly=True)
    band_grade = fields.Char(readonly=True, help="Grade from the score bands, before the quotas.")
    grade_override_id = fields.Many2one("perf.scheme.grade", string="Calibrated Grade", tracking=True,
                                        domain="[('scheme_id', '=', scheme_id)]",
                                        help="HR's calibrated grade; needs a reason.")
    grade_override = fields.Char(related="grade_override_id.code", store=True, string="Calibrated Grade Code")
    override_reason = fields.Text(tracking=True)
    final_grade = fields.Char(compute="_compute_final_grade", store=True, string="Final Grade Code")
    final_grade_id = fields.Many2one("perf.scheme.grade", compute="_compute_final_grade",
                                     store=True, index=True)
    band_grade_label = fields.Char(string="Band Grade", compute="_compute_final_grade", store=True)
    flags_label = fields.Char(string="Flags", compute="_compute_flags_label")
    appeal_deadline = fields.Date(compute="_compute_appeal_deadline",
                                  help="The last day an appeal is filed (7 days after publication).")
    can_appeal = fields.Boolean(compute="_compute_appeal_deadline")
    appeal_hint = fields.Char(compute="_compute_appeal_deadline", string="Appeal")
    rank = fields.Integer(readonly=True, aggregator=False)
    flags = fields.Char(readonly=True)
    # perfcore's exact cents (numeric(16, 2)), shown in the currency: a Monetary field would look the
    # currency up for every appraisal a computation writes, to round the cents again
    pay_amount = fields.Float(digits=(16, 2), readonly=True)
    pay_shown = fields.Float(
        string="Amount to Pay", digits=(16, 2), compute="_compute_pay_shown",
        help="The pay as the reader may see it (a bonus, a clinic's subsidy: the form names it as the scheme does). Pay computed from wages is kept on the pay results only, "
             "read by the appraisee (once published) and by those who read contracts.")
    pay_hidden = fields.Boolean(compute="_compute_pay_shown", string="Pay Confidential")
    pay_label = fields.Char(compute="_compute_pay_label", string="Pay Called",
                            help="What the scheme's money is called: performance pay, or a clinic's 补助 …")
    # not fetched with the other fields (a few KiB each: a step reading the state of 20,000 appraisals
    # would fetch 100 MB of breakdowns), only when read
    result_json = fields.Text(readonly=True, groups="perf_appraisal.group_perf_manager", prefetch=False)
    breakdown_html = fields.Html(compute="_compute_breakdown_html", sanitize=False, string="Breakdown")
    confirmed = fields.Boolean(readonly=True, tracking=True, copy=False)
    approved = fields.Boolean(readonly=True, tracking=True, copy=False)
    published_date = fields.Date(readonly=True, copy=False)
    reopened = fields.Boolean(readonly=True, copy=False)
    rerated = fields.Boolean(readonly=True, copy=False, help="Inputs changed since the appraisal was reopened.")
    interview_date = fields.Date()
    interview_notes = fields.Text()
    employee_ack = fields.Boolean(string="Appraisee Acknowledged", readonly=True, tracking=True, copy=False)
    manager_ack = fields.Boolean(string="Manager Acknowledged", readonly=True, tracking=True, copy=False)
    interview_done = fields.Boolean(compute="_compute_interview_done", store=True)
    flags_followed_up = fields.Boolean(readonly=True, copy=False)
    appeal_ids = fields.One2many("perf.appeal", "appraisal_id")
    pay_ids = fields.One2many("perf.pay", "appraisal_id")

    _sql_constraints = [
        # one appraisal a person a cycle, whatever runs twice (a retried or restarted background part)
        ("cycle_employee_uniq", "unique(cycle_id, employee_id)", "An employee has one appraisal per cycle."),
    ]

    @api.model
    def _web_read_group(self, domain, fields, groupby, limit=None, offset=0, orderby=False, lazy=True):
        # A grouped list orders its groups by the list's order (group, rank): rank has no aggregate
        # (a sum of ranks means nothing), so it orders the records inside a group, not the groups.
        if orderby:
            terms = [t for t in orderby.split(",") if t.strip() and t.split()[0] not in UNGROUPED_ORDER]
            orderby = ",".join(terms) or False
        return super()._web_read_group(domain, fields, groupby, limit=limit, offset=offset, orderby=orderby, lazy=lazy)

    @api.depends("pay_amount", "pay_ids.amount", "scheme_id.pay_confidential")
    @api.depends_context("uid")
    def _compute_pay_shown(self):
        confidential = self.filtered("scheme_id.pay_confidential")
        readable = {}  # the pay results of those the reader's record rules show (hers, or all for contract readers)
        if confidential:
            for pay in self.env["perf.pay"].search_read([("appraisal_id", "in", confidential.ids)],
                                                        ["appraisal_id", "amount"], load=None):
                readable[pay["appraisal_id"]] = readable.get(pay["appraisal_id"], 0.0) + pay["amount"]
        for appraisal in self:
            hidden = appraisal in confidential and appraisal.id not in readable
            appraisal.pay_hidden = hidden
            appraisal.pay_shown = readable.get(appraisal.id, 0.0) if appraisal in confidential else appraisal.pay_amount

    @api.depends("scheme_id")
    def _compute_pay_label(self):
        labels = {}
        for appraisal in self:
            scheme = appraisal.sudo().scheme_id
            if scheme.id not in labels:
                spec = scheme._perfcore_scheme().pay if scheme else None
                labels[scheme.id] = (spec.name if spec is not None else "") or self.env._("Performance Pay")
            appraisal.pay_label = labels[scheme.id]

    @api.depends("employee_id.name", "department_id.name")
    def _compute_subject_name(self):
        for appraisal in self:
            appraisal.subject_name = (appraisal.employee_id or appraisal.department_id).name

    @api.depends("grade", "band_grade", "grade_override_id", "scheme_id.grade_ids")
    def _compute_final_grade(self):
        by_scheme = {}  # the scheme's grades by code, once per scheme (a cycle has thousands of appraisals)
        for appraisal in self:
            appraisal.final_grade = appraisal.grade_override_id.code or appraisal.grade
            grades = by_scheme.get(appraisal.scheme_id.id)
            if grades is None:
                grades = by_scheme[appraisal.scheme_id.id] = {g.code: g for g in appraisal.scheme_id.grade_ids}
            appraisal.final_grade_id = grades.get(appraisal.final_grade or "", False)
            band = grades.get(appraisal.band_grade or "")
            appraisal.band_grade_label = band.label if band else appraisal.band_grade

    @api.depends("flags", "scheme_id")
    def _compute_flags_label(self):
        for appraisal in self:
            codes = [f for f in (appraisal.flags or "").split(",") if f]
            appraisal.flags_label = "、".join(appraisal._flag_label(code) for code in codes) or False

    def _flag_label(self, code):
        """What a flag means: the scheme's reason for its own flags, plain words for perfcore's."""
        scheme = self.scheme_id._perfcore_scheme() if self.scheme_id else None
        base, _sep, detail = code.partition(":")
        if scheme is not None:
            for rule in [*scheme.flag_rules, *scheme.cross_period]:
                if rule.flag == code and rule.reason:
                    return rule.reason
            if scheme.ranking:
                for rank_flag in scheme.ranking.flags:
                    if rank_flag.flag == code:
                        return self.env._("%(flag)s (%(where)s)", flag=code, where=self.env._("top %s", rank_flag.top)
                                          if rank_flag.top else self.env._("bottom %s", rank_flag.bottom))
        words = {
            "incomplete": self.env._("incomplete"),
            "tie_at_boundary": self.env._("tie at a quota boundary"),
            "rater_missing": self.env._("rater missing: %s", detail),
            "veto": self.env._("veto: %s", self._event_label(detail)),
            "self_score_replaced": self.env._("self score replaced"),
        }
        return words.get(base, code)

    def _event_label(self, code):
        event = self.scheme_id.event_type_ids.filtered(lambda e: e.code == code)[:1]
        return event.name or code

    @api.depends("published_date", "state", "user_id", "appeal_ids.state")
    def _compute_appeal_deadline(self):
        today = self._perf_today()
        for appraisal in self:
            deadline = appraisal.published_date and appraisal.published_date + datetime.timedelta(days=APPEAL_DAYS)
            appraisal.appeal_deadline = deadline
            appraisal.can_appeal = bool(
                deadline and appraisal.state in DONE_STATES and today <= deadline
                and appraisal.user_id == self.env.user
                # one appeal per publication: answered, it is not offered again (until published again)
                and not appraisal.sudo().appeal_ids.filtered(lambda a, p=appraisal.published_date: a.date_filed >= p))
            appraisal.appeal_hint = appraisal.can_appeal and self.env._(
                "You may appeal until %(day)s.", day=fields.Date.to_string(deadline))

    @api.depends("subject_name", "cycle_id.name")
    def _compute_display_name(self):
        for appraisal in self:
            appraisal.display_name = " · ".join(filter(None, [appraisal.subject_name, appraisal.cycle_id.name]))

    def action_appeal(self):
        """The appraisee's Appeal button: the appeal form, for this appraisal."""
        appraisal = self._perf_one()
        if not appraisal.can_appeal:
            raise UserError(self.env._("The appeal window of %(name)s closed on %(day)s.", name=appraisal.display_name,
                                       day=appraisal.appeal_deadline or "-"))
        return {"type": "ir.actions.act_window", "res_model": "perf.appeal", "view_mode": "form", "target": "new",
                "name": self.env._("Appeal"), "context": {"default_appraisal_id": appraisal.id}}

    @api.depends("employee_ack", "manager_ack")
    def _compute_interview_done(self):
        for appraisal in self:
            appraisal.interview_done = appraisal.employee_ack and appraisal.manager_ack

    @api.onchange("grade_override_id")
    def _onchange_grade_override_quota(self):
        """An override beyond the grade's quota in the group is HR's to decide, but not unseen."""
        if not self.grade_override_id or self.grade_override_id.code == self._origin.final_grade:
            return None
        scheme = self.scheme_id._perfcore_scheme()
        quotas = {q.grade: q.percent for q in scheme.distribution.quotas} if scheme.distribution else {}
        code = self.grade_override_id.code
        if code not in quotas:
            return None
        members = self.env["perf.appraisal"].search([("cycle_id", "=", self._origin.cycle_id.id),
                                                     ("group_name", "=", self.group_name), ("status", "=", "scored")])
        grades = [q.grade for q in scheme.distribution.quotas]
        seats = dict(zip(grades, perfcore.hamilton_counts(len(members), [quotas[g] for g in grades])))[code]
        taken = len(members.filtered(lambda a: a.final_grade == code and a.id != self._origin.id)) + 1
        if taken <= seats:
            return None
        return {"warning": {"title": self.env._("Over the quota"), "message": self.env._(
            "%(grade)s in group %(group)s: %(taken)s of %(seats)s seats (%(percent)s%% of %(size)s) with this "
            "override. Give the reason, or calibrate another appraisal.", grade=self.grade_override_id.display_name,
            group=self.group_name or "-", taken=taken, seats=seats, percent=fmt(quotas[code]), size=len(members))}}

    @api.constrains("grade_override_id", "override_reason")
    def _check_override(self):
        for appraisal in self:
            if not appraisal.grade_override:
                continue
            if not (appraisal.override_reason or "").strip():
                raise ValidationError(self.env._("Overriding a grade needs a reason."))
            codes = [g.code for g in appraisal.scheme_id._perfcore_scheme().grades]
            if appraisal.grade_override_id.scheme_id != appraisal.scheme_id or appraisal.grade_override not in codes:
                raise ValidationError(self.env._("%(grade)s is not a grade of this scheme (%(codes)s).",
                                                 grade=appraisal.grade_override, codes=", ".join(codes)))

    @api.depends("result_json")
    def _compute_breakdown_html(self):
        e = html.escape
        for appraisal in self:
            rows = appraisal._breakdown_rows()
            if not rows:
                appraisal.breakdown_html = False
                continue
            body = "".join(f"<tr><td>{e(step)}</td><td>{e(label)}</td><td class='text-end'>{e(value)}</td>"
                           f"<td>{e(reason)}</td></tr>" for step, label, value, reason in rows)
            appraisal.breakdown_html = (
                "<table class='table table-sm o_perf_breakdown'><thead><tr><th>" + e(self.env._("Step")) + "</th><th>"
                + e(self.env._("Of")) + "</th><th>" + e(self.env._("Value")) + "</th><th>" + e(self.env._("Reason"))
                + "</th></tr></thead><tbody>" + body + "</tbody></table>")

    def _result(self):
        return json.loads(self.sudo().result_json or "null")

    def _breakdown_rows(self):
        """[(step, what, value, reason)] of the stored result, in words (peer raters kept anonymous)."""
        data = self._result()
        if not data:
            return []
        steps = self._step_words()
        names = self._code_names()
        # a value as the reasons show it: exact when short, else ≈ and 4 decimals (a mean of three
        # months is 83.8666…, not 38 digits); peers stay anonymous in the reasons themselves (their
        # ratings and mean, never who gave them), so the appraisee reads every line HR reads
        # money in cents and thousands (1,837.80), as the payslip shows it
        return [(steps.get(line["kind"], line["kind"]), names.get(line["code"], line["code"]),
                 "" if line["value"] in (None, "") else
                 show(perfcore.D(line["value"]), 2, grouped=True) if line["kind"] == "pay" else
                 show(perfcore.D(line["value"])),
                 _reason(line, self.env.lang)) for line in data["breakdown"]]

    def _step_words(self):
        return {
            "eligibility": self.env._("eligibility"),
            "input": self.env._("input"),
            "rater": self.env._("rater"),
            "indicator": self.env._("indicator"),
            "weight": self.env._("weight"),
            "event": self.env._("event"),
            "veto": self.env._("veto"),
            "total": self.env._("total"),
            "grade": self.env._("grade"),
            "distribution": self.env._("distribution"),
            "rank": self.env._("rank"),
            "flag": self.env._("flag"),
            "subperiod": self.env._("sub-period"),
            "pay": self.env._("pay"),
            "kpi": self.env._("KPI"),
        }

    def _code_names(self):
        """{code: name} of the scheme's indicators, events, grades, pay components and rater roles."""
        scheme = self.scheme_id._perfcore_scheme()
        names = {i.code: i.name for i in scheme.all_indicators() if i.name}
        names.update({e.code: e.name for e in scheme.events if e.name})
        names.update({g.code: g.label for g in scheme.grades if g.label})
        if scheme.pay:
            names.update({c.code: c.name for c in scheme.pay.components if c.name})
        for indicator in scheme.all_indicators():
            for role in scheme.raters_of(indicator):
                if role.name:
                    names[f"{indicator.code}.{role.code}"] = f"{indicator.name or indicator.code} · {role.name}"
        names.update({"indicators": self.env._("indicators"), "events": self.env._("events"),
                      "total": self.env._("total"), "amount": self.env._("total pay")})
        return names

    def _notice_values(self):
        """What the printed notice (考核结果通知书) shows, in the reader's language; never a code."""
        self.ensure_one()
        data = self._result() or {}
        names = self._code_names()
        scheme = self.scheme_id._perfcore_scheme()
        group_size = self.sudo().search_count([("cycle_id", "=", self.cycle_id.id), ("status", "=", "scored"),
                                               ("group_name", "=", self.group_name)])
        currency = self.currency_id or self.env.company.currency_id
        pay = data.get("pay") or {}
        confidential = self.scheme_id.pay_confidential
        deadline = self.published_date and self.published_date + datetime.timedelta(days=APPEAL_DAYS)
        return {
            "total": data.get("total") or "-",
            "grade": self.final_grade_id.label or self.final_grade or "-",
            "rank": self.env._("%(rank)s of %(size)s", rank=self.rank, size=group_size) if self.rank else "-",
            "pay_label": self.pay_label,
            "pay": (self.env._("in your payslip") if confidential
                    else f"{currency.symbol or ''}{pay.get('amount') or '0.00'}"),
            "flags": self.flags_label or "",
            "indicators": [(names.get(code, code), value) for code, value in (data.get("indicators") or {}).items()
                           if scheme.indicator(code) and code in {i.code for i in scheme.indicators}],
            "events": [_reason(line, self.env.lang) for line in data.get("breakdown", []) if line["kind"] in ("event", "veto")],
            "pay_components": [] if confidential else [
                (names.get(code, code), f"{currency.symbol or ''}{amount}")
                for code, amount in (pay.get("components") or {}).items()],
            "breakdown": [(step, reason) for step, _what, _value, reason in self._breakdown_rows()],
            "appeal": self.env._("You may appeal until %(day)s (7 days after publication).",
                                 day=fields.Date.to_string(deadline)) if deadline else "",
        }

    # -- the guard ---------------------------------------------------------------------------------
    def write(self, vals):
        if not in_workflow():
            self._check_may_edit(set(vals))
        result = super().write(vals)
        if "grade_override_id" in vals:  # calibration moves a grade: the overview follows
            self.sudo().cycle_id._write_distribution()
        return result

    def _check_may_edit(self, names):
        """Outside the workflow: HR's calibration and assignment fields, the superior's interview notes."""
        self._perf_refuse_workflow_fields(names)
        if self.env.su:  # server code (mail sets its own fields as superuser)
            return
        unknown = names - OFFICER_FIELDS - INTERVIEW_FIELDS - LINE_FIELDS
        if unknown:
            raise AccessError(self.env._("%(fields)s of an appraisal cannot be edited.",
                                         fields=", ".join(sorted(unknown))))
        if self.filtered(lambda a: a.user_id == self.env.user):
            raise AccessError(self.env._("Nobody edits their own appraisal."))
        officer = self._perf_is_officer()
        if names & OFFICER_FIELDS:
            if not officer:
                raise AccessError(self.env._("Only HR calibrates grades, groups and approvers."))
            if names & {"grade_override_id", "override_reason"} and any(a.state != "calibration" for a in self):
                raise UserError(self.env._("A grade is overridden during calibration only."))
            if "group_name" in names and any(a.state not in ("running", "rating") for a in self):
                raise UserError(self.env._("The distribution group is fixed once the cycle is calibrated."))
            if names & {"superior_user_id", "skip_user_id"} and any(a.state in ("approval",) + DONE_STATES
                                                                     for a in self):
                raise UserError(self.env._("Approvers are fixed once the appraisal is sent for approval."))
        if names & INTERVIEW_FIELDS and not officer:
            if any(a.superior_user_id != self.env.user for a in self):
                raise AccessError(self.env._("Only the direct superior (or HR) records the interview."))

    @api.constrains("superior_user_id", "skip_user_id")
    def _check_approvers(self):
        for appraisal in self:
            if appraisal.user_id and appraisal.user_id in (appraisal.superior_user_id | appraisal.skip_user_id):
                raise ValidationError(self.env._("%s cannot confirm or approve their own appraisal.",
                                                 appraisal.subject_name))

    def _check_not_own(self, action):
        own = self.filtered(self._is_own)
        if own:
            raise AccessError(self.env._("Nobody may %(action)s their own appraisal (%(name)s).",
                                         action=action, name=own[0].subject_name))

    def _mark_inputs_changed(self):
        """Scores, attributes or events changed: results are stale until computed again."""
        appraisals = self.sudo()
        with workflow():
            appraisals.filtered(lambda a: not a.results_stale).write({"results_stale": True})
            appraisals.filtered(lambda a: a.reopened and not a.rerated).write({"rerated": True})

    # -- ORM API for integrators and tests --------------------------------------------------
    def set_score(self, code, value, rater=None):
        """Record a score: ``rater`` is a rater role code (e.g. 'superior') or None for plain inputs.

        The caller must own the line (its rater, the role owner, or HR for lines without a rater)."""
        self._perf_one()
        if not isinstance(code, str) or not (rater is None or isinstance(rater, str)):
            raise UserError(self.env._("A score line is named by its code and rater role (text)."))
        lines = self.score_ids.filtered(lambda s: s.code == code and (s.rater_role or None) == rater)
        if not lines:
            raise UserError(self.env._("No score line %(code)s (rater role %(role)s) on %(name)s that you may see.",
                                       code=code, role=rater or "-", name=self.subject_name))
        values = value if isinstance(value, (list, tuple)) else [value]
        for line, number in zip(lines, values):
            line.write({"value": number})  # write() checks the value before the ORM converts it
        if len(values) > len(lines):
            template = lines[0]
            for number in values[len(lines):]:
                template.copy({"rater_user_id": False}).write({"value": number})
        return True

    def set_attribute(self, code, value):
        """Override one attribute for this appraisal only (HR)."""
        self._perf_one()
        if not isinstance(code, str):
            raise UserError(self.env._("An attribute is named by its code (text)."))
        self._perf_check_officer(self.env._("override an appraisal's attributes"))
        self.check_access("write")
        line = self.attribute_ids.filtered(lambda a: a.code == code)
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if line:
            line.value = text
        else:
            self.env["perf.appraisal.attribute"].create({"appraisal_id": self.id, "code": code, "value": text})
        return True

    # -- approval, interview -----------------------------------------------------------------
    def action_confirm(self):
        """The direct superior confirms (直接上级确认).  Over a selection, what the user may confirm is
        confirmed and the rest listed with the reason; a single record that may not is refused."""
        officer = self._perf_is_officer()
        allowed, refused = self._partition([
            (self._is_own, self.env._("nobody confirms their own appraisal"), AccessError),
            (lambda a: not (officer or a.superior_user_id == self.env.user),
             self.env._("only their direct superior (or HR) confirms"), AccessError),
            (lambda a: a.state not in ("calibration", "approval"), self.env._("confirmed during calibration or approval only"),
             UserError),
            (lambda a: a.status not in ("scored", "excluded"), self.env._("no result to confirm yet"), UserError),
        ])
        with workflow():
            allowed.sudo().with_context(tracking_disable=True).write({"confirmed": True})
        allowed._log_batch(self.env._("Confirmed by %s.", self.env.user.name))
        return self._bulk_done(self.env._("%s appraisals confirmed.", len(allowed)), refused)

    def action_approve(self):
        """The skip-level superior (or HR) approves (隔级上级承认); over a selection as confirming does."""
        officer = self._perf_is_officer()
        allowed, refused = self._partition([
            (self._is_own, self.env._("nobody approves their own appraisal"), AccessError),
            (lambda a: not (officer or a.skip_user_id == self.env.user),
             self.env._("only their skip-level superior (or HR) approves"), AccessError),
            (lambda a: a.state != "approval", self.env._("not waiting for approval"), UserError),
            (lambda a: not a.confirmed and a.employee_id, self.env._("not confirmed by the direct superior yet"),
             UserError),
        ])
        with workflow():
            allowed.sudo().with_context(tracking_disable=True).write({"approved": True})
        allowed._log_batch(self.env._("Approved by %s.", self.env.user.name))
        return self._bulk_done(self.env._("%s appraisals approved.", len(allowed)), refused)

    def _is_own(self, appraisal):
        return not self.env.su and appraisal.user_id and appraisal.user_id == self.env.user

    def _partition(self, checks):
        """(the records no check refuses, [(reason, records)]): each refused record under the first
        reason that refuses it.  Only what the user reads is looked at (the record rules first).
        Nothing allowed — or a single record refused — raises the reasons, naming the records."""
        self.check_access("read")
        allowed, refused = self, []
        for refuses, why, error in checks:
            bad = allowed.filtered(refuses)
            if bad:
                refused.append((why, bad, error))
                allowed -= bad
        if refused and not allowed:
            error = next((e for _w, _b, e in refused if e is AccessError), UserError)
            raise error("\n".join(self._refused_text(why, bad) for why, bad, _e in refused))
        return allowed, refused

    def _refused_text(self, why, records):
        names = ", ".join(records[:10].mapped("subject_name")) + (" …" if len(records) > 10 else "")
        return self.env._("%(names)s: %(why)s.", names=names, why=why)

    def _log_batch(self, text):
        """One note per appraisal (who confirmed, who approved), created in one batch: the record of
        the step without a tracking message per record."""
        self.sudo()._message_log_batch(bodies={appraisal.id: escape(text) for appraisal in self},
                                       author_id=self.env.user.partner_id.id)

    def _bulk_done(self, message, refused=()):
        if len(self) == 1:
            return True
        skipped = [self._refused_text(why, bad) for why, bad, _e in refused]
        params = {"message": "\n".join([message, *skipped]), "type": "warning" if skipped else "success",
                  "sticky": bool(skipped), "next": {"type": "ir.actions.act_window_close"}}
        if skipped:
            params["title"] = self.env._("%s skipped", sum(len(bad) for _w, bad, _e in refused))
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    def action_acknowledge(self):
        """The appraisee or the superior acknowledges the interview (面谈, signed by both)."""
        officer = self._perf_is_officer()
        for appraisal in self:
            if appraisal.state not in DONE_STATES:
                raise UserError(self.env._("The interview follows the publication of %s.", appraisal.subject_name))
            values = {}
            if appraisal.user_id == self.env.user:
                values["employee_ack"] = True
            elif appraisal.superior_user_id == self.env.user or officer:
                values["manager_ack"] = True
            if not values:
                raise AccessError(self.env._("Only the appraisee or the superior acknowledges the interview."))
            with workflow():
                appraisal.sudo().write(values)
        self.sudo().pay_ids._release_after_interview()
        return True

    def action_exclude(self, reason=None):
        """HR takes an appraisal out of the cycle with a reason: no score, no quota seat, no pay."""
        self._perf_check_officer(self.env._("exclude an appraisal"))
        self._check_not_own(self.env._("exclude"))
        self.check_access("write")
        reason = self._perf_text(self.env, reason, self.env._("reason"))
        if not reason:
            raise UserError(self.env._("Excluding an appraisal needs a reason."))
        if any(a.state not in ("running", "rating", "calibration") for a in self):
            raise UserError(self.env._("Only appraisals not yet sent for approval can be excluded."))
        with workflow():
            self.sudo().write({"status": "excluded", "status_reason": reason, "results_stale": True})
        for appraisal in self:
            appraisal.message_post(body=self.env._("Excluded from the cycle: %s", reason))
        return True

    def action_include(self):
        """Undo an exclusion: the appraisal is scored again at the next computation."""
        self._perf_check_officer(self.env._("include an appraisal again"))
        self._check_not_own(self.env._("include"))
        self.check_access("write")
        if any(a.status != "excluded" or a.state not in ("running", "rating", "calibration") for a in self):
            raise UserError(self.env._("Only an excluded appraisal of a running cycle can be included again."))
        with workflow():
            self.sudo().write({"status": "pending", "status_reason": False, "results_stale": True})
        return True

    def action_republish(self):
        """Publish a re-rated appraisal again after an upheld appeal."""
        self._perf_check_officer(self.env._("publish an appraisal again"))
        self._check_not_own(self.env._("publish"))
        self.check_access("write")
        for appraisal in self:
            if not appraisal.reopened:
                raise UserError(self.env._("%s was not reopened by an appeal.", appraisal.subject_name))
            if not appraisal.rerated:
                raise UserError(self.env._("%s was not re-rated since the appeal was upheld.", appraisal.subject_name))
            if appraisal.results_stale or appraisal.status != "scored":
                raise UserError(self.env._("Compute %s again before publishing it.", appraisal.subject_name))
        with workflow():
            self.sudo().write({"state": "published", "reopened": False, "rerated": False,
                               "published_date": self._perf_today()})
        self.sudo().pay_ids._release_after_publication()
        self.sudo()._notify_published()
        return True

    def _notify_published(self):
        """Tell each appraisee, in their language, with the deadline of an appeal: one message each,
        created in batches (messages, inbox notifications, e-mails queued for the mail queue) rather
        than one post per appraisal, from data read in a few queries.  Returns how many were told."""
        rows = self.sudo().read(["employee_id", "user_id", "period", "final_grade_id", "final_grade", "published_date",
                                 "display_name"], load=None)
        contacts = {row["id"]: row["work_contact_id"] for row in self.env["hr.employee"].sudo().browse(
            {row["employee_id"] for row in rows if row["employee_id"]}).read(["work_contact_id"], load=None)}
        rows = [row for row in rows if contacts.get(row["employee_id"])]
        if not rows:
            return 0
        partners = {row["id"]: row for row in self.env["res.partner"].sudo().browse(
            {contacts[row["employee_id"]] for row in rows}).read(["lang", "email"], load=None)}
        users = {row["id"]: row for row in self.env["res.users"].sudo().browse(
            {row["user_id"] for row in rows if row["user_id"]}).read(["lang", "notification_type"], load=None)}
        labels = {row["id"]: row["label"] for row in self.env["perf.scheme.grade"].sudo().browse(
            {row["final_grade_id"] for row in rows if row["final_grade_id"]}).read(["label"], load=None)}
        comment = self.env.ref("mail.mt_comment")
        author = self.env.user.partner_id
        # the reply-to of every notice, found once (mail would look it up for each message)
        first = self.browse(rows[0]["id"]).sudo()
        reply_to = first._notify_get_reply_to(default=author.email_formatted)[first.id] or False
        envs = {}  # one environment per language
        messages_vals, recipients = [], []
        for row in rows:
            partner_id = contacts[row["employee_id"]]
            user = users.get(row["user_id"])
            lang = (user and user["lang"]) or partners[partner_id]["lang"] or self.env.lang
            env = envs.get(lang) or envs.setdefault(lang, self.with_context(lang=lang).env)
            deadline = row["published_date"] and row["published_date"] + datetime.timedelta(days=APPEAL_DAYS)
            text = env._("Your appraisal for %(period)s is published: %(grade)s.", period=row["period"],
                         grade=labels.get(row["final_grade_id"]) or row["final_grade"] or "-")
            if deadline:
                text += " " + env._("You may appeal until %(day)s.", day=fields.Date.to_string(deadline))
            messages_vals.append({
                "model": self._name, "res_id": row["id"], "body": Markup("<p>%s</p>") % text,
                "subject": env._("Appraisal result: %s", row["display_name"]),
                "message_type": "comment", "subtype_id": comment.id, "author_id": author.id,
                "email_from": author.email_formatted or False, "partner_ids": [fields.Command.link(partner_id)],
                "record_name": row["display_name"], "reply_to": reply_to,
            })
            # e-mailed as they chose, or in the inbox: one without an address is told there
            recipients.append((partner_id, bool(partners[partner_id]["email"])
                               and (not user or user["notification_type"] == "email")))
        with batch_defaults():
            messages = self.env["mail.message"].sudo().create(messages_vals)
            by_email = [(message, partner_id, vals["body"]) for message, (partner_id, email), vals
                        in zip(messages, recipients, messages_vals) if email]
            mails = self.env["mail.mail"].sudo().create([{
                "mail_message_id": message.id, "body_html": body, "recipient_ids": [fields.Command.link(partner_id)],
                "auto_delete": True, "is_notification": True, "state": "outgoing"} for message, partner_id, body in by_email])
            mail_of = {message.id: mail.id for (message, _partner, _body), mail in zip(by_email, mails)}
            self.env["mail.notification"].sudo().create([{
                "mail_message_id": message.id, "res_partner_id": partner_id, "author_id": author.id, "is_read": False,
                "notification_type": "email" if message.id in mail_of else "inbox",
                "notification_status": "ready" if message.id in mail_of else "sent",
                "mail_mail_id": mail_of.get(message.id, False),
            } for message, (partner_id, _email) in zip(messages, recipients)])
        return len(rows)

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
        with workflow():
            appraisals.sudo().write({"flags_followed_up": True})

    # -- followers and chatter -------------------------------------------------------------------
    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        """Followers of an appraisal: its appraisee and HR only.  Raters never follow it — a message they
        post, an activity or a mention would otherwise subscribe them, and followers are listed."""
        if partner_ids:
            allowed = self._perf_follower_partners()
            partner_ids = [pid for pid in partner_ids if pid in allowed]
        return super()._message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids)

    def _perf_follower_partners(self):
        officers = self.env.ref("perf_appraisal.group_perf_officer").sudo().users.partner_id
        return set((officers | self.sudo().employee_id.work_contact_id | self.sudo().user_id.partner_id).ids)

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        return inbox_when_no_email(self.env, super()._notify_get_recipients(message, msg_vals, **kwargs))

    def _perf_private_user(self):
        """The user from whom this record's chatter is hidden, except messages addressed to them."""
        return self.sudo().user_id

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unconfirmed(self):
        for appraisal in self:
            if appraisal.confirmed or appraisal.state in ("approval",) + DONE_STATES:
                raise UserError(self.env._("A confirmed appraisal is a record to keep; %s cannot be deleted.",
                                           appraisal.subject_name))


def _reason(line, lang):
    """A stored breakdown step's reason in ``lang``: perfcore renders its message; older results
    kept only the text."""
    message = line.get("message")
    if message:
        return perfcore.Message.from_json(message).render(lang or "en")
    return line["reason"]


