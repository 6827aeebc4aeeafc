from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

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
    def _perf_pay_domain(self, employees, date_from, date_to):
        # Payable results whose pay date falls in the payslip period (monthly and quarterly alike).
        return [("employee_id", "in", employees.ids), ("state", "=", "to_pay"),
                ("pay_date", ">=", date_from), ("pay_date", "<=", date_to)]

    @api.model
    def _perf_pay_amounts(self, employees, date_from, date_to):
        """{employee id: payable amount} in one grouped query."""
        groups = self.env["perf.pay"].sudo()._read_group(
            self._perf_pay_domain(employees, date_from, date_to), ["employee_id"], ["amount:sum"])
        return {employee.id: amount for employee, amount in groups}

    @api.model
    def get_inputs(self, contracts, date_from, date_to):
        """One PERF input per payslip: the sum of the employee's payable results of the period.

        Works on an empty recordset (OCA's batch wizard calls it that way)."""
        # public (OCA's API): whoever calls it learns performance pay, so payroll users only
        if not (self.env.su or self.env.user.has_group("payroll.group_payroll_user")):
            raise AccessError(self.env._("Only payroll users read payslip inputs."))
        if not isinstance(contracts, models.BaseModel):  # ids and text dates, as JSON-RPC sends them
            contracts = self.env["hr.contract"].browse(contracts if isinstance(contracts, list) else [contracts])
        date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        res = super().get_inputs(contracts, date_from, date_to)
        if not contracts:
            return res
        employee = contracts.employee_id[:1]
        others = [line for line in res if line.get("code") != PERF]
        existing = next((line for line in res if line.get("code") == PERF), None)
        if self.env.context.get("perf_pay_batch") and existing is None:
            return res  # a batch: compute_sheet adds the PERF inputs of all its payslips at once
        amount = self._perf_pay_amounts(employee, date_from, date_to).get(employee.id, 0.0)
        if not amount and existing is None:
            return res
        line = dict(existing or {"name": self.env._("Performance Pay"), "code": PERF})
        line.update({"contract_id": contracts[0].id, "amount": amount})
        return others + [line]

    def compute_sheet(self):
        if self.env.context.get("perf_pay_batch"):
            self._perf_add_batch_inputs()
        return super().compute_sheet()

    def _perf_add_batch_inputs(self):
        """OCA's batch wizard creates its payslips one by one: their PERF inputs are added here at
        once, before the lines are computed — one grouped query per period for the amounts (read
        here, not trusted from the context) and one INSERT per 100 inputs, not one per payslip."""
        vals_list = []
        by_period = {}
        for payslip in self.filtered(lambda p: p.contract_id and not p.input_line_ids.filtered(lambda i: i.code == PERF)):
            by_period.setdefault((payslip.date_from, payslip.date_to), []).append(payslip.id)
        for (date_from, date_to), ids in by_period.items():
            payslips = self.browse(ids)
            amounts = self._perf_pay_amounts(payslips.employee_id, date_from, date_to)
            vals_list += [{"payslip_id": payslip.id, "name": self.env._("Performance Pay"), "code": PERF,
                           "contract_id": payslip.contract_id.id, "amount": amounts[payslip.employee_id.id]}
                          for payslip in payslips if amounts.get(payslip.employee_id.id)]
        if vals_list:
            self.env["hr.payslip.input"].create(vals_list)

    def action_payslip_done(self):
        result = super().action_payslip_done()
        for payslip in self.filtered(lambda p: p.state == "done" and not p.credit_note):
            payslip._perf_link_paid()
        return result

    def _perf_link_paid(self):
        """Mark the payable results of the period paid by this payslip — only if its PERF line pays exactly them."""
        self.ensure_one()
        if not self.input_line_ids.filtered(lambda i: i.code == PERF):
            return  # nothing was due when the inputs were fetched; results stay payable
        pays = self.env["perf.pay"].sudo().search(self._perf_pay_domain(self.employee_id, self.date_from, self.date_to))
        paid_lines = self.line_ids.filtered(lambda line: line.code == PERF)
        if not paid_lines:
            if pays:
                self.message_post(body=self.env._("Performance pay was not paid: the salary structure has no PERF rule."))
            return
        paid = sum(paid_lines.mapped("total"))
        if self.company_id.currency_id.compare_amounts(paid, sum(pays.mapped("amount"))):
            raise UserError(self.env._("%(slip)s pays %(paid)s of performance pay, but %(due)s is payable now (results paid, "
                                       "withheld or added since the inputs were fetched); recompute the payslip.",
                                       slip=self.display_name, paid=paid, due=sum(pays.mapped("amount"))))
        with workflow():
            pays.write({"state": "paid", "payslip_id": self.id})

    def action_payslip_cancel(self):
        result = super().action_payslip_cancel()
        # A cancelled payslip paid nothing: its results become payable again.
        with workflow():
            self.perf_pay_ids.sudo().filtered(lambda p: p.state == "paid").write({"state": "to_pay", "payslip_id": False})
        return result

    def action_open_perf_pay(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Performance Pay"),
            "res_model": "perf.pay",
            "view_mode": "list,form",
            "domain": [("payslip_id", "=", self.id)],
        }
