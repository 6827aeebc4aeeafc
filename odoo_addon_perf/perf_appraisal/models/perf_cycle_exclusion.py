from odoo import fields, models


class PerfCycleExclusion(models.Model):
    _name = "perf.cycle.exclusion"
    _description = "Subject Not Appraised in a Cycle"
    _order = "cycle_id, id"

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    employee_id = fields.Many2one("hr.employee")
    department_id = fields.Many2one("hr.department")
    reason = fields.Char(required=True, help="perfcore's reason, e.g. probation or months_in_service 4 < 6.")
