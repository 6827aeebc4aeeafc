from odoo import fields, models


class PerfSchemePayRate(models.Model):
    """One entry of a pay table (职称系数: 护师 → 1.2); formulas read it as ``table[key]``."""

    _name = "perf.scheme.pay.rate"
    _description = "Scheme Pay Table Entry"
    _inherit = ["perf.workflow.mixin", "perf.scheme.design.mixin"]
    _order = "scheme_id, sequence, id"

    scheme_id = fields.Many2one("perf.scheme", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="scheme_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    table = fields.Char(required=True, help="The table's code (title_coef).")
    key = fields.Char(required=True, help="The value it is looked up by (senior_nurse).")
    value = fields.Char(required=True, help="A number or a $parameter.")
