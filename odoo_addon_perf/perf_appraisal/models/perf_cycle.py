import calendar
import datetime
import hashlib
import html
import io
import json
import random
import re
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

import perfcore
from perfcore.decimals import fmt
from perfcore.i18n import render

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_repr

from .perf_score import ANONYMOUS_ROLES, on_demand_items
from .perf_workflow_mixin import batch_defaults, workflow
from .spreadsheet_cells import append_row
from .wages import CONFIDENTIAL_ATTRIBUTES

# An appraisal's results that are its own (few appraisals share them): written one appraisal at a
# time; the others (status, grade, rank, flags …) once per set of appraisals that share them.
OWN_RESULTS = frozenset({"total", "total_exact", "pay_amount", "result_json"})

DONE_STATES = ("published", "closed")

CYCLE_STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("rating", "Rating"),
    ("calibration", "Calibration"),
    ("approval", "Approval"),
    ("published", "Published"),
    ("closed", "Closed"),
]

# Who rates for a role, from the appraisee's place in the org chart.  Other roles (peers,
# functional departments, patients …) are assigned by HR on the score lines.
def superior_of(employee):
    """The employee's manager.  Odoo makes a department's manager her own manager (an employee's
    manager defaults to her department's): for her it is the manager of the department above."""
    parent = employee.parent_id
    if not parent or parent == employee:
        parent = employee.department_id.parent_id.manager_id
    return parent if parent != employee else parent.browse()


#: Indicator sources a rater types a score for (the others are computed, or start full).
GIVEN_SOURCES = ("given", "given_or_items", "given_or_formula")

ROLE_RATERS = {
    "self": lambda employee: employee.user_id,
    "superior": lambda employee: superior_of(employee).user_id,
    "leader": lambda employee: superior_of(employee).user_id,
    "dm": lambda employee: superior_of(employee).user_id,
    "skip": lambda employee: superior_of(superior_of(employee)).user_id,
}

# HR fields a scheme attribute may come from when the subject has no value of its own.
HR_ATTRIBUTES = {
    "department": lambda employee: employee.department_id.name,
    "current_wage": lambda employee: employee.contract_id.wage or None,
    "post_salary_monthly": lambda employee: employee.contract_id.wage or None,
}


def period_text(date_from, date_to):
    """The perfcore period of a date range: 2024-05, 2024-Q2, 2024-H1, 2024 or 2024-W18."""
    if not date_from or not date_to:
        return False
    year = date_from.year
    last_day = calendar.monthrange(date_to.year, date_to.month)[1]
    if date_from.day == 1 and date_to.day == last_day and date_to.year == year:
        months = date_to.month - date_from.month + 1
        if months == 1:
            return f"{year}-{date_from.month:02d}"
        if months == 3 and date_from.month in (1, 4, 7, 10):
            return f"{year}-Q{(date_from.month - 1) // 3 + 1}"
        if months == 6 and date_from.month in (1, 7):
            return f"{year}-H{1 if date_from.month == 1 else 2}"
        if months == 12:
            return str(year)
    iso = date_from.isocalendar()
    if iso[2] == 1 and (date_to - date_from).days == 6:
        return f"{iso[0]}-W{iso[1]:02d}"
    return False



# Scalar facts of the year-end pools (001 篇1), entered on the cycle.
SCALAR_FACTS = frozenset({"operated_profit", "consulting_target_met", "consulting_budget", "consulting_actual_cost",
                          "consulting_profit"})

# Fields fixed when the cycle starts: its scheme, period, participants and company.
DRAFT_ONLY_FIELDS = ("scheme_id", "date_from", "date_to", "employee_ids", "department_ids", "company_id")


def period_end(start, kind):
    """The last day of the period of ``kind`` (month, quarter, half_year, year, week) that starts
    on ``start``'s month (or, for a week, on ``start``)."""
    month_end = {"month": start.month, "quarter": (start.month - 1) // 3 * 3 + 3,
                 "half_year": 6 if start.month <= 6 else 12, "year": 12}.get(kind)
    if kind == "week":
        return start + datetime.timedelta(days=6)
    if month_end is None:
        return None
    return datetime.date(start.year, month_end, 1) + relativedelta(day=31)


def _notify(env, message, kind="success", sticky=False):
    """What a workflow button returns: a notification of what it did, then the form reloaded."""
    return {"type": "ir.actions.client", "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": sticky,
                       "next": {"type": "ir.actions.act_window_close"}}}


def _scores(bucket):
    """Scores of one subject (or sub-period) as perfcore reads them: one rating of a role as a
    number, several (peers) as a list."""
    return {code: ({role: (v[0] if len(v) == 1 else v) for role, v in value.items()} if isinstance(value, dict)
                   else value) for code, value in bucket.items()}


def _attribute_text(value):
    """A typed attribute value as the text a snapshot keeps (false stays "false", not empty)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _problem_text(problem):
    """A problem of one subject, without the subject's index: "kpis: 2 KPIs in dimension …"."""
    field = problem.path.split("].", 1)[1] if "]." in problem.path else ""
    value = f" ({problem.value})" if problem.has_value and problem.value is not None else ""
    return f"{field}: {problem.message}{value}" if field else f"{problem.message}{value}"


class PerfCycle(models.Model):
    _name = "perf.cycle"
    _description = "Appraisal Cycle"
    _inherit = ["mail.thread", "mail.activity.mixin", "perf.workflow.mixin", "perf.cycle.runner"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _perf_workflow_fields = frozenset({"state", "computed_at", "appraisal_ids", "exclusion_ids", "step_running",
                                       "step_error"})
    _perf_editable_fields = frozenset({"name", "scheme_id", "date_from", "date_to", "employee_ids", "department_ids",
                                       "company_id", "pay_date", "peer_count", "role_ids", "facts_json",
                                       "deadline_rating", "deadline_consolidation", "contract_ids", "allocation_ids",
                                       "departure_ids", "pool_ids"} | SCALAR_FACTS)

    name = fields.Char(required=True, tracking=True)
    scheme_id = fields.Many2one("perf.scheme", required=True, tracking=True, check_company=True,
                                domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]")
    subject_kind = fields.Selection(related="scheme_id.subject_kind")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    scheme_version = fields.Integer(related="scheme_id.version", string="Scheme Version")
    scheme_hash = fields.Char(related="scheme_id.content_hash", string="Scheme Hash",
                              help="The exact rules this cycle runs with: fixed once it started.")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    period = fields.Char(compute="_compute_period", store=True)
    pay_date = fields.Date(help="Performance pay is paid in the payslip whose period contains this date; "
                                "defaults to the end of the cycle.")
    state = fields.Selection(CYCLE_STATES, default="draft", required=True, tracking=True, copy=False)
    employee_ids = fields.Many2many("hr.employee", string="Participants", check_company=True,
                                    groups="perf_appraisal.group_perf_officer",
                                    help="Leave empty to appraise every employee of the company.")
    department_ids = fields.Many2many("hr.department", string="Units", check_company=True,
                                      groups="perf_appraisal.group_perf_officer",
                                      help="For unit schemes; leave empty for every department of the company.")
    # HR's: Odoo lists every id of a one2many to whoever reads it, record rules or not
    appraisal_ids = fields.One2many("perf.appraisal", "cycle_id", string="Appraisals", copy=False,
                                    groups="perf_appraisal.group_perf_officer")
    appraisal_count = fields.Integer(compute="_compute_appraisal_count")
    exclusion_ids = fields.One2many("perf.cycle.exclusion", "cycle_id", string="Not Appraised", readonly=True,
                                    copy=False, groups="perf_appraisal.group_perf_officer")
    owner_roles_hint = fields.Char(string="Roles to Assign", compute="_compute_owner_roles_hint",
                                   help="The scheme's rater roles that no org-chart position fills: name who enters each.")
    role_ids = fields.One2many("perf.cycle.role", "cycle_id", string="Role Owners", copy=True,
                               groups="perf_appraisal.group_perf_officer",
                               help="Who enters the scores of a rater role that no employee's manager fills "
                                    "(the nursing department, the patient survey …).")
    deadline_rating = fields.Date(compute="_compute_deadlines", store=True, readonly=False)
    deadline_consolidation = fields.Date(compute="_compute_deadlines", store=True, readonly=False)
    calibration_html = fields.Html(compute="_compute_calibration_html", sanitize=False,
                                   groups="perf_appraisal.group_perf_officer")
    peer_count = fields.Integer(
        string="Peers per Appraisee", default=3,
        help="For schemes with anonymous peer ratings: how many colleagues of the same department rate each "
             "appraisee (the next ones in the department, in turn). HR may add or remove peer lines.")
    computed_at = fields.Datetime(readonly=True, copy=False)
    line_count = fields.Integer(string="Lines", compute="_compute_progress")
    done_count = fields.Integer(string="Done", compute="_compute_progress",
                                help="Score lines rated, or not needed since their alternative was entered.")
    rating_progress = fields.Float(compute="_compute_progress",
                                   help="Score lines done out of all lines of the cycle, in percent.")
    late_rater_count = fields.Integer(string="Late Raters", compute="_compute_progress",
                                      help="Raters with lines left after the rating deadline.")
    distribution_ids = fields.One2many("perf.cycle.distribution", "cycle_id", readonly=True, copy=False,
                                       groups="perf_appraisal.group_perf_officer")
    progress_html = fields.Html(compute="_compute_progress_html", sanitize=False, string="Progress by Rater",
                                groups="perf_appraisal.group_perf_officer")
    facts_json = fields.Text(string="Other Facts (JSON)", default="{}", groups="perf_appraisal.group_perf_officer",
                             help="Scheme-level inputs of the period the forms below do not cover, as a JSON object.")
    facts_form = fields.Selection([("year_end", "Year-end pools"), ("department_pools", "Department pools"),
                                   ("none", "None")], compute="_compute_facts_form")
    contract_ids = fields.One2many("perf.cycle.contract", "cycle_id", string="Contracts",
                                   groups="perf_appraisal.group_perf_officer")
    allocation_ids = fields.One2many("perf.cycle.allocation", "cycle_id", string="Discretionary Allocations",
                                     groups="perf_appraisal.group_perf_officer")
    departure_ids = fields.One2many("perf.cycle.departure", "cycle_id", string="Departures",
                                    groups="perf_appraisal.group_perf_officer")
    pool_ids = fields.One2many("perf.cycle.pool", "cycle_id", string="Department Pools",
                               groups="perf_appraisal.group_perf_officer")
    operated_profit = fields.Monetary(string="Operated Hospitals' Profit", groups="perf_appraisal.group_perf_officer",
                                      help="托管医院利润: the profit commission's base.")
    consulting_target_met = fields.Boolean(groups="perf_appraisal.group_perf_officer")
    consulting_budget = fields.Monetary(groups="perf_appraisal.group_perf_officer", help="咨询部预算.")
    consulting_actual_cost = fields.Monetary(groups="perf_appraisal.group_perf_officer")
    consulting_profit = fields.Monetary(groups="perf_appraisal.group_perf_officer", help="咨询部利润.")

    @api.onchange("scheme_id", "date_from")
    def _onchange_period_end(self):
        """The end follows the start by the scheme's period (its first kind): 07-01 of a quarterly
        scheme ends 09-30; the pay date follows the end."""
        if not (self.scheme_id and self.date_from) or self.state != "draft":
            return
        kind = (self.scheme_id.period_kinds or "").replace(" ", "").split(",")[0]
        end = period_end(self.date_from, kind)
        if end:
            self.date_to = end
            self.pay_date = end

    @api.depends("date_from", "date_to")
    def _compute_period(self):
        for cycle in self:
            cycle.period = period_text(cycle.date_from, cycle.date_to)

    @api.constrains("facts_json")
    def _check_facts_json(self):
        for cycle in self:
            try:
                facts = json.loads(cycle.facts_json or "{}", parse_float=Decimal, parse_constant=Decimal)
            except (ValueError, RecursionError) as exc:
                raise ValidationError(self.env._("Facts are not valid JSON: %s", exc)) from None
            if not isinstance(facts, dict):
                raise ValidationError(self.env._("Facts must be a JSON object."))

    @api.constrains("date_from", "date_to", "scheme_id")
    def _check_period(self):
        for cycle in self:
            if cycle.date_to < cycle.date_from:
                raise ValidationError(self.env._("The cycle ends before it starts."))
            if not cycle.period:
                raise ValidationError(self.env._("%(start)s – %(end)s is not a month, quarter, half-year, year or ISO week.",
                                                 start=cycle.date_from, end=cycle.date_to))
            kind = perfcore.parse_period(cycle.period).kind
            allowed = cycle.scheme_id._perfcore_scheme().periods
            if kind not in allowed:
                raise ValidationError(self.env._("Scheme %(scheme)s runs on periods of kind %(kinds)s, not %(kind)s.",
                                                 scheme=cycle.scheme_id.code, kinds=", ".join(allowed), kind=kind))

    # -- progress ------------------------------------------------------------------------------------
    def _progress_groups(self, groupby):
        """{(cycle id, *key): [lines, done]} of the cycles' score lines grouped by ``groupby`` (counts only)."""
        Score = self.env["perf.score"].sudo()
        rows = Score._read_group([("cycle_id", "in", self.ids)], ["cycle_id", *groupby, "settled"], ["__count"])
        out = {}
        for cycle, *keys, done, count in rows:
            entry = out.setdefault((cycle.id, *keys), [0, 0])
            entry[0] += count
            entry[1] += count if done else 0
        return out

    def _late(self):
        return self.state in ("running", "rating") and self.deadline_rating and \
            self.deadline_rating < self._perf_today()

    def _compute_progress(self):
        # counts only (how far the cycle is); who is late is HR's (progress_html)
        totals = self._progress_groups([]) if self.ids else {}
        by_rater = self._progress_groups(["rater_user_id"]) if self.ids else {}
        for cycle in self:
            lines, done = totals.get((cycle.id,), (0, 0))
            cycle.line_count, cycle.done_count = lines, done
            cycle.rating_progress = 100.0 * done / lines if lines else 0.0
            cycle.late_rater_count = sum(
                1 for (cycle_id, user), (n, done) in by_rater.items()
                if cycle_id == cycle.id and user and done < n) if cycle._late() else 0

    def _compute_progress_html(self):
        """Rated / all lines per rater (late ones marked) and per distribution group, escaped."""
        e = html.escape
        by_rater = self._progress_groups(["rater_user_id"]) if self.ids else {}
        by_appraisal = self._progress_groups(["appraisal_id"]) if self.ids else {}
        by_group = {}
        for (cycle_id, appraisal), (n, done) in by_appraisal.items():
            entry = by_group.setdefault((cycle_id, appraisal.sudo().group_name), [0, 0])
            entry[0] += n
            entry[1] += done
        for cycle in self:
            if cycle.state == "draft":
                cycle.progress_html = False
                continue
            late = cycle._late()
            rows = []
            raters = sorted(((user, n, done) for (cycle_id, user), (n, done) in by_rater.items() if cycle_id == cycle.id),
                            key=lambda r: (r[2] >= r[1], r[0].name or ""))
            for user, n, done in raters:
                behind = done < n
                mark = " class='table-danger'" if behind and late else ""
                who = user.name if user else self.env._("HR (lines without a rater)")
                state = (self.env._("late") if late else self.env._("to do")) if behind else self.env._("done")
                rows.append(f"<tr{mark}><td>{e(who)}</td><td>{done} / {n}</td><td>{e(state)}</td></tr>")
            groups = sorted(((g, n, done) for (cycle_id, g), (n, done) in by_group.items() if cycle_id == cycle.id),
                            key=lambda r: r[0] or "")
            everyone, rater, done_word, group = (self.env._("(all)"), self.env._("Rater"), self.env._("Done"),
                                                 self.env._("Group"))
            group_rows = "".join(f"<tr><td>{e(g or everyone)}</td><td>{done} / {n}</td></tr>" for g, n, done in groups)
            cycle.progress_html = (
                f"<div class='row'><div class='col-md-7'><table class='table table-sm o_perf_progress_raters'><thead><tr>"
                f"<th>{e(rater)}</th><th>{e(done_word)}</th><th></th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table></div><div class='col-md-5'><table class='table table-sm "
                f"o_perf_progress_groups'><thead><tr><th>{e(group)}</th><th>{e(done_word)}</th>"
                "</tr></thead><tbody>" + group_rows + "</tbody></table></div></div>")

    def _late_raters(self):
        """The raters (users) with lines left in this cycle."""
        left = self.env["perf.score"].sudo()._read_group(
            [("cycle_id", "=", self.id), ("settled", "=", False), ("rater_user_id", "!=", False)],
            ["rater_user_id"], ["__count"])
        return {user: count for user, count in left}

    def action_remind_late(self):
        """Remind every rater with lines left: one notification each, and a to-do due in 3 days when
        the rating deadline has passed (their old one is moved)."""
        self._check_may_run(self.env._("remind raters"))
        reminded = 0
        for cycle in self.sudo():
            if cycle.state not in ("running", "rating"):
                raise UserError(self.env._("Raters are reminded while %s is rating.", cycle.name))
            left = cycle._late_raters()
            if not left:
                continue
            due = max(cycle.deadline_rating or self._perf_today(),
                      self._perf_today() + datetime.timedelta(days=3))
            cycle._schedule_rater_activities(due=due)
            cycle.message_notify(
                partner_ids=[user.partner_id.id for user in left],
                subject=self.env._("Reminder: rate %s", cycle.name),
                body=self.env._("You still have lines to rate in %(cycle)s; please finish by %(day)s.",
                                cycle=cycle.name, day=fields.Date.to_string(due)))
            cycle.message_post(body=self.env._("Reminded %(count)s raters with %(lines)s lines left.",
                                               count=len(left), lines=sum(left.values())))
            reminded += len(left)
        return _notify(self.env, self.env._("%s raters reminded.", reminded))

    def _compute_appraisal_count(self):
        # a grouped read as the reader: counts only the appraisals they may read
        counts = dict(self.env["perf.appraisal"]._read_group([("cycle_id", "in", self.ids)], ["cycle_id"], ["__count"]))
        for cycle in self:
            cycle.appraisal_count = counts.get(cycle, 0)

    @api.depends("date_to", "scheme_id")
    def _compute_deadlines(self):
        """Rating and consolidation deadlines after the period (the scheme's process days, e.g. 001 篇4),
        moved to the previous working day of the company calendar when they fall on a day off."""
        for cycle in self:
            if not cycle.date_to or not cycle.scheme_id:
                cycle.deadline_rating = cycle.deadline_consolidation = False
                continue
            process = cycle.scheme_id._perfcore_scheme().process
            days = process.get("deadlines_next_month_day") or {}
            first_next = cycle.date_to + datetime.timedelta(days=1)
            rating_day = days.get("leader") or days.get("superior") or 10
            consolidation_day = days.get("hr_consolidation") or 15
            cycle.deadline_rating = cycle._previous_working_day(first_next.replace(day=int(rating_day)))
            cycle.deadline_consolidation = cycle._previous_working_day(first_next.replace(day=int(consolidation_day)))

    def _previous_working_day(self, day):
        """``day`` itself when the company works then, else the working day before it."""
        calendar_ = self.company_id.resource_calendar_id
        if not calendar_:
            return day
        found = calendar_.plan_days(-1, datetime.datetime.combine(day, datetime.time.max), compute_leaves=True)
        return found.date() if found else day

    # -- the guard ---------------------------------------------------------------------------------
    def write(self, vals):
        fixed = [name for name in DRAFT_ONLY_FIELDS if name in vals]
        if fixed and any(cycle.state != "draft" or cycle.step_running for cycle in self):
            raise UserError(self.env._("The scheme, period, participants and company of a started cycle are fixed."))
        facts = {"facts_json"} | SCALAR_FACTS
        if facts & set(vals):
            if any(cycle.state in ("published", "closed") for cycle in self):
                raise UserError(self.env._("The facts of a published cycle are fixed: its pay was computed from them."))
        if "pay_date" in vals and any(cycle.state in ("published", "closed") for cycle in self):
            raise UserError(self.env._("The pay date of a published cycle is fixed: its pay records carry it."))
        result = super().write(vals)
        if facts & set(vals):
            self.sudo().appraisal_ids._mark_inputs_changed()
        return result

    @api.depends("scheme_id")
    def _compute_facts_form(self):
        for cycle in self:
            scheme = cycle.scheme_id._perfcore_scheme() if cycle.scheme_id else None
            pay = scheme.pay if scheme else None
            if pay and pay.year_end_pools:
                cycle.facts_form = "year_end"
            elif pay and any(c.split and "department_pools" in c.split.pool for c in pay.components):
                cycle.facts_form = "department_pools"
            else:
                cycle.facts_form = "none"

    def _facts(self):
        """The facts perfcore reads: the JSON ones, and on top those of the forms (exact decimals)."""
        cycle = self.sudo()
        facts = json.loads(cycle.facts_json or "{}", parse_float=Decimal)  # numbers stay exact

        def money(value):  # a Monetary is exact to the cent
            return perfcore.D(float_repr(value, 2))

        if cycle.contract_ids:
            counts = {}
            for contract in cycle.contract_ids:
                counts[contract.contract_class] = counts.get(contract.contract_class, 0) + 1
            facts["contracts"] = counts
        if cycle.facts_form == "year_end":
            if cycle.operated_profit:
                facts["operated_profit"] = money(cycle.operated_profit)
            if cycle.consulting_target_met or cycle.consulting_budget or cycle.consulting_profit:
                facts["consulting"] = {"target_met": cycle.consulting_target_met,
                                       "budget": money(cycle.consulting_budget),
                                       "actual_cost": money(cycle.consulting_actual_cost),
                                       "profit": money(cycle.consulting_profit)}
        if cycle.allocation_ids:
            allocations = {}
            for line in cycle.allocation_ids:
                part = allocations.setdefault(line.pool_kind, {}).setdefault(line.part, {})
                part[self._subject_key(line.employee_id)] = money(line.amount)
            facts["allocations"] = allocations
        if cycle.pool_ids:
            facts["department_pools"] = {pool.group_name: money(pool.amount) for pool in cycle.pool_ids}
        return facts

    def _departure_attributes(self, scheme):
        """Attributes a departure sets: status (resigned, dismissed) and the installment it came before."""
        codes = {a.code for a in scheme.attributes}
        out = {}
        for departure in self.sudo().departure_ids:
            values = {}
            if "status" in codes:
                values["status"] = departure.kind
            if departure.kind == "resigned" and "resigned_before_installment" in codes:
                values["resigned_before_installment"] = str(departure.before_installment)
            out[departure.employee_id.id] = values
        return out

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for cycle in self:
            if cycle.state != "draft":
                raise UserError(self.env._("Only a draft cycle is deleted (%s is started: its appraisals are records "
                                           "to keep).", cycle.name))

    def _check_may_run(self, action):
        """Workflow buttons: HR only, on cycles of the caller's companies."""
        self._perf_check_officer(action)
        self.check_access("write")

    # -- subjects, attributes, history -------------------------------------------------------
    def _subjects(self):
        self.ensure_one()
        cycle = self.sudo()  # the participant fields are HR's; the caller was checked
        if self.scheme_id.subject_kind == "unit":
            return cycle.department_ids or self.env["hr.department"].sudo().search([("company_id", "=", self.company_id.id)])
        return cycle.employee_ids or self.env["hr.employee"].sudo().search([("company_id", "=", self.company_id.id)])

    @staticmethod
    def _subject_key(record):
        return ("D%d" if record._name == "hr.department" else "E%d") % record.id

    def _typed_attributes(self, scheme, raw):
        """Text attribute values → what the scheme expects (numbers stay text: perfcore reads them exactly)."""
        specs = {a.code: a for a in scheme.attributes}
        out = {}
        for code, value in raw.items():
            spec = specs.get(code)
            if spec is None or value in (None, False, ""):
                continue
            if spec.type == "bool":
                out[code] = str(value).strip().lower() in ("1", "true", "yes", "y", "是")
            elif spec.type == "list":
                out[code] = [v.strip() for v in re.split(r"[,，;；]", str(value)) if v.strip()]
            else:
                out[code] = str(value)
        return out

    def _subject_attributes(self, scheme, subjects):
        values = subjects._perf_attribute_values()
        codes = {a.code for a in scheme.attributes}
        out = {}
        for subject in subjects:
            raw = {}
            if subject._name == "hr.employee":
                for code, getter in HR_ATTRIBUTES.items():
                    if code in codes:
                        raw[code] = getter(subject)
            own = values.get(subject.id, {})
            # a wage is the contract's: an attribute typed over it counts only without a contract
            raw.update({code: value for code, value in own.items()
                        if code not in CONFIDENTIAL_ATTRIBUTES or raw.get(code) is None})
            out[self._subject_key(subject)] = self._typed_attributes(scheme, raw)
        return out

    def _history(self, subjects):
        """Earlier results of the same scheme: {subject key: [{period, total, grade, rank, flags}]}."""
        field = "department_id" if self.scheme_id.subject_kind == "unit" else "employee_id"
        earlier = self.env["perf.appraisal"].sudo().search_read(
            [("scheme_id", "=", self.scheme_id.id), (field, "in", subjects.ids), ("cycle_id", "!=", self.id),
             ("period_start", "<", self.date_from), ("status", "=", "scored")],
            [field, "period", "total_exact", "grade", "rank", "flags"], load=None,
        )
        out = {}
        prefix = "D" if field == "department_id" else "E"
        for row in earlier:
            out.setdefault(f"{prefix}{row[field]}", []).append({
                "period": row["period"], "total": row["total_exact"] or None, "grade": row["grade"] or None,
                "rank": row["rank"] or None, "flags": [f for f in (row["flags"] or "").split(",") if f]})
        return out

    # -- start ----------------------------------------------------------------------------------
    def _owner_roles(self):
        """[(code, name)] of the scheme's rater roles HR names an owner for: not the org chart's
        (superior, skip …), not a pool of others (职能部门 = finance + admin: those are named), not
        the anonymous peers (HR assigns them line by line), nor a role of indicators nobody types
        (an item that starts full and loses points by events: teacher-ethics's 学校考核小组)."""
        scheme = self.scheme_id._perfcore_scheme()
        names = scheme.term_names()
        roles = {}
        for indicator in scheme.all_indicators():
            if indicator.resolved_source not in GIVEN_SOURCES:
                continue
            for role in scheme.raters_of(indicator):
                if role.pool:
                    roles.update((member, names.get(member, member)) for member in role.pool)
                elif role.code not in ROLE_RATERS and role.code not in ("peer",):
                    roles.setdefault(role.code, role.name or role.code)
        return sorted(roles.items())

    @api.depends("scheme_id")
    def _compute_owner_roles_hint(self):
        for cycle in self:
            roles = cycle._owner_roles() if cycle.scheme_id else []
            cycle.owner_roles_hint = "、".join(f"{name} ({code})" for code, name in roles) or False

    def action_start(self):
        """Create the appraisals and their score lines; people perfcore cannot appraise are listed."""
        self._check_may_run(self.env._("start a cycle"))
        self._check_not_running()
        for cycle in self:
            if cycle.state != "draft":
                raise UserError(self.env._("Only a draft cycle can be started."))
        finished = all([cycle._start() for cycle in self])
        if not finished:
            return _notify(self.env, self.env._("Starting in the background; the cycle shows when it is done."), "info")
        appraised = len(self.sudo().appraisal_ids)
        if not appraised:  # everybody screened out: say so, and where the reasons are
            return _notify(self.env, self.env._(
                "Started with no appraisal: %s people not appraised. Their reasons are on the tab Not Appraised; "
                "correct their data and use Screen Again.", len(self.sudo().exclusion_ids)), "warning", sticky=True)
        return _notify(self.env, self.env._("Started: %s appraisals.", appraised))

    def _start(self):
        subjects = self._subjects()
        if not subjects:
            raise UserError(self.env._("The cycle has nobody to appraise."))
        # peers are chosen within a department: a department is never split
        key = (lambda s: s.id) if subjects._name == "hr.department" else (lambda s: s.department_id.id)
        return self._run_step("start", subjects, key, whole=False)

    def _start_chunk(self, ids):
        """Screen these subjects and create the appraisals of those perfcore appraises."""
        scheme = self.scheme_id._perfcore_scheme()
        unit = scheme.subject == "unit"
        field = "department_id" if unit else "employee_id"
        # a chunk run again (a retried job) skips the subjects it already appraised or listed
        taken = {row[field] for model in ("perf.appraisal", "perf.cycle.exclusion")
                 for row in self.env[model].sudo().search_read(
                     [("cycle_id", "=", self.id), (field, "in", ids)], [field], load=None)}
        subjects = self.env["hr.department" if unit else "hr.employee"].sudo().browse(
            [i for i in ids if i not in taken])
        if not subjects:
            return
        reasons, attributes = self._screen(scheme, subjects)
        keyed = {self._subject_key(s): s for s in subjects}
        exclusion_vals = [{"cycle_id": self.id, "reason": render(reasons[key], self.env.lang), field: subject.id}
                          for key, subject in keyed.items() if reasons[key] is not None]
        eligible = [subject for key, subject in keyed.items() if reasons[key] is None]
        with workflow():
            self.env["perf.cycle.exclusion"].sudo().create(exclusion_vals)
            self._create_appraisals(scheme, eligible, attributes)

    def _start_done(self):
        with workflow():
            self.write({"state": "running", "step_running": False, "step_error": False})
        counts = self.env["perf.appraisal"].sudo().search_count([("cycle_id", "=", self.id)])
        excluded = self.env["perf.cycle.exclusion"].sudo().search_count([("cycle_id", "=", self.id)])
        self.message_post(body=self.env._("Cycle started: %(n)s appraisals, %(x)s not appraised.",
                                          n=counts, x=excluded))

    def action_rescreen(self):
        """Screen again the people not appraised (after HR fixed their data): those perfcore now
        accepts get their appraisal, the others keep their (new) reason."""
        self._check_may_run(self.env._("screen a cycle again"))
        self._check_not_running()
        for cycle in self:
            if cycle.state not in ("running", "rating"):
                raise UserError(self.env._("People are screened again while the cycle is running or rating."))
            cycle._rescreen()
        return True

    def _rescreen(self):
        scheme = self.scheme_id._perfcore_scheme()
        exclusions = self.sudo().exclusion_ids
        subjects = exclusions.department_id if scheme.subject == "unit" else exclusions.employee_id
        if not subjects:
            return
        reasons, attributes = self._screen(scheme, subjects)
        admitted = [s for s in subjects if reasons[self._subject_key(s)] is None]
        field = "department_id" if scheme.subject == "unit" else "employee_id"
        with workflow():
            for line in exclusions:
                reason = reasons[self._subject_key(line[field])]
                if reason is None:
                    line.unlink()
                elif render(reason, self.env.lang) != line.reason:
                    line.reason = render(reason, self.env.lang)
            self._create_appraisals(scheme, admitted, attributes)
        self.message_post(body=self.env._("Screened again: %(n)s now appraised, %(x)s still not appraised.",
                                          n=len(admitted), x=len(subjects) - len(admitted)))

    def _screen(self, scheme, subjects):
        """perfcore's screening: {subject key: reason or None}, and the subjects' attributes.  A subject
        whose own data perfcore refuses is listed with that reason; it never stops the others."""
        attributes = self._subject_attributes(scheme, subjects)
        history = self._history(subjects)
        data = {"period": self.period, "subjects": [
            {"id": self._subject_key(s), "name": s.name, "attributes": attributes[self._subject_key(s)],
             "history": history.get(self._subject_key(s), [])} for s in subjects]}
        try:
            with perfcore.use_locale(self.env.lang):  # the reasons are written in the starter's language
                reasons = perfcore.screen(scheme, data, exclude_invalid=True)
        except perfcore.PerfcoreError as exc:
            raise UserError(self._explain(exc, list(subjects))) from None
        return reasons, attributes

    def _create_appraisals(self, scheme, subjects, attributes):
        """Appraisals of ``subjects`` with their attribute snapshot and score lines (in the workflow)."""
        unit = scheme.subject == "unit"
        owners = {role.role: role.user_id for role in self.sudo().role_ids}
        peers = self._peer_users(scheme, subjects)
        # the lines' cycle and company, given: no look-up per line
        owned = {"cycle_id": self.id, "company_id": self.sudo().company_id.id}
        # what the appraisal's stored related and computed fields would read, given: columns of the
        # INSERT, not one recompute per field and an UPDATE of every new appraisal after it
        derived = dict(scheme_id=self.scheme_id.id, company_id=owned["company_id"], period=self.period,
                       period_start=self.date_from, grade_override=False, final_grade=False, final_grade_id=False,
                       band_grade_label=False, interview_done=False)
        vals_list = []
        for subject in subjects:
            key = self._subject_key(subject)
            superior = self.env["res.users"] if unit else superior_of(subject).user_id
            skip = self.env["res.users"] if unit else superior_of(superior_of(subject)).user_id
            own = self.env["res.users"] if unit else subject.user_id
            vals_list.append(dict(
                derived,
                cycle_id=self.id,
                employee_id=False if unit else subject.id,
                subject_name=subject.name,
                user_id=False if unit else subject.user_id.id,
                department_id=subject.id if unit else subject.department_id.id,
                group_name=False if unit else subject.department_id.name,
                # who confirms and approves, as the org chart says today; HR may reassign
                superior_user_id=(superior - own).id or False,
                skip_user_id=(skip - own).id or False,
                attribute_ids=[fields.Command.create({
                    "code": c, "value": _attribute_text(v), "confidential": c in CONFIDENTIAL_ATTRIBUTES,
                    "company_id": owned["company_id"]}) for c, v in attributes[key].items()],
                score_ids=[fields.Command.create(dict(line, **owned)) for line in self._score_lines(
                    scheme, subject, unit, owners, own, peers.get(subject.id, self.env["res.users"]))],
            ))
        # no "created" note on each of 20,000 appraisals (the cycle logs its start with the counts),
        # and HR who starts the cycle does not follow each of them
        Appraisal = self.env["perf.appraisal"].sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        with batch_defaults():
            return Appraisal.create(vals_list)

    def _peer_users(self, scheme, subjects):
        """{employee id: users rating them as peers}: the next ``peer_count`` colleagues of the same
        department among the cycle's subjects, in turn — only for schemes with a peer role."""
        has_peers = any(r.code in ANONYMOUS_ROLES for i in scheme.all_indicators() for r in scheme.raters_of(i))
        if not has_peers or scheme.subject == "unit" or self.peer_count <= 0:
            return {}
        by_department = {}
        for subject in sorted(subjects, key=lambda s: s.id):
            if subject.user_id:
                by_department.setdefault(subject.department_id.id, []).append(subject)
        # shuffled with a seed only the server knows: nobody can work out who rates whom
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        out = {}
        for department, members in by_department.items():
            seed = hashlib.sha256(f"{secret}:{self.id}:{department}".encode()).digest()
            random.Random(seed).shuffle(members)
            for index, subject in enumerate(members):
                ring = members[index + 1:] + members[:index]
                out[subject.id] = self.env["res.users"].union(*(m.user_id for m in ring[:self.peer_count]))
        return out

    def _subperiods(self, scheme):
        """The sub-periods of this cycle: the months of a quarter, the ISO weeks touching a month."""
        spec = scheme.subperiods
        if spec is None:
            return []
        texts, day = [], self.date_from
        while day <= self.date_to:
            text = period_text(day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])) \
                if spec.kind == "month" else "%d-W%02d" % day.isocalendar()[:2]
            if text and text not in texts:
                texts.append(text)
            day += datetime.timedelta(days=1 if spec.kind == "week" else 28)
        return texts[:spec.max_count] if spec.max_count else texts

    def _score_lines(self, scheme, subject, unit, owners, own, peers):
        """The lines raters fill: each given indicator (and checklist item) per rater role, per
        sub-period when the scheme scores sub-periods, and the inputs its formulas read.  The
        checklist of an indicator its rater may score either way is opened on demand
        (``perf.score.action_rate_by_items``): most raters give the one score, and a cycle of
        20,000 would otherwise start with 200,000 lines nobody fills.

        A line's rater comes from the org chart (self, superior, skip-level), the peers chosen for
        the appraisee or the cycle's role owners; nobody rates their own appraisal except its self
        lines.  Lines without a rater are HR's."""
        lines = []
        nobody = self.env["res.users"]

        def add(indicator, sequence, subperiod):
            roles = scheme.raters_of(indicator)
            for role in roles or [None]:
                members = role.pool if role and role.pool else [role.code if role else False]
                for member in members:
                    if member in ANONYMOUS_ROLES:
                        users = list(peers - own) or [nobody]
                    else:
                        resolver = ROLE_RATERS.get(member) if member else None
                        user = resolver(subject) if resolver and not unit else nobody
                        if not user and member:
                            user = owners.get(member, nobody)
                        users = [user if member == "self" else user - own]
                    for user in users:
                        lines.append({"code": indicator.code, "name": indicator.name or indicator.code,
                                      "rater_role": member, "rater_user_id": user.id or False,
                                      "sequence": sequence, "subperiod": subperiod})

        def walk(indicators, depth, subperiod, base):
            for index, indicator in enumerate(indicators):
                source = indicator.resolved_source
                if source in GIVEN_SOURCES:
                    add(indicator, base + depth * 100 + index, subperiod)
                if source == "items" or (source == "given_or_items" and not on_demand_items(scheme, indicator)):
                    walk(indicator.items, depth + 1, subperiod, base)

        def inputs(scopes, subperiod, base):
            for index, spec in enumerate(scheme.inputs):
                if spec.scope in scopes:
                    lines.append({"code": spec.code, "name": spec.name or spec.code, "rater_role": False,
                                  "sequence": base + 900 + index, "subperiod": subperiod, "is_list": spec.list,
                                  # an input with a default is never needed: done from the start
                                  "settled": spec.default is not None})

        for number, subperiod in enumerate(self._subperiods(scheme), 1):
            walk(scheme.subperiods.indicators, 0, subperiod, number * 1000)
            inputs(("subperiod", "both"), subperiod, number * 1000)
        walk(scheme.indicators, 0, False, 10000)
        inputs(("period", "both"), False, 10000)
        return lines

    # -- compute ------------------------------------------------------------------------------------
    def action_compute(self):
        """Score every appraisal with perfcore and write the results back."""
        self._check_may_run(self.env._("compute a cycle"))
        self._check_not_running()
        for cycle in self:
            if cycle.state in ("draft", "closed"):
                raise UserError(self.env._("Start the cycle first; a closed cycle is not recomputed."))
        finished = all([cycle._run_step("compute", *cycle._appraisal_groups()) for cycle in self])
        if not finished:
            return _notify(self.env, self.env._("Computing in the background; the cycle shows when it is done."), "info")
        return _notify(self.env, "; ".join(c._results_summary(self.env._("Computed")) for c in self))

    def _appraisal_groups(self):
        """The cycle's appraisals and their distribution group: a step's chunks never split one."""
        return self.sudo().appraisal_ids, lambda a: a.group_name or ""

    def _compute_chunk(self, ids):
        self._compute_results(self.env["perf.appraisal"].sudo().browse(ids))

    def _compute_done(self):
        with workflow():
            self.write({"computed_at": fields.Datetime.now(), "step_running": False, "step_error": False})
        self._write_distribution()
        self.message_post(body=self._results_summary(self.env._("Computed")))
        kept = self.sudo().appraisal_ids.filtered(lambda a: a.state in DONE_STATES and a.results_stale)
        if kept:
            self.message_post(body=self.env._(
                "%(count)s published results kept as published although their inputs changed since: %(names)s. "
                "An upheld appeal reopens one for re-rating.", count=len(kept),
                names="、".join(kept.sorted("subject_name").mapped("subject_name"))))
        left_out = self._left_out_events_text()
        if left_out:
            self.message_post(body=left_out)

    def _left_out_events(self):
        """(drafts dated in the period, events of the cycle's subjects dated in no cycle of the
        scheme): the 加减分 this computation did not count, for HR to see (a +10 表扬 dated today,
        after the month, counts nowhere)."""
        Event = self.env["perf.event"].sudo()
        field = "department_id" if self.scheme_id.subject_kind == "unit" else "employee_id"
        versions = self.scheme_id._all_versions()
        subjects = self.sudo().appraisal_ids[field]
        base = [("scheme_id", "in", versions.ids), (field, "in", subjects.ids)]
        drafts = Event.search(base + [("state", "=", "draft"), ("date", ">=", self.date_from),
                                      ("date", "<=", self.date_to)])
        cycles = self.sudo().search([("scheme_id", "in", versions.ids), ("company_id", "=", self.company_id.id)])
        outside = Event.search(base + [("state", "in", ("draft", "approved"))] + [
            "!", *(["|"] * (len(cycles) - 1)), *[t for c in cycles for t in (
                "&", ("date", ">=", c.date_from), ("date", "<=", c.date_to))]])
        return drafts, outside

    def _left_out_events_text(self):
        drafts, outside = self._left_out_events()

        def listed(events):
            shown = ", ".join(f"{(e.employee_id or e.department_id).name} {e.date} {e.event_type_id.name or e.code}"
                              for e in events[:20])
            return shown + (f" … (+{len(events) - 20})" if len(events) > 20 else "")

        parts = []
        if drafts:
            parts.append(self.env._("%(n)s events of the period not approved yet, not counted: %(list)s",
                                    n=len(drafts), list=listed(drafts)))
        if outside:
            parts.append(self.env._("%(n)s events dated in no cycle of this scheme, counted nowhere (correct "
                                    "their dates): %(list)s", n=len(outside), list=listed(outside)))
        return "; ".join(parts)

    def _results_summary(self, what):
        """"Computed: 30 scored, 2 incomplete, 1 excluded; 优秀 6, 良好 14 …" — counts only."""
        Appraisal = self.env["perf.appraisal"].sudo()
        status = dict(Appraisal._read_group([("cycle_id", "=", self.id)], ["status"], ["__count"]))
        grades = Appraisal._read_group([("cycle_id", "=", self.id), ("status", "=", "scored")], ["final_grade_id"],
                                       ["__count"], order="final_grade_id")
        words = dict(Appraisal._fields["status"]._description_selection(self.env))
        parts = [f"{words[key]} {status[key]}" for key in ("scored", "incomplete", "excluded", "pending")
                 if status.get(key)]
        # Chinese reads 已评分 10；优秀 2，良好 4 — its own punctuation, not "; " and ", "
        comma, semicolon = ("，", "；") if (self.env.lang or "").startswith("zh") else (", ", "; ")
        text = self.env._("%(what)s: %(counts)s", what=what, counts=comma.join(parts) or "0")
        if grades:
            text += semicolon + comma.join(f"{grade.label or grade.code or '-'} {count}" for grade, count in grades)
        return text

    def _period_input(self, scheme, appraisals):
        """ONE perfcore period input for the whole cycle, read with a fixed number of queries."""
        appraisals = appraisals.sudo()
        rows = appraisals.read(["employee_id", "department_id", "group_name", "subject_name"], load=None)
        keys = {}
        unit = scheme.subject == "unit"
        subjects_by_id = {}
        for row in rows:
            subject_id = row["department_id"] if unit else row["employee_id"]
            keys[row["id"]] = ("D%d" if unit else "E%d") % subject_id
            subjects_by_id[row["id"]] = subject_id
        names = {row["id"]: row["subject_name"] for row in rows}
        # {appraisal: {sub-period or False: {code: value or {role: [values]}}}}
        scores = {a: {} for a in appraisals.ids}
        rated_roles = {i.code: bool(scheme.raters_of(i)) for i in scheme.all_indicators()}
        for line in self.env["perf.score"].sudo().search_read(
                [("appraisal_id", "in", appraisals.ids), ("rated", "=", True)],
                ["appraisal_id", "code", "rater_role", "value", "value_list", "is_list", "subperiod", "worksheet"],
                load=None):
            bucket = scores[line["appraisal_id"]].setdefault(line["subperiod"] or False, {})
            if line["is_list"]:
                value = [v for v in re.split(r"[\s,，;；]+", line["value_list"] or "") if v]
            elif line["worksheet"]:  # perfcore scores the sheet itself, and explains it
                value = line["worksheet"]
            else:
                value = float_repr(line["value"], 4)
            if line["rater_role"] and rated_roles.get(line["code"]):
                roles = bucket.setdefault(line["code"], {})
                roles.setdefault(line["rater_role"], []).append(value)
            else:
                bucket[line["code"]] = value
        attributes = {a: {} for a in appraisals.ids}
        for line in self.env["perf.appraisal.attribute"].sudo().search_read(
                [("appraisal_id", "in", appraisals.ids)], ["appraisal_id", "code", "value"], load=None):
            attributes[line["appraisal_id"]][line["code"]] = line["value"]
        kpis = {a: [] for a in appraisals.ids}
        for kpi in self.env["perf.kpi"].sudo().search_read(
                [("appraisal_id", "in", appraisals.ids)],
                ["appraisal_id", "code", "name", "dimension", "target", "actual", "direction", "weight"], load=None):
            kpis[kpi["appraisal_id"]].append({
                "code": kpi["code"], "name": kpi["name"] or "", "dimension": kpi["dimension"],
                "target": float_repr(kpi["target"], 4), "actual": float_repr(kpi["actual"], 4),
                "direction": kpi["direction"], **({"weight": float_repr(kpi["weight"], 4)} if kpi["weight"] else {})})
        field = "department_id" if unit else "employee_id"
        subperiods = [(text, perfcore.parse_period(text)) for text in self._subperiods(scheme)]
        events = {}
        for event in self.env["perf.event"].sudo().search_read(
                # events recorded under any version of the scheme (the ledger outlives a version)
                [("state", "=", "approved"), ("scheme_id", "in", self.scheme_id._all_versions().ids),
                 (field, "in", list(subjects_by_id.values())),
                 ("date", ">=", self.date_from), ("date", "<=", self.date_to)],
                [field, "code", "count", "points", "note", "date"], load=None):
            # (the date placed the event in its sub-period here: perfcore does not need it)
            entry = {"code": event["code"], "count": event["count"] or 1}
            if event["note"]:
                entry["note"] = event["note"]
            if event["points"]:
                entry["points"] = float_repr(event["points"], 4)
            etype = scheme.event(event["code"])
            # a sub-period event (a training missed in April) goes to the sub-period of its date
            where = next((text for text, p in subperiods if p.start <= event["date"] <= p.end), False) \
                if etype is not None and etype.scope == "subperiod" else False
            events.setdefault(event[field], {}).setdefault(where, []).append(entry)
        history = self._history(appraisals[field])
        departures = self._departure_attributes(scheme) if not unit else {}
        subjects = []
        for row in rows:
            key = keys[row["id"]]
            by_subperiod = scores[row["id"]]
            subject_events = events.get(subjects_by_id[row["id"]], {})
            subject = {
                "id": key, "name": names[row["id"]] or key,
                **({"group": row["group_name"]} if row["group_name"] else {}),
                "attributes": self._typed_attributes(scheme, {**attributes[row["id"]],
                                                              **departures.get(subjects_by_id[row["id"]], {})}),
                "scores": _scores(by_subperiod.get(False, {})), "events": subject_events.get(False, []),
            }
            if history.get(key):  # (only when there is one: a subject of the plain shape takes perfcore's fast path)
                subject["history"] = history[key]
            sub = [{"period": text, "scores": _scores(by_subperiod.get(text, {})), "events": subject_events.get(text, [])}
                   for text, _p in subperiods if by_subperiod.get(text) or subject_events.get(text)]
            if sub:
                subject["subperiods"] = sub
            if kpis[row["id"]]:
                subject["kpis"] = kpis[row["id"]]
            subjects.append(subject)
        return {"period": self.period, "facts": self._facts(), "subjects": subjects}, keys

    def _compute_results(self, appraisals=None):
        """perfcore over ``appraisals`` (whole distribution groups; default: the whole cycle)."""
        self.env.flush_all()
        scheme = self.scheme_id._perfcore_scheme()
        appraisals = (appraisals if appraisals is not None else self.appraisal_ids).sudo()
        # excluded by HR (with a reason): not scored, no quota seat, no pay
        scored = appraisals.filtered(lambda a: a.status != "excluded")
        confidential = self.scheme_id.pay_confidential
        refused = {}
        if scored:
            data, keys = self._period_input(scheme, scored)
            evaluation, refused = self._evaluate(scheme, data, scored)
            by_key = {r.id: r for r in evaluation.results}
            # Through the ORM: the values most appraisals share (status, grade, rank …) in one write per
            # distinct set of them, each appraisal's own numbers and breakdown in one write each; the
            # flush batches them into UPDATE … FROM (VALUES …) statements, and computed fields (final
            # grade) and caches follow.
            shared_writes, own_writes = defaultdict(list), []
            # a published result is what the employee was told and paid: evaluated with its group
            # (ranks and quotas need everybody), never rewritten — an upheld appeal reopens one
            frozen = scored.filtered(lambda a: a.state in DONE_STATES)
            with workflow():
                for appraisal in (scored - frozen).with_context(tracking_disable=True):
                    if appraisal.id in refused:
                        values = {"status": "incomplete", "status_reason": refused[appraisal.id],
                                  "total": 0.0, "total_exact": False, "grade": False, "grade_label": False,
                                  "band_grade": False, "rank": 0, "flags": False, "pay_amount": 0.0,
                                  "result_json": False, "results_stale": False}
                    else:
                        r = by_key[keys[appraisal.id]]
                        # reasons as message data only: each reader renders them in their language
                        result = r.to_dict(messages=True, reasons=False)
                        if confidential:  # pay reads a wage: it lives in the pay result only
                            result["breakdown"] = [line for line in result["breakdown"] if line["kind"] != "pay"]
                            result["pay"] = None
                        values = {
                            "total": float(r.total) if r.total is not None else 0.0,
                            "total_exact": fmt(r.total_exact) or False, "grade": r.grade or False,
                            "grade_label": r.grade_label or False, "band_grade": r.band_grade or False,
                            "rank": r.rank or 0, "flags": ",".join(r.flags) or False,
                            "pay_amount": float(r.pay.amount) if r.pay and not confidential else 0.0,
                            "result_json": json.dumps(result, ensure_ascii=False, separators=(",", ":")),
                            "status": r.status, "status_reason": r.excluded_reason or False, "results_stale": False,
                        }
                    # only what changed: a calibration after a compute rewrites the few it moves
                    changed = {name: value for name, value in values.items() if appraisal[name] != value}
                    shared = tuple((name, value) for name, value in changed.items() if name not in OWN_RESULTS)
                    if shared:
                        shared_writes[shared].append(appraisal.id)
                    own = {name: value for name, value in changed.items() if name in OWN_RESULTS}
                    if own:
                        own_writes.append((appraisal, own))
                for shared, ids in shared_writes.items():
                    scored.browse(ids).with_context(tracking_disable=True).write(dict(shared))
                for appraisal, own in own_writes:
                    appraisal.write(own)
            self.env["perf.pay"]._sync_from_evaluation(
                self, evaluation, {a: k for a, k in keys.items() if a not in refused and a not in frozen.ids})
        else:
            frozen = scored
        self.env["perf.pay"]._drop_unpaid((appraisals - scored | appraisals.browse(list(refused))) - frozen)
        with workflow():
            (appraisals - scored).write({"results_stale": False})

    def _write_distribution(self):
        """The overview rows: per group and grade, the quota's seats and the final grades given."""
        Distribution = self.env["perf.cycle.distribution"].sudo()
        rows = []
        for cycle in self.sudo():
            scheme = cycle.scheme_id._perfcore_scheme()
            grades = cycle.scheme_id.grade_ids.filtered(lambda g: g.code in {x.code for x in scheme.grades})
            quotas = {q.grade: q.percent for q in scheme.distribution.quotas} if scheme.distribution else {}
            counts = {}
            for group, grade, count in self.env["perf.appraisal"].sudo()._read_group(
                    [("cycle_id", "=", cycle.id), ("status", "=", "scored")], ["group_name", "final_grade_id"],
                    ["__count"]):
                counts.setdefault(group or "", {})[grade.id] = count
            if scheme.distribution and scheme.distribution.scope == "all":
                counts = {"": {g: sum(c.get(g, 0) for c in counts.values()) for g in grades.ids}} if counts else {}
            for group, by_grade in sorted(counts.items()):
                size = sum(by_grade.values())
                seats = dict(zip(quotas, perfcore.hamilton_counts(size, list(quotas.values())))) if quotas else {}
                for grade in grades:
                    rows.append({"cycle_id": cycle.id, "group_name": group or False, "grade_id": grade.id,
                                 "sequence": grade.sequence, "quota_percent": float(quotas.get(grade.code, 0)),
                                 "quota_count": seats.get(grade.code, 0), "actual_count": by_grade.get(grade.id, 0)})
        with workflow():
            Distribution.search([("cycle_id", "in", self.ids)]).unlink()
            Distribution.create(rows)

    def action_open_distribution(self):
        """The distribution of this cycle's grades per group, against the quotas, as a graph."""
        cycle = self._perf_one()
        cycle._check_may_run(self.env._("read the distribution"))
        action = self.env["ir.actions.act_window"]._for_xml_id("perf_appraisal.perf_cycle_distribution_action")
        action["domain"] = [("cycle_id", "=", cycle.id)]
        action["name"] = self.env._("Distribution: %s", cycle.name)
        return action

    def action_export_ranking(self):
        """The ranking of the cycle as an XLSX sheet (per group, by rank; grades by their labels), with
        the distribution against the quotas on a second sheet.  HR's: it ranks everybody."""
        import openpyxl

        cycle = self._perf_one()
        cycle._check_may_run(self.env._("export the ranking"))
        appraisals = cycle.sudo().appraisal_ids.filtered(lambda a: a.status == "scored").sorted(
            lambda a: (a.group_name or "", a.rank or 0, a.subject_name or ""))
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = self.env._("Ranking")[:31]
        sheet.append([self.env._("Group"), self.env._("Rank"), self.env._("Name"), self.env._("Total"),
                      self.env._("Grade"), self.env._("Band Grade"), self.env._("Flags"), self.env._("Pay")])
        shown = {a.id: (a.pay_hidden, a.pay_shown) for a in appraisals.with_env(self.env)}  # as the reader may see it
        for appraisal in appraisals:
            append_row(sheet, [appraisal.group_name or "", appraisal.rank or None, appraisal.subject_name,
                          float(perfcore.D(appraisal.total_exact or "0").quantize(perfcore.D("0.01"))),
                          appraisal.final_grade_id.label or appraisal.final_grade or "", appraisal.band_grade_label or "",
                          appraisal.flags_label or "", None if shown[appraisal.id][0] else shown[appraisal.id][1]])
        summary = book.create_sheet(self.env._("Distribution")[:31])
        summary.append([self.env._("Group"), self.env._("Grade"), self.env._("Quota"), self.env._("Actual")])
        for row in cycle.sudo().distribution_ids:
            append_row(summary, [row.group_name or "", row.grade_id.label or row.grade_id.code, row.quota_count,
                                 row.actual_count])
        buffer = io.BytesIO()
        book.save(buffer)
        attachment = self.env["ir.attachment"].create({
            "name": cycle.name + " " + self.env._("ranking") + ".xlsx", "raw": buffer.getvalue(),
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "res_model": self._name, "res_id": cycle.id})
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def _evaluate(self, scheme, data, appraisals):
        """perfcore's evaluation, and {appraisal id: reason} of those whose own input it refused.

        Problems of one subject (a KPI card with two financial KPIs, say) make that appraisal
        incomplete, with perfcore's words, and the others are computed all the same; problems of
        the cycle itself (its facts) stop the computation."""
        refused = {}
        while True:
            try:
                return perfcore.evaluate(scheme, data), refused
            except perfcore.InputError as exc:
                by_index = {}
                for problem in exc.problems:
                    match = re.match(r"subjects\[(\d+)\]", problem.path)
                    if not match:
                        raise UserError(self._explain(exc, appraisals)) from None
                    by_index.setdefault(int(match.group(1)), []).append(problem)
                ids = dict(enumerate(appraisals.ids))  # the input lists the appraisals in their order
                for index, problems in by_index.items():
                    refused[ids[index]] = "; ".join(_problem_text(p) for p in problems)
                data = {**data, "subjects": [s for i, s in enumerate(data["subjects"]) if i not in by_index]}
                appraisals = appraisals.browse([a for i, a in enumerate(appraisals.ids) if i not in by_index])
                if not data["subjects"]:
                    return perfcore.evaluate(scheme, data), refused
            except perfcore.PerfcoreError as exc:
                raise UserError(self._explain(exc, appraisals)) from None

    def _explain(self, exc, records):
        """perfcore's problems with subjects[i] replaced by the appraisee's name."""
        text = str(exc)
        names = [getattr(r, "subject_name", False) or r.display_name for r in records]

        def name(match):
            index = int(match.group(1))
            return f"{names[index]} ({match.group(0)})" if index < len(names) else match.group(0)

        return re.sub(r"subjects\[(\d+)\]", name, text)

    # -- workflow ----------------------------------------------------------------------------------
    def _set_state(self, state, allowed):
        for cycle in self:
            if cycle.state not in allowed:
                raise UserError(self.env._("Cycle %(name)s is %(state)s; this step needs %(allowed)s.",
                                           name=cycle.name, state=cycle.state, allowed=", ".join(allowed)))
        with workflow():
            self.write({"state": state})  # tracked on the cycle; its appraisals follow in one write
            self.appraisal_ids.sudo().with_context(tracking_disable=True).filtered(
                lambda a: a.state not in ("published",) or state == "closed").write({"state": state})

    def _check_results_ready(self):
        """Every appraisal scored (or excluded by HR with a reason) and its results current."""
        for cycle in self:
            appraisals = cycle.appraisal_ids.sudo()
            unfinished = appraisals.filtered(lambda a: a.status in ("pending", "incomplete"))
            if unfinished:
                names = "; ".join("%s (%s)" % (a.subject_name, a.status_reason or a.status) for a in unfinished[:10])
                raise UserError(self.env._(
                    "Not every appraisal of %(cycle)s is scored: %(names)s. Enter the missing scores and compute, "
                    "or exclude them with a reason (Exclude on the appraisal).",
                    cycle=cycle.name, names=names + (" …" if len(unfinished) > 10 else "")))
            stale = appraisals.filtered("results_stale")
            if stale:
                raise UserError(self.env._(
                    "Scores, attributes or events of %(names)s changed since the last computation: compute first.",
                    names=", ".join(stale[:10].mapped("subject_name")) + (" …" if len(stale) > 10 else "")))

    def action_open_rating(self):
        """Open rating: every rater gets one to-do per cycle for the lines still to fill."""
        self._check_may_run(self.env._("open rating"))
        self._check_not_running()
        self._set_state("rating", ["running"])
        self._schedule_rater_activities()
        return True

    def action_calibrate(self):
        """Apply the quotas (perfcore distributes per group) and open calibration."""
        self._check_may_run(self.env._("calibrate a cycle"))
        self._check_not_running()
        for cycle in self:
            if cycle.state not in ("running", "rating"):
                raise UserError(self.env._("Only a running cycle is calibrated."))
        finished = all([cycle._run_step("calibrate", *cycle._appraisal_groups()) for cycle in self])
        if not finished:
            return _notify(self.env, self.env._("Calibrating in the background; the cycle shows when it is done."),
                           "info")
        return _notify(self.env, self.env._("Quotas applied; calibrate the grades of each group."))

    def _calibrate_chunk(self, ids):
        self._compute_chunk(ids)

    def _calibrate_done(self):
        with workflow():
            self.write({"computed_at": fields.Datetime.now(), "step_running": False, "step_error": False})
        self._write_distribution()
        self._check_results_ready()
        self._set_state("calibration", ["running", "rating"])
        self.message_post(body=self._results_summary(self.env._("Calibration opened")))

    def action_to_approval(self):
        self._check_may_run(self.env._("send a cycle for approval"))
        self._check_not_running()
        self._check_results_ready()
        self._set_state("approval", ["calibration"])
        for cycle in self:
            overridden = cycle.appraisal_ids.sudo().filtered("grade_override_id")
            cycle.message_post(body=self.env._("Sent for approval after calibration (%s grades changed by HR).",
                                               len(overridden)))
        return True

    def action_publish(self):
        """Publish approved results: appraisees are told, pay becomes payable."""
        self._check_may_run(self.env._("publish a cycle"))
        self._check_not_running()
        self._check_results_ready()
        for cycle in self:
            if cycle.state != "approval":
                raise UserError(self.env._("Cycle %(name)s is %(state)s; this step needs %(allowed)s.",
                                           name=cycle.name, state=cycle.state, allowed="approval"))
            waiting = cycle.appraisal_ids.sudo().filtered(lambda a: a.status == "scored" and not a.approved)
            if waiting:
                raise UserError(self.env._("Not yet approved: %s", ", ".join(waiting[:20].mapped("subject_name"))))
        finished = all([cycle._run_step("publish", *cycle._appraisal_groups()) for cycle in self])
        if not finished:
            return _notify(self.env, self.env._("Publishing in the background; the cycle shows when it is done."),
                           "info")
        # a unit (村卫生室) gets no notice: only appraised employees are told
        notified = self.env["perf.appraisal"].sudo().search_count([("cycle_id", "in", self.ids), ("status", "=", "scored"),
                                                                    ("employee_id", "!=", False)])
        return _notify(self.env, self.env._("Published; %s appraisees notified.", notified))

    def _publish_chunk(self, ids):
        """These appraisals published: their state and date, a notice to each, their pay payable."""
        # a chunk run again (a retried job) leaves what it already published alone
        appraisals = self.env["perf.appraisal"].sudo().browse(ids).filtered(lambda a: a.state != "published")
        with workflow():
            appraisals.with_context(tracking_disable=True).write(
                {"state": "published", "published_date": self._perf_today()})
        appraisals.filtered(lambda a: a.status == "scored")._notify_published()
        self.env["perf.pay"].sudo().search([("appraisal_id", "in", appraisals.ids), ("state", "=", "draft")]
                                           )._release_after_publication()

    def _publish_done(self):
        with workflow():
            self.write({"state": "published", "step_running": False, "step_error": False})
        told = self.env["perf.appraisal"].sudo().search_count([("cycle_id", "=", self.id), ("status", "=", "scored"),
                                                                ("employee_id", "!=", False)])
        self.message_post(body=self._results_summary(self.env._("Published")) + " · "
                          + self.env._("%s appraisees notified.", told))

    def action_close(self):
        self._check_may_run(self.env._("close a cycle"))
        self._check_not_running()
        self._set_state("closed", ["published"])
        for cycle in self:
            cycle.message_post(body=self.env._("Cycle closed: its results and pay are final."))
        return True

    def action_reset_draft(self):
        self._check_may_run(self.env._("reset a cycle to draft"))
        self._check_not_running()
        for cycle in self:
            if cycle.state != "running":
                raise UserError(self.env._("Only a started cycle without ratings can go back to draft."))
            if cycle.appraisal_ids.sudo().score_ids.filtered("rated"):
                raise UserError(self.env._("Ratings were entered; the cycle cannot go back to draft."))
            cycle.appraisal_ids.sudo().unlink()
            cycle.sudo().exclusion_ids.unlink()
            with workflow():
                cycle.state = "draft"
        return True

    def set_facts(self, facts):
        """Scheme-level facts of this cycle (pools, contracts, profits) for perfcore."""
        self._perf_one()
        self._check_may_run(self.env._("enter the facts of a cycle"))
        self._check_not_running()
        if not isinstance(facts, dict):
            raise UserError(self.env._("Facts are a mapping (a JSON object)."))
        self.facts_json = json.dumps(facts, ensure_ascii=False, default=str)
        return True

    # -- the dashboard ---------------------------------------------------------------------------------------
    @api.model
    def get_dashboard(self):
        """What the dashboard shows the caller, read with the caller's rights: HR gets the open cycles
        with their progress, late raters and overdue appeals; a manager their team; everybody their own
        lines to rate and results."""
        user = self.env.user
        officer = self._perf_is_officer()
        states = dict(self._fields["state"]._description_selection(self.env))
        today = self._perf_today()
        open_cycles = self.search([("state", "in", ("running", "rating", "calibration", "approval"))],
                                  order="deadline_rating, id")
        cycles = [{
            "id": c.id, "name": c.name, "state": states[c.state], "progress": round(c.rating_progress, 1),
            "done": c.done_count, "lines": c.line_count,
            "deadline": fields.Date.to_string(c.deadline_rating) if c.deadline_rating else "",
            "overdue": bool(c.deadline_rating and c.deadline_rating < today and c.state in ("running", "rating")),
            "late": c.late_rater_count if officer else 0,
        } for c in open_cycles[:20]]
        latest = self.search([("computed_at", "!=", False)], order="computed_at desc", limit=1)
        grades = []
        if latest:
            Appraisal = self.env["perf.appraisal"]
            groups = Appraisal._read_group([("cycle_id", "=", latest.id), ("status", "=", "scored")],
                                           ["final_grade_id"], ["__count"])
            grades = [{"label": grade.label or grade.code or self.env._("(none)"), "count": count}
                      for grade, count in sorted(groups, key=lambda g: g[0].sequence)]
        appeals = []
        if officer:
            for appeal in self.env["perf.appeal"].search([("state", "=", "submitted")], order="deadline, id", limit=20):
                appeals.append({"id": appeal.id, "name": appeal.display_name,
                                "deadline": fields.Date.to_string(appeal.deadline) if appeal.deadline else "",
                                "overdue": bool(appeal.deadline and appeal.deadline < today)})
        team = []
        if self._perf_is_manager() and not officer:
            for appraisal in self.env["perf.appraisal"].search(
                    [("state", "not in", ("draft", "closed")), ("user_id", "!=", user.id)],
                    order="cycle_id desc, subject_name", limit=100):
                team.append({"id": appraisal.id, "name": appraisal.subject_name, "cycle": appraisal.cycle_id.name,
                             "state": states.get(appraisal.state, appraisal.state),
                             "grade": appraisal.final_grade_id.label or "", "confirmed": appraisal.confirmed,
                             "to_confirm": appraisal.superior_user_id == user and appraisal.state in (
                                 "calibration", "approval") and not appraisal.confirmed})
        to_rate = self.env["perf.score"].search_count([("rater_user_id", "=", user.id), ("settled", "=", False),
                                                       ("state", "in", ("running", "rating"))])
        mine = [{"id": a.id, "name": a.display_name, "grade": a.final_grade_id.label or "", "appeal": a.appeal_hint or ""}
                for a in self.env["perf.appraisal"].search([("user_id", "=", user.id), ("state", "in", DONE_STATES)],
                                                            order="published_date desc", limit=5)]
        return {"officer": officer, "cycles": cycles, "latest": latest.name or "", "grades": grades,
                "appeals": appeals, "team": team, "to_rate": to_rate, "mine": mine,
                "first_steps": self._first_steps() if officer else [],
                "idle": not (officer or cycles or team or to_rate or mine)}

    def _first_steps(self):
        """HR's way to a first published month, each step done or not (read with HR's rights);
        [] once a cycle was published — the dashboard then shows the work itself."""
        Cycle = self.with_context(active_test=False)
        if Cycle.search_count([("state", "in", ("published", "closed"))], limit=1):
            return []
        admin = self._perf_has_group("perf_appraisal.group_perf_admin")
        has_cycle = bool(Cycle.search_count([], limit=1))  # a scheme was chosen when a cycle exists
        steps = [
            ("scheme", self.env._("Choose the scheme: 18 presets ship (nursing, general staff, village clinics …); "
                                  "adapt a copy to your rules"),
             has_cycle, "perf_appraisal.perf_scheme_action" if admin else False),
            ("attributes", self.env._("Give the people their attributes (title, post, bonus base …) on the "
                                      "employee's or department's Performance tab"),
             bool(self.env["perf.attribute"].search_count([], limit=1)), "hr.open_view_employee_list_my"),
            ("cycle", self.env._("Create a cycle: its period, scheme, the people appraised and the owners of "
                                 "roles such as the patient survey"),
             has_cycle, "perf_appraisal.perf_cycle_action"),
            ("start", self.env._("Start it: every rater gets their lines to rate and a to-do"),
             bool(Cycle.search_count([("state", "!=", "draft")], limit=1)), "perf_appraisal.perf_cycle_action"),
            ("publish", self.env._("Compute, calibrate, send for approval and publish: each appraisee gets the "
                                   "notice, and pay goes to payroll"), False, "perf_appraisal.perf_cycle_action"),
        ]
        return [{"key": key, "label": label, "done": done, "action": action} for key, label, done, action in steps]

    # -- the score grid ---------------------------------------------------------------------------------------
    def action_open_score_grid(self):
        """The score grid of this cycle: one row per appraisee, one column per input line."""
        cycle = self._perf_one()
        cycle.check_access("read")
        return {"type": "ir.actions.client", "tag": "perf_score_grid", "name": self.env._("Score Grid: %s", cycle.name),
                "params": {"cycle_id": cycle.id}}

    def get_score_grid(self):
        """The grid of the lines the caller may read, each cell saying whether the caller enters it.

        Rows are appraisals, columns are (indicator or input, rater role, sub-period) with their scale.
        Values go back through ``perf.score.write``, which checks each cell as it is typed."""
        cycle = self._perf_one()
        cycle.check_access("read")
        lines = self.env["perf.score"].search_fetch(
            [("cycle_id", "=", cycle.id)],
            ["appraisal_id", "code", "name", "rater_role", "subperiod", "value", "value_list", "is_list", "rated",
             "sequence"], order="sequence, code, rater_role, subperiod, id")
        mine = set(lines._writable_by(self.env.user).ids)
        scheme = cycle.sudo().scheme_id._perfcore_scheme()
        # checklists opened on demand: a cell says whether its items may still be opened
        checklists = {code: on_demand_items(scheme, scheme.indicator(code)) for code in set(lines.mapped("code"))
                      if scheme.indicator(code) is not None}
        present = {(line.appraisal_id.id, line.code, line.rater_role, line.subperiod) for line in lines}
        # an item column knows its indicator's column, whose cell shows the items' running total
        parents = {item.code: indicator.code for indicator in scheme.all_indicators() for item in indicator.items}
        columns, rows = {}, {}
        for line in lines:
            key = "|".join([line.code, line.rater_role or "", line.subperiod or ""])
            if key not in columns:
                role, _other = line._validity_role()
                columns[key] = {"key": key, "label": line.name or line.code, "role": line.rater_role_label or "",
                                "subperiod": line.subperiod or "", "scale": line.scale_text or "",
                                "is_list": line.is_list, "sequence": line.sequence,
                                "checklist": bool(checklists.get(line.code)),
                                "parent": "|".join([parents[line.code], line.rater_role or "", line.subperiod or ""])
                                if line.code in parents else False,
                                "worksheet": line.worksheet_available,
                                "cap": float(role.max_valid) if role is not None else False,
                                "cap_note": line._validity_rule()}
            appraisal = line.appraisal_id
            row = rows.setdefault(appraisal.id, {"id": appraisal.id, "cells": {}})
            if key in row["cells"] and not row["cells"][key]["editable"] and line.id in mine:
                pass  # several lines of one column (peers): show the caller's own
            elif key in row["cells"]:
                continue
            row["cells"][key] = {"id": line.id, "value": (line.value_list or "") if line.is_list else line.value,
                                 "rated": line.rated, "editable": line.id in mine,
                                 "items_closed": line.id in mine and any(
                                     (appraisal.id, item, line.rater_role, line.subperiod) not in present
                                     for item in checklists.get(line.code, ()))}
        names = {a.id: (a.subject_name, a.group_name or "") for a in self.env["perf.appraisal"].sudo().browse(list(rows))}
        for appraisal_id, row in rows.items():
            row["name"], row["group"] = names[appraisal_id]
        return {"cycle": {"id": cycle.id, "name": cycle.name, "state": cycle.state},
                "title": self.env._("Score Grid: %s", cycle.name),
                "columns": sorted(columns.values(), key=lambda c: (c["sequence"], c["key"])),
                "rows": sorted(rows.values(), key=lambda r: (r["group"], r["name"], r["id"]))}

    def _schedule_rater_activities(self, due=None):
        """One to-do per rater and cycle, due at the rating deadline (or ``due``: a reminder moves
        the old ones).  On the cycle, never on an appraisal: an activity makes its user a follower,
        and a peer must stay anonymous."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        today = self._perf_today()
        for cycle in self.sudo():
            left = cycle._late_raters()
            todos = cycle.activity_ids.filtered(lambda a: not todo or a.activity_type_id == todo)
            deadline = due or max(cycle.deadline_rating or today, today)
            if due:
                todos.filtered(lambda a, d=due: a.date_deadline < d).write({"date_deadline": due})
            values = []
            for user in set(left) - set(todos.user_id):
                # in the rater's language: the to-do is theirs
                summary = self.with_context(lang=user.lang).env._("Rate %(count)s lines of %(cycle)s",
                                                                 count=left[user], cycle=cycle.name)
                values.append({"activity_type_id": todo.id if todo else False, "user_id": user.id,
                               "date_deadline": deadline, "summary": summary,
                               "res_model_id": self.env["ir.model"]._get_id(self._name), "res_id": cycle.id})
            self.env["mail.activity"].sudo().create(values)

    # -- calibration view --------------------------------------------------------------------------
    @api.depends("appraisal_ids.grade", "appraisal_ids.flags")
    def _compute_calibration_html(self):
        # Officers only (the field's groups); every value is escaped — group names are typed by people.
        e = html.escape
        for cycle in self:
            scheme = cycle.scheme_id._perfcore_scheme() if cycle.scheme_id else None
            appraisals = cycle.appraisal_ids.filtered(lambda a: a.status == "scored" and "veto" not in (a.flags or ""))
            if not scheme or not scheme.distribution or not appraisals:
                cycle.calibration_html = False
                continue
            grades = [q.grade for q in scheme.distribution.quotas]
            percents = [q.percent for q in scheme.distribution.quotas]
            groups = {}
            for appraisal in appraisals:
                groups.setdefault(appraisal.group_name or self.env._("(all)"), []).append(appraisal)
            rows = []
            for group, members in sorted(groups.items()):
                quota = perfcore.hamilton_counts(len(members), percents)
                actual = [sum(1 for m in members if m.final_grade == g) for g in grades]
                ties = sum(1 for m in members if "tie_at_boundary" in (m.flags or ""))
                cells = "".join(f"<td>{q} / {a}</td>" for q, a in zip(quota, actual))
                rows.append(f"<tr><td>{e(group)}</td><td>{len(members)}</td>{cells}<td>{ties}</td></tr>")
            labels = {g.code: g.label or g.code for g in scheme.grades}  # 优秀, not excellent
            head = "".join(f"<th>{e(labels.get(g, g))} ({e(fmt(p))}%)</th>" for g, p in zip(grades, percents))
            cycle.calibration_html = (
                "<table class='table table-sm'><thead><tr><th>" + e(self.env._("Group")) + "</th><th>"
                + e(self.env._("Size")) + "</th>" + head + "<th>" + e(self.env._("Ties at a boundary"))
                + "</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table><p class='text-muted'>"
                + e(self.env._("quota / actual")) + "</p>")

    # -- reminders ------------------------------------------------------------------------------
    @api.model
    def _cron_perf_reminders(self):
        """Rater reminders before the deadline, overdue appeals, and follow-ups of cross-period flags."""
        soon = self._perf_today() + datetime.timedelta(days=3)
        self.search([("state", "=", "rating"), ("deadline_rating", "<=", soon)])._schedule_rater_activities()
        self.env["perf.appeal"]._flag_overdue()
        self.env["perf.appraisal"]._follow_up_flags()
        return True
