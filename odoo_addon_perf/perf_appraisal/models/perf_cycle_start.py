"""Starting a cycle: who is appraised (screened by perfcore), their attribute snapshot, their
history and their score lines."""

import calendar
import datetime
import hashlib
import random

import perfcore
from perfcore.i18n import render

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib.period_rows import attribute_text, typed_attributes
from ..lib.subject_key import SubjectKey
from .batch_defaults import batch_defaults
from .cycle_terms import GIVEN_SOURCES, HR_ATTRIBUTES, ROLE_RATERS, TRANSITIONS, _notify, period_text, superior_of
from .perf_score import ANONYMOUS_ROLES, on_demand_items
from .perf_workflow_mixin import workflow
from .wages import CONFIDENTIAL_ATTRIBUTES


class PerfCycleStart(models.AbstractModel):
    """A step of ``perf.cycle`` (which inherits it): its methods run on cycles."""

    _name = "perf.cycle.start"
    _description = "Performance: Starting a Cycle"

    def _subjects(self):
        self.ensure_one()
        cycle = self.sudo()  # the participant fields are HR's; the caller was checked
        if self.scheme_id.subject_kind == "unit":
            return cycle.department_ids or self.env["hr.department"].sudo().search([("company_id", "=", self.company_id.id)])
        return cycle.employee_ids or self.env["hr.employee"].sudo().search([("company_id", "=", self.company_id.id)])

    @staticmethod
    def _subject_key(record):
        return str(SubjectKey.of(record))

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
            out[self._subject_key(subject)] = typed_attributes(scheme, raw)
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
        for row in earlier:
            out.setdefault(SubjectKey.text(field == "department_id", row[field]), []).append({
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
        self._check_transition("start", self.env._("Only a draft cycle can be started."))
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
            self.write({"state": TRANSITIONS["start"][1], "step_running": False, "step_error": False})
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
                    "code": c, "value": attribute_text(v), "confidential": c in CONFIDENTIAL_ATTRIBUTES,
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
