from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .perf_workflow_mixin import in_workflow, workflow


class PerfImprovementPlan(models.Model):
    """An improvement plan (IDP), written by the employee's manager or HR and signed by both sides:
    the employee signs the employee side, the manager (or HR) the manager side."""

    _name = "perf.improvement.plan"
    _description = "Improvement Plan (IDP)"
    _inherit = ["mail.thread", "perf.workflow.mixin"]
    _order = "date desc, id desc"
    _perf_workflow_fields = frozenset({"employee_signed", "manager_signed", "employee_signed_date",
                                       "manager_signed_date"})
    _perf_editable_fields = frozenset({"name", "date", "employee_id", "appraisal_id", "company_id", "item_ids"})

    name = fields.Char(required=True)
    employee_id = fields.Many2one("hr.employee", required=True, index=True)
    user_id = fields.Many2one(related="employee_id.user_id", store=True)
    department_id = fields.Many2one(related="employee_id.department_id", store=True, index=True)
    appraisal_id = fields.Many2one("perf.appraisal", index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date = fields.Date(required=True, default=lambda self: self._perf_today())
    item_ids = fields.One2many("perf.improvement.plan.item", "plan_id", string="Items")
    employee_signed = fields.Boolean(readonly=True, tracking=True, copy=False)
    employee_signed_date = fields.Date(readonly=True, copy=False)
    manager_signed = fields.Boolean(readonly=True, tracking=True, copy=False)
    manager_signed_date = fields.Date(readonly=True, copy=False)
    state = fields.Selection([("draft", "Draft"), ("signed", "Signed by both")], compute="_compute_state", store=True)

    @api.depends("employee_signed", "manager_signed")
    def _compute_state(self):
        for plan in self:
            plan.state = "signed" if plan.employee_signed and plan.manager_signed else "draft"

    @api.constrains("appraisal_id", "employee_id")
    def _check_appraisal(self):
        for plan in self:
            if plan.appraisal_id and plan.appraisal_id.employee_id != plan.employee_id:
                raise ValidationError(self.env._("The plan's appraisal must be one of %s.", plan.employee_id.name))

    def _check_may_write(self):
        """HR, or a manager of the employee's department — never about themselves — while unsigned."""
        if self.env.su:
            return
        for plan in self.sudo():
            if plan.user_id == self.env.user:
                raise AccessError(self.env._("Nobody writes their own improvement plan; it is signed on one side."))
            officer = self._perf_is_officer_of(plan.employee_id.company_id) and self._perf_is_officer_of(plan.company_id)
            if not officer and self.env.user not in plan.employee_id.department_id.perf_scope_user_ids:
                raise AccessError(self.env._("Only HR or a manager of %s writes their improvement plan.",
                                             plan.employee_id.name))
            if plan.employee_signed or plan.manager_signed:
                raise UserError(self.env._("A signed improvement plan is not changed."))

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        if not in_workflow():
            plans._check_may_write()
        return plans

    def write(self, vals):
        if not in_workflow():
            self._perf_refuse_workflow_fields(vals)
            self._check_may_write()
            if {"employee_id", "company_id"} & set(vals):
                self._perf_check_officer(self.env._("reassign an improvement plan"))
        result = super().write(vals)
        if not in_workflow():
            self._check_may_write()  # also for the new employee
        return result

    def action_sign(self):
        """Sign your side: the employee the employee side; the manager or HR the manager side."""
        today = self._perf_today()
        self.check_access("read")  # the caller's companies and scope, before sudo()
        for plan in self.sudo():
            if plan.user_id and plan.user_id == self.env.user:
                values = {"employee_signed": True, "employee_signed_date": today}
            elif self._perf_is_officer_of(plan.company_id) or self.env.user in plan.employee_id.department_id.perf_scope_user_ids:
                values = {"manager_signed": True, "manager_signed_date": today}
            else:
                raise AccessError(self.env._("Only %s or their manager signs this plan.", plan.employee_id.name))
            if not plan.item_ids:
                raise UserError(self.env._("A plan without items is not signed."))
            with workflow():
                plan.write(values)
        return True

    def _perf_private_user(self):
        return self.sudo().user_id
