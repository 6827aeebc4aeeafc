from odoo import models


class HrPayslipEmployees(models.TransientModel):
    _inherit = "hr.payslip.employees"

    def compute_sheet(self):
        """The batch's PERF inputs are added when its payslips are computed, all at once (see
        hr.payslip._perf_add_batch_inputs), not one query and one INSERT per payslip."""
        return super(HrPayslipEmployees, self.with_context(perf_pay_batch=True)).compute_sheet()
