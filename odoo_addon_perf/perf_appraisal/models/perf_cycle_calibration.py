"""The calibration table: per group, each grade's quota seats against the grades given."""

import html

import perfcore
from perfcore.decimals import fmt

from odoo import api, models


class PerfCycleCalibration(models.AbstractModel):
    """A step of ``perf.cycle`` (which inherits it): its methods run on cycles."""

    _name = "perf.cycle.calibration"
    _description = "Performance: Calibration Table"

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
