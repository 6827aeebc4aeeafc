from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from .perf_workflow_mixin import OFFICER, real_user_is_hr


class HrDepartment(models.Model):
    _name = "hr.department"
    _inherit = ["hr.department", "perf.attribute.mixin"]

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

    perf_event_recordable = fields.Boolean(
        compute="_compute_perf_event_recordable", search="_search_perf_event_recordable",
        help="You may record a 加减分 event for this unit: HR, or a manager above it — never about your own unit.")

    def _compute_perf_event_recordable(self):
        allowed = self.search([("id", "in", self.ids), ("perf_event_recordable", "=", True)])
        for department in self:
            department.perf_event_recordable = department in allowed

    def _search_perf_event_recordable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValueError(self.env._("Unsupported search on %(field)s: %(operator)s %(value)r",
                                        field="perf_event_recordable", operator=operator, value=value))
        uid = self.env.uid
        domain = ["|", ("manager_id", "=", False), ("manager_id.user_id", "!=", uid)]
        if not self.env.user.has_group(OFFICER):
            domain += [("id", "in", self.sudo()._search([("perf_scope_user_ids", "in", uid)]))]
        domain = expression.normalize_domain(domain)
        return domain if (operator == "=") == value else ["!", *domain]

    def _perf_flush_scope(self):
        # Record rules read the stored scope in SQL: store the new scope now, not at the end of
        # the request (a search with it in its domain does not recompute it first).
        self.env["hr.department"].flush_model(["perf_scope_user_ids"])
