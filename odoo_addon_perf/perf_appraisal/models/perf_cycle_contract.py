from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PerfCycleContract(models.Model):
    """A hospital contract signed in the year (签约医院合同), by class: the contract pool of the
    year-end bonus counts them (001 篇1: A/B/C 类)."""

    _name = "perf.cycle.contract"
    _description = "Contract Signed in a Cycle"
    _inherit = ["perf.cycle.fact.mixin"]
    _order = "cycle_id, date, id"
    _perf_editable_fields = frozenset({"date", "name", "contract_class", "employee_id", "department_id"})

    date = fields.Date()
    name = fields.Char(string="Hospital", required=True)
    contract_class = fields.Char(string="Class", required=True, help="A contract class of the scheme: A, B or C.")
    employee_id = fields.Many2one("hr.employee", string="Salesperson")
    department_id = fields.Many2one("hr.department")

    @api.constrains("contract_class", "cycle_id")
    def _check_class(self):
        for contract in self:
            pools = contract.cycle_id.scheme_id._perfcore_scheme().pay
            classes = list(pools.year_end_pools.contract_values) if pools and pools.year_end_pools else []
            if contract.contract_class not in classes:
                raise ValidationError(self.env._("%(klass)s is not a contract class of the scheme (classes: %(known)s).",
                                                 klass=contract.contract_class, known=", ".join(classes) or "-"))
