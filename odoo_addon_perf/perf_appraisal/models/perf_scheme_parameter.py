from odoo import api, fields, models


class PerfSchemeParameter(models.Model):
    """A named value of a scheme (pass mark, points per failing case …): the designer sets its
    default, description and source; ``value`` overrides the default without a new document."""

    _name = "perf.scheme.parameter"
    _description = "Appraisal Scheme Parameter"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, sequence, id"

    scheme_frozen = fields.Boolean(related="scheme_id.frozen")
    name = fields.Char(required=True, string="Code")
    label = fields.Char(string="Name", help="What a reader calls it where a formula shows it (每例不合格扣分).")
    value = fields.Char(help="Overrides the default; checked by perfcore when saved.")
    default_value = fields.Char(string="Default", help="A number, true / false or a text.")
    assumption = fields.Boolean(string="Assumed",
                                help="A default fixed by the scheme catalogue where the source document is silent.")
    source = fields.Char(help="Where the value comes from in the source documents.")
    description = fields.Char()

    def write(self, vals):
        if "default_value" in vals and "value" not in vals:
            # a value that was the old default follows the new one (it was no override)
            following = self.filtered(lambda p: p.value in (False, p.default_value))
            if following and following != self:
                return super(PerfSchemeParameter, self - following).write(vals) and following.write(vals)
            if following:
                vals = {**vals, "value": vals["default_value"]}
        return super().write(vals)

    @api.constrains("value")
    def _check_value(self):
        # perfcore checks the edited value in context (type, ranges, formulas that use it).
        self.scheme_id._check_source_yaml()
