from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PerfSchemeRater(models.Model):
    """A rater role (上级, 同事, 护理部 …) of a scheme or of one indicator, with its weight."""

    _name = "perf.scheme.rater"
    _description = "Scheme Rater Role"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, indicator_id, sequence, id"

    indicator_id = fields.Many2one("perf.scheme.indicator", ondelete="cascade", index=True,
                                   help="Empty: a rater of every indicator without its own.")
    code = fields.Char(required=True)
    name = fields.Char()
    weight = fields.Char(default="100", help="Percent (the roles of an indicator sum to 100) or a formula.")
    required = fields.Boolean()
    pool_roles = fields.Char(string="Pool", help="Codes of the roles whose raters are drawn from this one (peers), comma-separated.")
    pool_names_yaml = fields.Text(string="Pool Names", help="The pool members' names, as YAML: finance: 财务部")
    max_valid = fields.Char(string="Max Valid Score")
    replace_with = fields.Char(help="Role whose score stands in when this one is missing.")
    replace_offset = fields.Char()
    replace_flag = fields.Char()

    @api.constrains("scheme_id", "indicator_id")
    def _check_same_scheme(self):
        for rater in self:
            if rater.indicator_id and rater.indicator_id.scheme_id != rater.scheme_id:
                raise ValidationError(self.env._("A rater role of an indicator belongs to its scheme (%s).", rater.code))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("scheme_id") and vals.get("indicator_id"):
                vals["scheme_id"] = self.env["perf.scheme.indicator"].browse(vals["indicator_id"]).scheme_id.id
        return super().create(vals_list)
