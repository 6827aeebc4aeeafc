from odoo import api, fields, models
from odoo.exceptions import AccessError

from .perf_workflow_mixin import real_user_is_hr


class HrDepartment(models.Model):
    _name = "hr.department"
    _inherit = ["hr.department", "perf.attribute.mixin", "perf.event.subject.mixin"]

    perf_attribute_ids = fields.One2many(
        "perf.attribute", "department_id", string="Performance Attributes", groups="perf_appraisal.group_perf_officer"
    )
    # Stored, so that the managers' record rules compare with the current data on every request
    # (a rule reading a computed list of departments is cached and kept stale access).
    perf_scope_user_ids = fields.Many2many(
        "res.users", "perf_department_scope_rel", "department_id", "user_id", string="Performance Scope",
        compute="_compute_perf_scope_user_ids", store=True, recursive=True, compute_sudo=True,
        groups="perf_appraisal.group_perf_officer",
        help="Users who manage this department or one above it: as managers they see its appraisals.",
    )

    @api.depends("manager_id.user_id", "parent_id.perf_scope_user_ids")
    def _compute_perf_scope_user_ids(self):
        for department in self:
            department.perf_scope_user_ids = department.manager_id.user_id | department.parent_id.perf_scope_user_ids

    def write(self, vals):
        # Odoo lets every internal user edit departments; who manages which department decides
        # whose appraisals a manager sees, so only HR changes it.
        if {"manager_id", "parent_id"} & set(vals) and not real_user_is_hr(self.env):
            raise AccessError(self.env._(
                "Only HR changes a department's manager or parent department: it decides who sees whose appraisals."))
        result = super().write(vals)
        if {"manager_id", "parent_id"} & set(vals):
            self._perf_flush_scope()
        return result

    def _perf_recordable_domain(self):
        """A unit: never one the user manages herself; a manager the units below her."""
        domain = ["|", ("manager_id", "=", False), ("manager_id.user_id", "!=", self.env.uid)]
        if not self._perf_is_event_officer():
            domain += [("id", "in", self._perf_scope_departments())]
        return domain

    def _perf_flush_scope(self):
        # Record rules read the stored scope in SQL: store the new scope now, not at the end of
        # the request (a search with it in its domain does not recompute it first).
        self.env["hr.department"].flush_model(["perf_scope_user_ids"])
