"""Computing a cycle: its rows through perfcore (lib/period_rows.py), the results written back in
batches, the distribution overview and the ranking export."""

import io
from collections import defaultdict

import perfcore

from odoo import fields, models
from odoo.exceptions import UserError

from ..lib.period_rows import PeriodRows, period_input
from ..lib.result_values import refused_values, result_values
from .cycle_terms import DONE_STATES, OWN_RESULTS, _notify
from .perf_workflow_mixin import workflow
from .spreadsheet_cells import append_row


class PerfCycleCompute(models.AbstractModel):
    """A step of ``perf.cycle`` (which inherits it): its methods run on cycles."""

    _name = "perf.cycle.compute"
    _description = "Performance: Computing a Cycle"

    def action_compute(self):
        """Score every appraisal with perfcore and write the results back."""
        self._check_may_run(self.env._("compute a cycle"))
        self._check_not_running()
        self._check_transition("compute", self.env._("Start the cycle first; a closed cycle is not recomputed."))
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
        """ONE perfcore period input for the whole cycle, read with a fixed number of queries (the
        rows; lib/period_rows.py makes the input of them)."""
        appraisals = appraisals.sudo()
        unit = scheme.subject == "unit"
        field = "department_id" if unit else "employee_id"
        rows = appraisals.read(["employee_id", "department_id", "group_name", "subject_name"], load=None)
        score_rows = self.env["perf.score"].sudo().search_read(
            [("appraisal_id", "in", appraisals.ids), ("rated", "=", True)],
            ["appraisal_id", "code", "rater_role", "value", "value_list", "is_list", "subperiod", "worksheet"],
            load=None)
        attribute_rows = self.env["perf.appraisal.attribute"].sudo().search_read(
            [("appraisal_id", "in", appraisals.ids)], ["appraisal_id", "code", "value"], load=None)
        kpi_rows = self.env["perf.kpi"].sudo().search_read(
            [("appraisal_id", "in", appraisals.ids)],
            ["appraisal_id", "code", "name", "dimension", "target", "actual", "direction", "weight"], load=None)
        event_rows = self.env["perf.event"].sudo().search_read(
            # events recorded under any version of the scheme (the ledger outlives a version)
            [("state", "=", "approved"), ("scheme_id", "in", self.scheme_id._all_versions().ids),
             (field, "in", [row[field] for row in rows]), ("date", ">=", self.date_from), ("date", "<=", self.date_to)],
            [field, "code", "count", "points", "note", "date"], load=None)
        return period_input(scheme, PeriodRows(
            period=self.period, unit=unit, appraisals=rows, scores=score_rows, attributes=attribute_rows,
            kpis=kpi_rows, events=event_rows,
            subperiods=[(text, perfcore.parse_period(text)) for text in self._subperiods(scheme)],
            facts=self._facts(), history=self._history(appraisals[field]),
            departures=self._departure_attributes(scheme) if not unit else {}))

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
            evaluation, refused = self._evaluate(scheme, data, scored, keys)
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
                        values = refused_values(refused[appraisal.id])
                    else:
                        values = result_values(by_key[keys[appraisal.id]], confidential)
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

    def _evaluate(self, scheme, data, appraisals, keys):
        """perfcore's evaluation, and {appraisal id: reason} of those whose own input it refused.

        Problems of one subject (a KPI card with two financial KPIs, say) make that appraisal
        incomplete, with perfcore's words, and the others are computed all the same; problems of
        the cycle itself (its facts) stop the computation."""
        try:
            evaluation = perfcore.evaluate(scheme, data, exclude_invalid=True)
        except perfcore.PerfcoreError as exc:
            raise UserError(self._explain(exc, appraisals)) from None
        appraisal_of = {key: appraisal_id for appraisal_id, key in keys.items()}
        return evaluation, {appraisal_of[key]: perfcore.render(perfcore.refusal_reason(problems))
                            for key, problems in evaluation.refused.items()}

    def _explain(self, exc, records):
        """perfcore's problems, each of a subject named by its appraisee: "张三 (subjects[0]) scores.x: …"."""
        problems = getattr(exc, "problems", None)
        if not problems:
            return str(exc)
        names = [getattr(r, "subject_name", False) or r.display_name for r in records]
        lines = []
        for problem in problems:
            index = problem.subject_index
            if index is not None and index < len(names):
                where = f"{names[index]} (subjects[{index}])" + (f" {problem.field_path}" if problem.field_path else "")
            else:
                where = problem.path or ""
            lines.append(f"{where}: {problem.detail()}" if where else problem.detail())
        return "\n".join(lines)
