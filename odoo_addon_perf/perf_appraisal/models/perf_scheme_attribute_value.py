from odoo import api, fields, models


class PerfSchemeAttributeValue(models.Model):
    """One allowed value of a scheme attribute, with what people read for it (护师 for senior_nurse)."""

    _name = "perf.scheme.attribute.value"
    _description = "Scheme Attribute Value"
    _inherit = ["perf.workflow.mixin", "perf.scheme.design.mixin"]
    _order = "attribute_id, sequence, id"
    _rec_names_search = ["label", "code"]

    attribute_id = fields.Many2one("perf.scheme.attribute", required=True, ondelete="cascade", index=True)
    attribute_code = fields.Char(related="attribute_id.code", store=True, index=True)
    company_id = fields.Many2one(related="attribute_id.company_id", store=True, index=True)
    sequence = fields.Integer()
    code = fields.Char(required=True)
    label = fields.Char()

    def _design_schemes(self):
        return self.sudo().mapped("attribute_id.scheme_id").with_env(self.env)

    @api.depends("label", "code")
    def _compute_display_name(self):
        for value in self:
            value.display_name = value.label or value.code  # 护师, as people read it (the code is the data)
