from odoo import api, fields, models


class PerfCycleExclusion(models.Model):
    """Someone perfcore did not appraise when the cycle started, with its reason (written by the
    start only; read by HR, and by managers for their own departments)."""

    _name = "perf.cycle.exclusion"
    _description = "Subject Not Appraised in a Cycle"
    _inherit = ["perf.workflow.mixin"]
    _order = "cycle_id, id"
    _perf_workflow_fields = frozenset({"cycle_id", "employee_id", "department_id", "reason"})

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    employee_id = fields.Many2one("hr.employee")
    department_id = fields.Many2one("hr.department")
    scope_department_id = fields.Many2one(
        "hr.department", compute="_compute_scope_department_id", store=True, index=True,
        help="The unit, or the employee's department: managers of it (and above) see this line.")
    reason = fields.Char(required=True, help="perfcore's reason, e.g. probation or months_in_service 4 < 6.")

    @api.depends("department_id", "employee_id")
    def _compute_scope_department_id(self):
        for line in self:
            line.scope_department_id = line.department_id or line.employee_id.department_id
