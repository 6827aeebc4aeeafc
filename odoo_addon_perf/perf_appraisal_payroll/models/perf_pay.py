from odoo import fields, models


class PerfPay(models.Model):
    _inherit = "perf.pay"

    payslip_id = fields.Many2one("hr.payslip", readonly=True, copy=False, index=True,
                                 help="The confirmed payslip that paid this result.")
