"""Progress of a cycle's rating, and the reminders of raters, appeals and flags."""

import datetime
import html

from odoo import api, fields, models
from odoo.exceptions import UserError

from .cycle_terms import _notify


class PerfCycleProgress(models.AbstractModel):
    """A step of ``perf.cycle`` (which inherits it): its methods run on cycles."""

    _name = "perf.cycle.progress"
    _description = "Performance: Cycle Progress and Reminders"

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

    # -- reminders ------------------------------------------------------------------------------
    @api.model
    def _cron_perf_reminders(self):
        """Rater reminders before the deadline, overdue appeals, and follow-ups of cross-period flags."""
        soon = self._perf_today() + datetime.timedelta(days=3)
        self.search([("state", "=", "rating"), ("deadline_rating", "<=", soon)])._schedule_rater_activities()
        self.env["perf.appeal"]._flag_overdue()
        self.env["perf.appraisal"]._follow_up_flags()
        return True
