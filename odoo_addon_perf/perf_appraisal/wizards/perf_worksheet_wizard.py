import perfcore

from odoo import api, fields, models


class PerfWorksheetWizard(models.TransientModel):
    """Fill one score line's work sheet (general-quarterly's 工作计划表): each planned item with
    its status, the items beyond the plan counted.  Saving writes the sheet to the line, whose
    own checks decide (``perf.score.write``: its rater, while scores are open); perfcore scores it.

    A wizard is its creator's: the record rule shows nobody else's, and it is only made for a
    line its creator rates."""

    _name = "perf.worksheet.wizard"
    _description = "Work Sheet of a Score Line"

    score_id = fields.Many2one("perf.score", string="Score Line", required=True, readonly=True, ondelete="cascade")
    subject_name = fields.Char(string="Appraisee", readonly=True)
    indicator_name = fields.Char(string="Indicator", readonly=True)
    item_ids = fields.One2many("perf.worksheet.wizard.line", "wizard_id", string="Planned Items",
                               domain=[("kind", "=", "item")])
    extra_ids = fields.One2many("perf.worksheet.wizard.line", "wizard_id", string="Beyond the Plan",
                                domain=[("kind", "=", "extra")])
    total = fields.Float(string="Score", digits=(16, 2), compute="_compute_total")
    explanation = fields.Char(string="How", compute="_compute_total")
    validity_note = fields.Char(string="Note", compute="_compute_total")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            score = self.env["perf.score"].browse(vals.get("score_id"))
            if not self.env.su:  # (server code may hold one for a test; a caller is always checked)
                score._check_worksheet_opener()
            # what the dialog shows of the line is the line's, whatever the caller sent
            vals.update(subject_name=score.subject_name, indicator_name=score._line_label())
        return super().create(vals_list)

    def _sheet(self):
        scheme = self.score_id.sudo().appraisal_id.scheme_id._perfcore_scheme()
        return self.score_id.sudo()._worksheet_spec(scheme)

    def _given(self):
        """The sheet as perfcore reads it: {section: [status, …], extra: count}."""
        given = {}
        for line in self.item_ids.sorted("sequence"):
            given.setdefault(line.section, []).append(line.status)
        for line in self.extra_ids:
            if line.count:
                given[line.section] = line.count
        return given

    @api.depends("item_ids.status", "extra_ids.count")
    def _compute_total(self):
        for wizard in self:
            sheet = wizard._sheet() if wizard.score_id else None
            given = wizard._given()
            valid = sheet is not None and not perfcore.check_score(
                wizard.score_id.sudo().appraisal_id.scheme_id._perfcore_scheme(), wizard.score_id.sudo().code,
                given, wizard.score_id.sudo().rater_role, subperiod=bool(wizard.score_id.sudo().subperiod))
            wizard.total = float(sheet.total(given)) if valid else 0.0
            wizard.explanation = sheet.explain(given).render(self.env.lang) if valid else False
            note = wizard.score_id._validity_note(wizard.total) if valid else False
            wizard.validity_note = note

    def action_apply(self):
        self.ensure_one()
        items = {}
        for line in self.item_ids.sorted("sequence"):
            items.setdefault(line.section, []).append(line.description or "")
        self.score_id.write({"worksheet": self._given(), "worksheet_items": items})
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _lines_for(self, score):
        """The wizard's lines for ``score``: every planned item (its status and text as entered
        before, else not started) and every extra (its count)."""
        sheet = score.sudo()._worksheet_spec(score.sudo().appraisal_id.scheme_id._perfcore_scheme())
        given = score.sudo().worksheet or {}
        texts = score.sudo().worksheet_items or {}
        default = "not_started" if "not_started" in sheet.statuses else min(sheet.statuses, key=sheet.statuses.get)
        lines = []
        for section in sheet.sections:
            statuses = list(given.get(section.code) or [])
            descriptions = list(texts.get(section.code) or [])
            for number in range(section.count):
                lines.append({
                    "kind": "item", "section": section.code, "section_name": section.name or section.code,
                    "sequence": len(lines), "number": number + 1, "points": float(section.points),
                    "status": statuses[number] if number < len(statuses) else default,
                    "description": descriptions[number] if number < len(descriptions) else False})
        for extra in sheet.extras:
            lines.append({"kind": "extra", "section": extra.code, "section_name": extra.name or extra.code,
                          "sequence": len(lines), "points": float(extra.points), "count": int(given.get(extra.code, 0))})
        return lines
