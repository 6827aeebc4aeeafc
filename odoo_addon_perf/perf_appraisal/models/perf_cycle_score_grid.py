"""The score grid: a ward's lines as one table, for its raters."""

from odoo import models

from .perf_score import on_demand_items


class PerfCycleScoreGrid(models.AbstractModel):
    """A step of ``perf.cycle`` (which inherits it): its methods run on cycles."""

    _name = "perf.cycle.score.grid"
    _description = "Performance: Score Grid"

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
