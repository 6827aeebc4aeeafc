from odoo import fields, models

from .hr_employee import recordable_employees


class HrEmployeePublic(models.Model):
    """A manager without HR rights picks employees through this model: the same filter as HR's."""

    _name = "hr.employee.public"
    _inherit = "hr.employee.public"

    perf_event_recordable = fields.Boolean(
        compute="_compute_perf_event_recordable", search="_search_perf_event_recordable",
        help="You may record a 加减分 event about this employee.")

    def _compute_perf_event_recordable(self):
        allowed = self.search([("id", "in", self.ids), ("perf_event_recordable", "=", True)])
        for employee in self:
            employee.perf_event_recordable = employee in allowed

    def _search_perf_event_recordable(self, operator, value):
        return recordable_employees(self.env, operator, value)
