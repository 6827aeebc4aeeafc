import json
from decimal import Decimal

import perfcore

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_repr

from .cycle_terms import (
    CYCLE_STATES,
    DRAFT_ONLY_FIELDS,
    SCALAR_FACTS,
    TRANSITIONS,
    _notify,
    period_end,
    period_text,
)
from .perf_workflow_mixin import workflow


class PerfCycle(models.Model):
    _name = "perf.cycle"
    _description = "Appraisal Cycle"
    # each step's methods in a file of its own (perf_cycle_<step>.py)
    _inherit = ["mail.thread", "mail.activity.mixin", "perf.workflow.mixin", "perf.cycle.runner", "perf.cycle.start",
                "perf.cycle.compute", "perf.cycle.progress", "perf.cycle.dashboard", "perf.cycle.score.grid",
                "perf.cycle.calibration"]
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
    # may the step be pressed now (its state in TRANSITIONS, no step running): the form's buttons
    can_start = fields.Boolean(string="May Start", compute="_compute_can_steps")
    can_reset_draft = fields.Boolean(string="May Go Back to Draft", compute="_compute_can_steps")
    can_open_rating = fields.Boolean(string="May Open Rating", compute="_compute_can_steps")
    can_compute = fields.Boolean(string="May Compute", compute="_compute_can_steps")
    can_calibrate = fields.Boolean(string="May Calibrate", compute="_compute_can_steps")
    can_to_approval = fields.Boolean(string="May Send for Approval", compute="_compute_can_steps")
    can_publish = fields.Boolean(string="May Publish", compute="_compute_can_steps")
    can_close = fields.Boolean(string="May Close", compute="_compute_can_steps")
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

    # -- workflow ----------------------------------------------------------------------------------
    @api.depends("state", "step_running")
    def _compute_can_steps(self):
        for cycle in self:
            for step, (sources, _target) in TRANSITIONS.items():
                cycle[f"can_{step}"] = cycle.state in sources and not cycle.step_running

    def _check_transition(self, step, message=None):
        """Refuse ``step`` on a cycle whose state is not one it starts from (``message``, or the table's)."""
        sources = TRANSITIONS[step][0]
        for cycle in self:
            if cycle.state not in sources:
                raise UserError(message or self.env._(
                    "Cycle %(name)s is %(state)s; this step needs %(allowed)s.", name=cycle.name,
                    state=cycle.state, allowed=", ".join(sources)))

    def _transition(self, step):
        """The cycle (and its appraisals) moved by ``step`` to the state the table names."""
        self._set_state(TRANSITIONS[step][1], TRANSITIONS[step][0])

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
        self._transition("open_rating")
        self._schedule_rater_activities()
        return True

    def action_calibrate(self):
        """Apply the quotas (perfcore distributes per group) and open calibration."""
        self._check_may_run(self.env._("calibrate a cycle"))
        self._check_not_running()
        self._check_transition("calibrate", self.env._("Only a running cycle is calibrated."))
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
        self._transition("calibrate")
        self.message_post(body=self._results_summary(self.env._("Calibration opened")))

    def action_to_approval(self):
        self._check_may_run(self.env._("send a cycle for approval"))
        self._check_not_running()
        self._check_results_ready()
        self._transition("to_approval")
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
        self._check_transition("publish")
        for cycle in self:
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
            self.write({"state": TRANSITIONS["publish"][1], "step_running": False, "step_error": False})
        told = self.env["perf.appraisal"].sudo().search_count([("cycle_id", "=", self.id), ("status", "=", "scored"),
                                                                ("employee_id", "!=", False)])
        self.message_post(body=self._results_summary(self.env._("Published")) + " · "
                          + self.env._("%s appraisees notified.", told))

    def action_close(self):
        self._check_may_run(self.env._("close a cycle"))
        self._check_not_running()
        self._transition("close")
        for cycle in self:
            cycle.message_post(body=self.env._("Cycle closed: its results and pay are final."))
        return True

    def action_reset_draft(self):
        self._check_may_run(self.env._("reset a cycle to draft"))
        self._check_not_running()
        self._check_transition("reset_draft", self.env._("Only a started cycle without ratings can go back to draft."))
        for cycle in self:
            if cycle.appraisal_ids.sudo().score_ids.filtered("rated"):
                raise UserError(self.env._("Ratings were entered; the cycle cannot go back to draft."))
            cycle.appraisal_ids.sudo().unlink()
            cycle.sudo().exclusion_ids.unlink()
            with workflow():
                cycle.state = TRANSITIONS["reset_draft"][1]
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
