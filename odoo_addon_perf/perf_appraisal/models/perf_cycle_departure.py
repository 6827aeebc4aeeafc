from odoo import api, fields, models
from odoo.exceptions import ValidationError

KINDS = [("resigned", "Resigned (辞职)"), ("dismissed", "Dismissed (辞退)")]


class PerfCycleDeparture(models.Model):
    """Someone who left before the year-end bonus was paid out: a resignation forfeits the
    installments not yet paid, a dismissal keeps only the equally shared parts (001 篇1)."""

    _name = "perf.cycle.departure"
    _description = "Departure Before a Bonus Is Paid"
    _inherit = ["perf.cycle.fact.mixin"]
    _order = "cycle_id, date, id"
    _perf_editable_fields = frozenset({"employee_id", "date", "kind", "before_installment"})

    employee_id = fields.Many2one("hr.employee", required=True)
    date = fields.Date(required=True)
    kind = fields.Selection(KINDS, required=True)
    before_installment = fields.Integer(help="Resigned before this installment (1–4): it and the later ones are "
                                              "forfeited.")

    _sql_constraints = [("cycle_employee_uniq", "unique(cycle_id, employee_id)", "One departure per person and cycle.")]

    @api.constrains("kind", "before_installment", "cycle_id")
    def _check_installment(self):
        for departure in self:
            pools = departure.cycle_id.scheme_id._perfcore_scheme().pay
            count = pools.year_end_pools.installments if pools and pools.year_end_pools else 1
            if departure.kind == "resigned" and not 1 <= departure.before_installment <= count:
                raise ValidationError(self.env._("A resignation names the installment it came before (1–%s).", count))
