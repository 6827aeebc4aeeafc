from odoo import fields, models


class PerfSchemePayRate(models.Model):
    """One entry of a pay table (职称系数: 护师 → 1.2); formulas read it as ``table[key]``."""

    _name = "perf.scheme.pay.rate"
    _description = "Scheme Pay Table Entry"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, sequence, id"

    table = fields.Char(required=True, help="The table's code (title_coef).")
    key = fields.Char(required=True, help="The value it is looked up by (senior_nurse).")
    value = fields.Char(required=True, help="A number or a $parameter.")
