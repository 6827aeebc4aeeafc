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
    section = fields.Char(string="Section Code", required=True, readonly=True)
    section_name = fields.Char(string="Section", readonly=True)
    number = fields.Integer(string="No.", readonly=True)
    points = fields.Float(digits=(16, 2), readonly=True)
    description = fields.Char(string="Work Item", size=500)
    status = fields.Selection(selection="_status_selection")
    count = fields.Integer(string="Items")

    @api.model
    def _status_selection(self):
        """Every status a work sheet of the database offers: the client reads a selection's labels
        without the dialog's context, so not only this sheet's.  The usual three in the reader's
        language, any other by the scheme's name for it; the sheet itself refuses a status not its own."""
        standard = {"completed": self.env._("Completed"), "in_progress": self.env._("In Progress"),
                    "not_started": self.env._("Not Started")}
        found = dict(standard)
        schemes = self.env["perf.scheme"].sudo().with_context(active_test=False).search(
            [("source_yaml", "ilike", "worksheet")])
        for scheme in schemes:
            for indicator in scheme._perfcore_scheme().all_indicators():
                sheet = indicator.worksheet
                for code in sheet.statuses if sheet is not None else ():
                    found.setdefault(code, sheet.status_names.get(code) or code)
        return list(found.items())

    @api.constrains("count")
    def _check_count(self):
        for line in self:
            if not 0 <= line.count <= MAX_WORKSHEET_COUNT:
                raise ValidationError(self.env._("%(name)s: a count from 0 to %(max)s, not %(count)s.",
                                                 name=line.section_name, max=MAX_WORKSHEET_COUNT, count=line.count))
