from odoo import fields, models


class PerfSchemeLineMixin(models.AbstractModel):
    """A designer line that belongs to a scheme directly (an indicator, a grade, a pay component …):
    its scheme, the scheme's company (for the multi-company rule) and its place in the list."""

    _name = "perf.scheme.line.mixin"
    _description = "Scheme Line"
    _inherit = ["perf.scheme.design.mixin"]

    scheme_id = fields.Many2one("perf.scheme", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="scheme_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
