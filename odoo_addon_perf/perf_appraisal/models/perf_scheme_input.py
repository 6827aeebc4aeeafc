from odoo import fields, models


class PerfSchemeInput(models.Model):
    """A number a scheme reads besides its indicators (不合格例数, hours …), entered per person."""

    _name = "perf.scheme.input"
    _description = "Scheme Input"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, sequence, id"

    code = fields.Char(required=True)
    name = fields.Char()
    minimum = fields.Char()
    maximum = fields.Char()
    is_list = fields.Boolean(string="List", help="Several values per person (one per case).")
    scope = fields.Selection([("period", "Period"), ("subperiod", "Sub-period"), ("both", "Both")])
    default_value = fields.Char(string="Default")
