from odoo import api, fields, models
from odoo.exceptions import ValidationError

PARTS = [("market_discretionary", "Market: discretionary (market manager)"),
         ("others_discretionary", "Other departments: discretionary (general manager)")]
POOLS = [("contracts", "Contract pool"), ("commission", "Profit commission")]


class PerfCycleAllocation(models.Model):
    """A discretionary allocation of a year-end pool part to one person (the general manager's or
    the market manager's choice, 001 篇1); without one, perfcore splits by annual score."""

    _name = "perf.cycle.allocation"
    _description = "Discretionary Allocation of a Pool"
    _inherit = ["perf.cycle.fact.mixin"]
    _order = "cycle_id, pool_kind, part, id"
    _perf_editable_fields = frozenset({"pool_kind", "part", "employee_id", "amount"})

    currency_id = fields.Many2one(related="company_id.currency_id")
    pool_kind = fields.Selection(POOLS, string="Pool", required=True)
    part = fields.Selection(PARTS, required=True)
    employee_id = fields.Many2one("hr.employee", required=True)
    amount = fields.Monetary(required=True)

    @api.constrains("amount")
    def _check_amount(self):
        for allocation in self:
            if not 0 <= allocation.amount < 1e15:
                raise ValidationError(self.env._("An allocation is an amount of at least 0."))
