from odoo import api, fields, models
from odoo.exceptions import UserError


class PerfCycleFactMixin(models.AbstractModel):
    """A fact of a cycle that the scheme's pools read (contracts, profits, departures, department
    pools): entered by HR until the cycle is published; a change makes the results stale."""

    _name = "perf.cycle.fact.mixin"
    _description = "Performance: Fact of a Cycle"
    _inherit = ["perf.workflow.mixin"]

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)

    @api.constrains("cycle_id")
    def _check_open(self):
        for fact in self:
            if fact.cycle_id.state in ("published", "closed"):
                raise UserError(self.env._("The facts of a published cycle are fixed: its pay was computed from them."))

    @api.model_create_multi
    def create(self, vals_list):
        self._perf_check_parent_writable("cycle_id", vals_list)
        facts = super().create(vals_list)
        facts.cycle_id.sudo().appraisal_ids._mark_inputs_changed()
        return facts

    def write(self, vals):
        self._check_open()
        result = super().write(vals)
        self.cycle_id.sudo().appraisal_ids._mark_inputs_changed()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_while_open(self):
        self._check_open()
        self.cycle_id.sudo().appraisal_ids._mark_inputs_changed()
