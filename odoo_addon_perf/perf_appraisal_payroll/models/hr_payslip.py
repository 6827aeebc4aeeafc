from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

from .hr_salary_rule_category import NET, PERF, net_terms


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
        problem = self._perf_net_problem(paid_lines)
        if problem:
            raise UserError(problem)
        paid = sum(paid_lines.mapped("total"))
        if self.company_id.currency_id.compare_amounts(paid, sum(pays.mapped("amount"))):
            raise UserError(self.env._("%(slip)s pays %(paid)s of performance pay, but %(due)s is payable now (results paid, "
                                       "withheld or added since the inputs were fetched); recompute the payslip.",
                                       slip=self.display_name, paid=paid, due=sum(pays.mapped("amount"))))
        with workflow():
            pays.write({"state": "paid", "payslip_id": self.id})

    def _perf_net_counts(self, perf_lines):
        """How often this payslip's NET rule adds up its PERF lines: through a term naming their
        category, a parent of it or the PERF rule (categories.ALW, rules.PERF), or else through a
        positive line that does (GROSS = BASIC + ALW; a deduction computed on the allowances, such
        as a tax, is not the pay counted again)."""
        net = self.line_ids.filtered(lambda line: line.code == NET)[:1]
        counted = set(perf_lines.category_id._perf_counted_codes()) | {PERF}
        terms = net_terms(net.salary_rule_id)
        direct = sum(1 for term in terms if term in counted)
        if direct:
            return direct
        return sum(1 for term in terms for line in self.line_ids
                   if (line.code == term or line.category_id.code == term) and line != net and line.total > 0
                   and counted & set(net_terms(line.salary_rule_id)))

    def _perf_net_problem(self, perf_lines):
        """Why NET does not hold the performance pay exactly once (nothing is paid that NET does not pay)."""
        net = self.line_ids.filtered(lambda line: line.code == NET)
        if not net:
            return self.env._("%(slip)s pays performance pay but has no net salary line (code NET): nothing is marked "
                              "paid. Add the NET rule to salary structure %(structure)s.",
                              slip=self.display_name, structure=self.struct_id.display_name)
        counts = self._perf_net_counts(perf_lines)
        if counts == 1:
            return None
        category = perf_lines.category_id[:1]
        if not counts:
            return self.env._("The net salary of %(slip)s does not include its performance pay (rule %(rule)s, "
                              "category %(category)s): nothing is marked paid. Set the parent of salary rule category "
                              "%(category)s to the allowances (ALW), or add categories.PERF to the NET rule's formula "
                              "(%(formula)s).", slip=self.display_name, rule=perf_lines.salary_rule_id[:1].display_name,
                              category=category.display_name, formula=net[:1].salary_rule_id.amount_python_compute or "")
        return self.env._("The net salary of %(slip)s counts its performance pay %(n)s times (category %(category)s "
                          "and its parents in the NET rule: %(formula)s): nothing is marked paid until it counts once.",
                          slip=self.display_name, n=counts, category=category.display_name,
                          formula=net[:1].salary_rule_id.amount_python_compute or "")

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
