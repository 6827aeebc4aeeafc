"""The Performance dashboard: what each user has to do, and a cycle's figures."""

from odoo import api, fields, models

from .cycle_terms import DONE_STATES


class PerfCycleDashboard(models.AbstractModel):
    """A step of ``perf.cycle`` (which inherits it): its methods run on cycles."""

    _name = "perf.cycle.dashboard"
    _description = "Performance: Dashboard"

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
