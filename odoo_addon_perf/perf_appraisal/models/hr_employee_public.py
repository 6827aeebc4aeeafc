from odoo import models


class HrEmployeePublic(models.Model):
    """A manager without HR rights picks employees through this model: the same filter as HR's."""

    _name = "hr.employee.public"
    _inherit = ["hr.employee.public", "perf.event.person.mixin"]
