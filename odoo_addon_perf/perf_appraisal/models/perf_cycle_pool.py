from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PerfCyclePool(models.Model):
    """A department's efficiency pool of the period (科室效益绩效), split among its members by
    score share (003 篇九)."""

    _name = "perf.cycle.pool"
    _description = "Department Pool of a Cycle"
    _inherit = ["perf.cycle.fact.mixin"]
    _order = "cycle_id, group_name"
    _perf_editable_fields = frozenset({"group_name", "amount"})

    currency_id = fields.Many2one(related="company_id.currency_id")
    group_name = fields.Char(string="Group", required=True, help="The distribution group (department) of the pool.")
    amount = fields.Monetary(required=True)

    _sql_constraints = [("cycle_group_uniq", "unique(cycle_id, group_name)", "One pool per group and cycle.")]

    @api.constrains("amount")
    def _check_amount(self):
        for pool in self:
            if not 0 <= pool.amount < 1e15:
                raise ValidationError(self.env._("A pool is an amount of at least 0."))
