from odoo import fields, models


class HrDepartment(models.Model):
    _name = "hr.department"
    _inherit = ["hr.department", "perf.attribute.mixin"]

    perf_attribute_ids = fields.One2many(
        "perf.attribute", "department_id", string="Performance Attributes", groups="perf_appraisal.group_perf_officer"
    )
