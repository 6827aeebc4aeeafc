from odoo import fields, models


class PerfAppraisalAttribute(models.Model):
    _name = "perf.appraisal.attribute"
    _description = "Appraisal Attribute"
    _order = "appraisal_id, code"

    appraisal_id = fields.Many2one("perf.appraisal", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="appraisal_id.company_id", store=True, index=True)
    code = fields.Char(required=True)
    value = fields.Char()
