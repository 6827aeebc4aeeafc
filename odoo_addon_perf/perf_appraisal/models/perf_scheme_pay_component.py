from odoo import fields, models


class PerfSchemePayComponent(models.Model):
    """A named part of the pay (绩效奖金, 补助 …): a formula, optionally only when a condition
    holds, or a pool split among a group; rounded once, half-up, to 0.01."""

    _name = "perf.scheme.pay.component"
    _description = "Scheme Pay Component"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, sequence, id"

    code = fields.Char(required=True)
    name = fields.Char()
    formula = fields.Char(help="perfcore formula: pay_score, attributes, pay tables (title_coef[title]) …")
    when_formula = fields.Char(string="Only When", help="Pay this component only when the formula holds.")
    periods = fields.Char(help="Period kinds that pay it (month, year …), comma-separated; empty: every period.")
    split_pool = fields.Char(string="Pool", help="A pool per group, split among its members by the weight.")
    split_weight = fields.Char()
    split_scope = fields.Selection([("group", "Per group"), ("all", "Whole cycle")], default="group")
