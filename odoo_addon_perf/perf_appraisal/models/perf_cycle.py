import calendar
import datetime
import json
import re
from decimal import Decimal

import perfcore
from perfcore.decimals import fmt

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_repr

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
ROLE_RATERS = {
    "self": lambda employee: employee.user_id,
    "superior": lambda employee: employee.parent_id.user_id,
    "leader": lambda employee: employee.parent_id.user_id,
    "dm": lambda employee: employee.parent_id.user_id,
    "skip": lambda employee: employee.parent_id.parent_id.user_id,
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


class PerfCycle(models.Model):
    _name = "perf.cycle"
    _description = "Appraisal Cycle"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    scheme_id = fields.Many2one("perf.scheme", required=True, tracking=True, check_company=True,
                                domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]")
    subject_kind = fields.Selection(related="scheme_id.subject_kind")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    period = fields.Char(compute="_compute_period", store=True)
    pay_date = fields.Date(help="Performance pay is paid in the payslip whose period contains this date; "
                                "defaults to the end of the cycle.")
    state = fields.Selection(CYCLE_STATES, default="draft", required=True, tracking=True, copy=False)
    employee_ids = fields.Many2many("hr.employee", string="Participants", check_company=True,
                                    help="Leave empty to appraise every employee of the company.")
    department_ids = fields.Many2many("hr.department", string="Units", check_company=True,
                                      help="For unit schemes; leave empty for every department of the company.")
    appraisal_ids = fields.One2many("perf.appraisal", "cycle_id", string="Appraisals")
    appraisal_count = fields.Integer(compute="_compute_appraisal_count")
    exclusion_ids = fields.One2many("perf.cycle.exclusion", "cycle_id", string="Not Appraised", readonly=True)
    deadline_rating = fields.Date(compute="_compute_deadlines", store=True, readonly=False)
    deadline_consolidation = fields.Date(compute="_compute_deadlines", store=True, readonly=False)
    calibration_html = fields.Html(compute="_compute_calibration_html", sanitize=False)
    computed_at = fields.Datetime(readonly=True, copy=False)
    facts_json = fields.Text(string="Facts (JSON)", default="{}",
                             help="Scheme-level inputs of the period: pools, contracts, profits.")

    @api.depends("date_from", "date_to")
    def _compute_period(self):
        for cycle in self:
            cycle.period = period_text(cycle.date_from, cycle.date_to)

    @api.constrains("facts_json")
    def _check_facts_json(self):
        for cycle in self:
            try:
                facts = json.loads(cycle.facts_json or "{}")
            except ValueError as exc:
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

    def _compute_appraisal_count(self):
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

    # -- subjects, attributes, history -------------------------------------------------------
    def _subjects(self):
        self.ensure_one()
        if self.scheme_id.subject_kind == "unit":
            return self.department_ids or self.env["hr.department"].search([("company_id", "=", self.company_id.id)])
        return self.employee_ids or self.env["hr.employee"].search([("company_id", "=", self.company_id.id)])

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
            raw.update(values.get(subject.id, {}))
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
    def action_start(self):
        for cycle in self:
            if cycle.state != "draft":
                raise UserError(self.env._("Only a draft cycle can be started."))
            cycle._start()
        return True

    def _start(self):
        scheme = self.scheme_id._perfcore_scheme()
        subjects = self._subjects()
        if not subjects:
            raise UserError(self.env._("The cycle has nobody to appraise."))
        attributes = self._subject_attributes(scheme, subjects)
        history = self._history(subjects)
        keyed = {self._subject_key(s): s for s in subjects}
        data = {"period": self.period, "subjects": [
            {"id": key, "name": s.name, "attributes": attributes[key], "history": history.get(key, [])}
            for key, s in keyed.items()]}
        try:
            reasons = perfcore.screen(scheme, data)
        except perfcore.PerfcoreError as exc:
            raise UserError(self._explain(exc, list(keyed.values()))) from None
        unit = scheme.subject == "unit"
        appraisal_vals, exclusion_vals = [], []
        for key, subject in keyed.items():
            if reasons[key] is not None:
                exclusion_vals.append({"cycle_id": self.id, "reason": reasons[key],
                                       ("department_id" if unit else "employee_id"): subject.id})
                continue
            appraisal_vals.append({
                "cycle_id": self.id,
                "employee_id": False if unit else subject.id,
                "department_id": subject.id if unit else subject.department_id.id,
                "group_name": False if unit else subject.department_id.name,
                "attribute_ids": [fields.Command.create({"code": c, "value": v if not isinstance(v, list) else ",".join(v)})
                                  for c, v in attributes[key].items()],
                "score_ids": [fields.Command.create(line) for line in self._score_lines(scheme, subject, unit)],
            })
        self.env["perf.cycle.exclusion"].create(exclusion_vals)
        self.env["perf.appraisal"].create(appraisal_vals)
        self.state = "running"
        self.message_post(body=self.env._("Cycle started: %(n)s appraisals, %(x)s not appraised.",
                                          n=len(appraisal_vals), x=len(exclusion_vals)))

    def _score_lines(self, scheme, subject, unit):
        """The lines raters fill: each given indicator per rater role, and the inputs formulas read."""
        lines = []

        def add(indicator, sequence):
            roles = scheme.raters_of(indicator)
            for role in roles or [None]:
                members = role.pool if role and role.pool else [role.code if role else False]
                for member in members:
                    resolver = ROLE_RATERS.get(member) if member else None
                    user = resolver(subject) if resolver and not unit else self.env["res.users"]
                    lines.append({"code": indicator.code, "name": indicator.name or indicator.code,
                                  "rater_role": member, "rater_user_id": user.id or False, "sequence": sequence})

        def walk(indicators, depth):
            for index, indicator in enumerate(indicators):
                source = indicator.resolved_source
                if source in ("given", "given_or_items", "given_or_formula"):
                    add(indicator, depth * 100 + index)
                elif source == "items":
                    walk(indicator.items, depth + 1)

        walk(scheme.indicators, 0)
        for index, spec in enumerate(scheme.inputs):
            if spec.scope != "subperiod" and not spec.list:
                lines.append({"code": spec.code, "name": spec.name or spec.code, "rater_role": False,
                              "sequence": 900 + index})
        return lines

    # -- compute ------------------------------------------------------------------------------------
    def action_compute(self):
        for cycle in self:
            if cycle.state in ("draft", "closed"):
                raise UserError(self.env._("Start the cycle first; a closed cycle is not recomputed."))
            cycle._compute_results()
        return True

    def _period_input(self, scheme, appraisals):
        """ONE perfcore period input for the whole cycle, read with a fixed number of queries."""
        rows = appraisals.read(["employee_id", "department_id", "group_name"], load=None)
        keys = {}
        unit = scheme.subject == "unit"
        subjects_by_id = {}
        for row in rows:
            subject_id = row["department_id"] if unit else row["employee_id"]
            keys[row["id"]] = ("D%d" if unit else "E%d") % subject_id
            subjects_by_id[row["id"]] = subject_id
        names = {a.id: a.subject_name for a in appraisals}
        scores = {a: {} for a in appraisals.ids}
        rated_roles = {i.code: bool(scheme.raters_of(i)) for i in scheme.all_indicators()}
        for line in self.env["perf.score"].sudo().search_read(
                [("appraisal_id", "in", appraisals.ids), ("rated", "=", True)],
                ["appraisal_id", "code", "rater_role", "value"], load=None):
            value = float_repr(line["value"], 4)
            bucket = scores[line["appraisal_id"]]
            if line["rater_role"] and rated_roles.get(line["code"]):
                roles = bucket.setdefault(line["code"], {})
                roles.setdefault(line["rater_role"], []).append(value)
            else:
                bucket[line["code"]] = value
        attributes = {a: {} for a in appraisals.ids}
        for line in self.env["perf.appraisal.attribute"].sudo().search_read(
                [("appraisal_id", "in", appraisals.ids)], ["appraisal_id", "code", "value"], load=None):
            attributes[line["appraisal_id"]][line["code"]] = line["value"]
        field = "department_id" if unit else "employee_id"
        events = {}
        for event in self.env["perf.event"].sudo().search_read(
                [("state", "=", "approved"), ("scheme_id", "=", self.scheme_id.id), (field, "in", list(subjects_by_id.values())),
                 ("date", ">=", self.date_from), ("date", "<=", self.date_to)],
                [field, "code", "count", "points", "note", "date"], load=None):
            entry = {"code": event["code"], "count": event["count"] or 1, "note": event["note"] or None,
                     "date": event["date"].isoformat()}
            if event["points"]:
                entry["points"] = float_repr(event["points"], 4)
            events.setdefault(event[field], []).append(entry)
        history = self._history(appraisals[field])
        subjects = []
        for row in rows:
            key = keys[row["id"]]
            bucket = {code: ({role: (v[0] if len(v) == 1 else v) for role, v in value.items()} if isinstance(value, dict) else value)
                      for code, value in scores[row["id"]].items()}
            subjects.append({
                "id": key, "name": names[row["id"]] or key,
                **({"group": row["group_name"]} if row["group_name"] else {}),
                "attributes": self._typed_attributes(scheme, attributes[row["id"]]),
                "scores": bucket, "events": events.get(subjects_by_id[row["id"]], []),
                "history": history.get(key, []),
            })
        facts = json.loads(self.facts_json or "{}", parse_float=Decimal)  # numbers stay exact
        return {"period": self.period, "facts": facts, "subjects": subjects}, keys

    def _compute_results(self):
        self.env.flush_all()
        scheme = self.scheme_id._perfcore_scheme()
        appraisals = self.appraisal_ids
        if not appraisals:
            return
        data, keys = self._period_input(scheme, appraisals)
        try:
            evaluation = perfcore.evaluate(scheme, data)
        except perfcore.PerfcoreError as exc:
            raise UserError(self._explain(exc, appraisals)) from None
        by_key = {r.id: r for r in evaluation.results}
        rows = []
        for appraisal_id, key in keys.items():
            r = by_key[key]
            rows.append(SQL("(%s, %s::numeric, %s, %s, %s, %s, %s::int, %s, %s::numeric, %s, %s, %s)",
                            appraisal_id, r.total, fmt(r.total_exact), r.grade, r.grade_label, r.band_grade, r.rank,
                            ",".join(r.flags), r.pay.amount if r.pay else None,
                            json.dumps(r.to_dict(), ensure_ascii=False), r.status, r.excluded_reason))
        # One UPDATE for every appraisal of the cycle: the query count does not grow with its size.
        self.env.cr.execute(SQL(
            """UPDATE perf_appraisal AS a
                  SET total = v.total, total_exact = v.total_exact, grade = v.grade, grade_label = v.grade_label,
                      band_grade = v.band_grade, rank = v.rank, flags = v.flags, pay_amount = v.pay_amount,
                      result_json = v.result_json, status = v.status, status_reason = v.status_reason
                 FROM (VALUES %s) AS v(id, total, total_exact, grade, grade_label, band_grade, rank, flags,
                                       pay_amount, result_json, status, status_reason)
                WHERE a.id = v.id""", SQL(", ").join(rows)))
        appraisals.invalidate_recordset()
        self.env["perf.pay"]._sync_from_evaluation(self, evaluation, keys)
        self.computed_at = fields.Datetime.now()

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
        self.write({"state": state})
        self.appraisal_ids.filtered(lambda a: a.state not in ("published",) or state == "closed").write({"state": state})

    def action_open_rating(self):
        self._set_state("rating", ["running"])
        for cycle in self:
            cycle.appraisal_ids._schedule_rater_activities()
        return True

    def action_calibrate(self):
        """Apply the quotas (perfcore distributes per group) and open calibration."""
        for cycle in self:
            cycle._compute_results()
        self._set_state("calibration", ["running", "rating"])
        return True

    def action_to_approval(self):
        self._set_state("approval", ["calibration"])
        return True

    def action_publish(self):
        for cycle in self:
            waiting = cycle.appraisal_ids.filtered(lambda a: a.status == "scored" and not a.approved)
            if waiting:
                raise UserError(self.env._("Not yet approved: %s", ", ".join(waiting.mapped("subject_name"))))
        self._set_state("published", ["approval"])
        self.appraisal_ids.write({"published_date": fields.Date.context_today(self)})
        for cycle in self:
            cycle.appraisal_ids._notify_published()
            self.env["perf.pay"].search([("cycle_id", "=", cycle.id), ("state", "=", "draft")])._release_after_publication()
        return True

    def action_close(self):
        self._set_state("closed", ["published"])
        return True

    def action_reset_draft(self):
        for cycle in self:
            if cycle.state != "running":
                raise UserError(self.env._("Only a started cycle without ratings can go back to draft."))
            if cycle.appraisal_ids.score_ids.filtered("rated"):
                raise UserError(self.env._("Ratings were entered; the cycle cannot go back to draft."))
            cycle.appraisal_ids.sudo().unlink()
            cycle.exclusion_ids.unlink()
            cycle.state = "draft"
        return True

    def set_facts(self, facts):
        """Scheme-level facts of this cycle (pools, contracts, profits) for perfcore."""
        self.ensure_one()
        self.facts_json = json.dumps(facts, ensure_ascii=False, default=str)
        return True

    # -- calibration view --------------------------------------------------------------------------
    @api.depends("appraisal_ids.grade", "appraisal_ids.flags")
    def _compute_calibration_html(self):
        for cycle in self:
            scheme = cycle.scheme_id._perfcore_scheme() if cycle.scheme_id else None
            if not scheme or not scheme.distribution or not cycle.appraisal_ids:
                cycle.calibration_html = False
                continue
            grades = [q.grade for q in scheme.distribution.quotas]
            percents = [q.percent for q in scheme.distribution.quotas]
            groups = {}
            for appraisal in cycle.appraisal_ids.filtered(lambda a: a.status == "scored" and "veto" not in (a.flags or "")):
                groups.setdefault(appraisal.group_name or self.env._("(all)"), []).append(appraisal)
            rows = []
            for group, members in sorted(groups.items()):
                quota = perfcore.hamilton_counts(len(members), percents)
                actual = [sum(1 for m in members if m.final_grade == g) for g in grades]
                ties = sum(1 for m in members if "tie_at_boundary" in (m.flags or ""))
                cells = "".join(f"<td>{q} / {a}</td>" for q, a in zip(quota, actual))
                rows.append(f"<tr><td>{group}</td><td>{len(members)}</td>{cells}<td>{ties}</td></tr>")
            head = "".join(f"<th>{g} ({fmt(p)}%)</th>" for g, p in zip(grades, percents))
            cycle.calibration_html = (
                "<table class='table table-sm'><thead><tr><th>" + self.env._("Group") + "</th><th>" + self.env._("Size") + "</th>"
                + head + "<th>" + self.env._("Ties at a boundary") + "</th></tr></thead><tbody>" + "".join(rows)
                + "</tbody></table><p class='text-muted'>" + self.env._("quota / actual") + "</p>")

    # -- reminders ------------------------------------------------------------------------------
    @api.model
    def _cron_perf_reminders(self):
        """Rater reminders before the deadline, overdue appeals, and follow-ups of cross-period flags."""
        soon = fields.Date.context_today(self) + datetime.timedelta(days=3)
        for cycle in self.search([("state", "=", "rating"), ("deadline_rating", "<=", soon)]):
            cycle.appraisal_ids._schedule_rater_activities()
        self.env["perf.appeal"]._flag_overdue()
        self.env["perf.appraisal"]._follow_up_flags()
        return True
