from odoo import api, fields, models


class PerfImprovementPlan(models.Model):
    _name = "perf.improvement.plan"
    _description = "Improvement Plan (IDP)"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(required=True)
    employee_id = fields.Many2one("hr.employee", required=True, index=True)
    user_id = fields.Many2one(related="employee_id.user_id", store=True)
    appraisal_id = fields.Many2one("perf.appraisal", index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    item_ids = fields.One2many("perf.improvement.plan.item", "plan_id", string="Items")
    employee_signed = fields.Boolean(tracking=True)
    manager_signed = fields.Boolean(tracking=True)
    state = fields.Selection([("draft", "Draft"), ("signed", "Signed by both")], compute="_compute_state", store=True)

    @api.depends("employee_signed", "manager_signed")
    def _compute_state(self):
        for plan in self:
            plan.state = "signed" if plan.employee_signed and plan.manager_signed else "draft"
