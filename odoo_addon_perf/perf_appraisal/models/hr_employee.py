from odoo import fields, models
from odoo.exceptions import AccessError

from .perf_workflow_mixin import real_user_is_hr

# Who appraises, confirms and approves whom follows these fields.
HR_ONLY_FIELDS = ("parent_id", "department_id", "user_id")


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "perf.attribute.mixin", "perf.event.person.mixin"]

    perf_attribute_ids = fields.One2many(
        "perf.attribute", "employee_id", string="Performance Attributes", groups="perf_appraisal.group_perf_officer"
    )
    perf_appraisal_ids = fields.One2many(
        "perf.appraisal", "employee_id", string="Appraisals", groups="perf_appraisal.group_perf_officer"
    )

    def write(self, vals):
        # With "employees edit their own data" on, Odoo writes an employee's manager and department
        # as superuser on their behalf; the real user is checked here.
        changed = [name for name in HR_ONLY_FIELDS if name in vals]
        if changed and not real_user_is_hr(self.env):
            raise AccessError(self.env._(
                "Only HR changes an employee's manager, department or user: they decide who appraises whom."))
        result = super().write(vals)
        if "user_id" in vals:
            self.env["hr.department"]._perf_flush_scope()
        return result
