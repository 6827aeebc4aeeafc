from odoo import fields, models


class HrPayslipInput(models.Model):
    _inherit = "hr.payslip.input"

    perf_pay_ids = fields.Many2many(
        "perf.pay", string="Performance Pay Results", copy=False,
        help="The performance pay results this PERF input sums up.",
    )
