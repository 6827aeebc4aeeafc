from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    perf_managed_department_ids = fields.Many2many(
        "hr.department", compute="_compute_perf_managed_department_ids",
        help="Departments this user manages, with their sub-departments (used by record rules).",
    )

    def _compute_perf_managed_department_ids(self):
        Department = self.env["hr.department"].sudo().with_context(active_test=False)
        for user in self:
            managed = Department.search([("manager_id.user_id", "=", user.id)])
            user.perf_managed_department_ids = Department.search([("id", "child_of", managed.ids)]) if managed else False
