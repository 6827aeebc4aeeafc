from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.perf_score import MAX_WORKSHEET_COUNT


class PerfWorksheetWizardLine(models.TransientModel):
    """One row of a work sheet being filled: a planned item (its text and status) or an extra
    (how many).  Its wizard's creator's, as the wizard is."""

    _name = "perf.worksheet.wizard.line"
    _description = "Row of a Work Sheet Being Filled"
    _order = "wizard_id, sequence, id"

    wizard_id = fields.Many2one("perf.worksheet.wizard", required=True, ondelete="cascade")
    kind = fields.Selection([("item", "Planned Item"), ("extra", "Beyond the Plan")], required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    section = fields.Char(required=True, readonly=True)
    section_name = fields.Char(string="Section", readonly=True)
    number = fields.Integer(string="No.", readonly=True)
    points = fields.Float(digits=(16, 2), readonly=True)
    description = fields.Char(string="Work Item", size=500)
    status = fields.Selection(selection="_status_selection")
    count = fields.Integer()

    @api.model
    def _status_selection(self):
        """The statuses of the sheet being filled (the context names its score line), else the usual three."""
        score = self.env["perf.score"].browse(self.env.context.get("perf_score_id")).exists()
        if score and score.sudo().worksheet_available:
            return self.env["perf.worksheet.wizard"]._status_names(score)
        return [("completed", self.env._("Completed")), ("in_progress", self.env._("In Progress")),
                ("not_started", self.env._("Not Started"))]

    @api.constrains("count")
    def _check_count(self):
        for line in self:
            if not 0 <= line.count <= MAX_WORKSHEET_COUNT:
                raise ValidationError(self.env._("%(name)s: a count from 0 to %(max)s, not %(count)s.",
                                                 name=line.section_name, max=MAX_WORKSHEET_COUNT, count=line.count))
