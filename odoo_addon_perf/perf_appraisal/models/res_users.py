from odoo import Command, api, models

from .wages import CONTRACT_READERS


class ResUsers(models.Model):
    """Installing an app must not hand every employee the wages. With Odoo's "Default Access
    Rights" on (a new database's setting), the rights an app adds to the default user template are
    given to every existing internal user — OCA payroll adds Payroll Manager, which reads every
    contract and payslip: after installing the payroll bridge each nurse would read her ward's
    wages. Rights that read contracts are given to the template only; HR grants them by name."""

    _inherit = "res.users"

    def _apply_groups_to_existing_employees(self):
        return not self.env.context.get("perf_propagating") and super()._apply_groups_to_existing_employees()

    def write(self, vals):
        if "groups_id" not in vals or not self._apply_groups_to_existing_employees():
            return super().write(vals)
        before = self._default_groups()
        result = super(ResUsers, self.with_context(perf_propagating=True)).write(vals)
        added = self._default_groups() - before
        if added:
            self._perf_give_template_rights(added)
        return result

    @api.model
    def _perf_give_template_rights(self, groups):
        """Odoo's propagation of ``groups`` to the existing internal users, but for those that read
        contracts (they stay on the template)."""
        readers = self.env.ref(CONTRACT_READERS, raise_if_not_found=False)
        given = groups.filtered(lambda g: not readers or readers not in (g | g.trans_implied_ids))
        if given:
            internal = self.env.ref("base.group_user").users - self
            internal.write({"groups_id": [Command.link(group.id) for group in given]})
