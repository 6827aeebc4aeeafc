from odoo import fields, models


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "perf.attribute.mixin"]

    perf_attribute_ids = fields.One2many(
        "perf.attribute", "employee_id", string="Performance Attributes", groups="perf_appraisal.group_perf_officer"
    )
    perf_appraisal_ids = fields.One2many(
        "perf.appraisal", "employee_id", string="Appraisals", groups="perf_appraisal.group_perf_officer"
    )
