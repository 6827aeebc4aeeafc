from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from .perf_workflow_mixin import OFFICER, real_user_is_hr

# Who appraises, confirms and approves whom follows these fields.
HR_ONLY_FIELDS = ("parent_id", "department_id", "user_id")


def recordable_employees(env, operator, value):
    """The domain of the employees the user may record a 加减分 event about (perf.event's create
    checks the same): HR any but herself; a manager those of the departments she manages or is above."""
    if operator not in ("=", "!=") or not isinstance(value, bool):
        raise ValueError(env._("Unsupported search on %(field)s: %(operator)s %(value)r",
                               field="perf_event_recordable", operator=operator, value=value))
    domain = [("user_id", "!=", env.uid)]
    if not env.user.has_group(OFFICER):
        scope = env["hr.department"].sudo()._search([("perf_scope_user_ids", "in", env.uid)])
        domain.append(("department_id", "in", scope))
    domain = expression.normalize_domain(domain)
    return domain if (operator == "=") == value else ["!", *domain]


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "perf.attribute.mixin"]

    perf_attribute_ids = fields.One2many(
        "perf.attribute", "employee_id", string="Performance Attributes", groups="perf_appraisal.group_perf_officer"
    )
    perf_appraisal_ids = fields.One2many(
        "perf.appraisal", "employee_id", string="Appraisals", groups="perf_appraisal.group_perf_officer"
    )

    perf_event_recordable = fields.Boolean(
        compute="_compute_perf_event_recordable", search="_search_perf_event_recordable",
        help="You may record a 加减分 event about this employee: HR, or a manager of her department or one "
             "above it — never about yourself.")

    def _compute_perf_event_recordable(self):
        allowed = self.search([("id", "in", self.ids), ("perf_event_recordable", "=", True)])
        for employee in self:
            employee.perf_event_recordable = employee in allowed

    def _search_perf_event_recordable(self, operator, value):
        return recordable_employees(self.env, operator, value)

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
