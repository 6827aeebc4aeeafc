from odoo import _, api, fields, models
from odoo.exceptions import UserError

PERF = "PERF"


class HrPayslip(models.Model):
    _inherit = "hr.payslip"

    perf_pay_ids = fields.One2many("perf.pay", "payslip_id", string="Performance Pay", readonly=True)
    perf_pay_count = fields.Integer(compute="_compute_perf_pay_count")

    @api.depends("perf_pay_ids")
    def _compute_perf_pay_count(self):
        for payslip in self:
            payslip.perf_pay_count = len(payslip.perf_pay_ids)

    @api.model
    def _perf_pays_for(self, employees, date_from, date_to):
        """Payable results whose pay date falls in the payslip period (monthly and quarterly alike)."""
        if not employees or not date_from or not date_to:
            return self.env["perf.pay"]
        return self.env["perf.pay"].sudo().search([
            ("employee_id", "in", employees.ids), ("state", "=", "to_pay"),
            ("pay_date", ">=", date_from), ("pay_date", "<=", date_to)])

    @api.model
    def get_inputs(self, contracts, date_from, date_to):
        """One PERF input per payslip: the sum of the employee's payable results of the period.

        Works on an empty recordset (OCA's batch wizard calls it that way)."""
        res = super().get_inputs(contracts, date_from, date_to)
        if not contracts:
            return res
        pays = self._perf_pays_for(contracts.employee_id, date_from, date_to)
        others = [line for line in res if line.get("code") != PERF]
        existing = next((line for line in res if line.get("code") == PERF), None)
        if not pays and existing is None:
            return res
        line = dict(existing or {"name": _("Performance Pay"), "code": PERF})
        line.update({"contract_id": contracts[0].id, "amount": sum(pays.mapped("amount")),
                     "perf_pay_ids": [fields.Command.set(pays.ids)]})
        return others + [line]

    def action_payslip_done(self):
        result = super().action_payslip_done()
        for payslip in self.filtered(lambda p: p.state == "done" and not p.credit_note):
            payslip._perf_link_paid()
        return result

    def _perf_link_paid(self):
        """Mark the results the PERF input carried as paid by this payslip, exactly once."""
        self.ensure_one()
        pays = self.input_line_ids.filtered(lambda i: i.code == PERF).perf_pay_ids.sudo()
        if not pays:
            return
        stale = pays.filtered(lambda p: p.state != "to_pay")
        if stale:
            raise UserError(_("%(slip)s: the performance pay of %(names)s is no longer payable (%(states)s); "
                              "recompute the payslip's inputs first.", slip=self.display_name,
                              names=", ".join(stale.mapped("name")), states=", ".join(set(stale.mapped("state")))))
        paid_lines = self.line_ids.filtered(lambda line: line.code == PERF)
        if not paid_lines:
            self.message_post(body=_("Performance pay was not paid: the salary structure has no PERF rule."))
            return
        if self.company_id.currency_id.compare_amounts(sum(paid_lines.mapped("total")), sum(pays.mapped("amount"))):
            raise UserError(_("%s: the PERF line does not match its performance pay results; recompute the payslip.",
                              self.display_name))
        pays.write({"state": "paid", "payslip_id": self.id})

    def action_payslip_cancel(self):
        result = super().action_payslip_cancel()
        # A cancelled payslip paid nothing: its results become payable again.
        self.perf_pay_ids.sudo().filtered(lambda p: p.state == "paid").write({"state": "to_pay", "payslip_id": False})
        return result

    def action_open_perf_pay(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Performance Pay"),
            "res_model": "perf.pay",
            "view_mode": "list,form",
            "domain": [("payslip_id", "=", self.id)],
        }
