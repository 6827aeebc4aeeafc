from odoo import fields, models


class HrPayslipEmployees(models.TransientModel):
    _inherit = "hr.payslip.employees"

    def compute_sheet(self):
        """Read every payable performance result of the batch in one query, not one per payslip."""
        run = self.env["hr.payslip.run"].browse(self.env.context.get("active_id"))
        if not run or not self.employee_ids:
            return super().compute_sheet()
        amounts = self.env["hr.payslip"]._perf_pay_amounts(self.employee_ids, run.date_start, run.date_end)
        period = (fields.Date.to_string(run.date_start), fields.Date.to_string(run.date_end))
        return super(HrPayslipEmployees, self.with_context(perf_pay_prefetch={"period": period, "amounts": amounts})
                     ).compute_sheet()
