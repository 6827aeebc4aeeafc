import perfcore
from perfcore.decimals import fmt

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_repr

from .perf_scheme_attribute import ATTRIBUTE_TYPES, _typed


class PerfAttributeValueMixin(models.AbstractModel):
    """A typed attribute value: ``value`` is the text perfcore reads; people enter it as a choice
    among the scheme's values (with their labels), a yes/no, or a number — checked by perfcore
    when entered."""

    _name = "perf.attribute.value.mixin"
    _description = "Performance: Typed Attribute Value"

    value_type = fields.Selection(ATTRIBUTE_TYPES, compute="_compute_value_type")
    option_id = fields.Many2one("perf.scheme.attribute.value", string="Choice", compute="_compute_typed",
                                inverse="_inverse_option", domain="[('attribute_code', '=', code)]")
    bool_value = fields.Boolean(string="Yes", compute="_compute_typed", inverse="_inverse_bool")
    number_value = fields.Float(string="Number", digits=(16, 4), compute="_compute_typed", inverse="_inverse_number")
    value_label = fields.Char(string="Value", compute="_compute_typed")

    def _perf_definitions(self):
        """The scheme attributes this line's code means (its appraisal's scheme, or every scheme)."""
        return self.env["perf.scheme.attribute"].sudo().search([("code", "=", self.code)])

    @api.depends("code")
    def _compute_value_type(self):
        for line in self:
            line.value_type = line._perf_definitions()[:1].type or "text"

    @api.depends("code", "value")
    def _compute_typed(self):
        for line in self:
            definitions = line._perf_definitions()
            option = definitions.value_ids.filtered(lambda v, t=line.value: v.code == t)[:1]
            line.option_id = option
            line.bool_value = (line.value or "").strip().lower() in ("1", "true", "yes", "y", "是")
            try:
                line.number_value = float(perfcore.D(line.value)) if line.value else 0.0
            except (TypeError, ValueError):
                line.number_value = 0.0
            if line.value_type == "bool" and line.value:
                line.value_label = self.env._("Yes") if line.bool_value else self.env._("No")
            else:
                line.value_label = option.label or line.value

    def _inverse_option(self):
        for line in self:
            if line.option_id:
                line.value = line.option_id.code

    def _inverse_bool(self):
        for line in self:
            if line.value_type == "bool":
                line.value = "true" if line.bool_value else "false"

    def _inverse_number(self):
        for line in self:
            if line.value_type == "number":
                line.value = fmt(perfcore.D(float_repr(line.number_value, 4)))

    def _perf_check_typed(self, schemes=None):
        """perfcore checks the value against the scheme(s) declaring the code: it must fit one of them."""
        for line in self:
            if line.value in (False, None, ""):
                continue
            definitions = line._perf_definitions()
            if schemes is not None:
                definitions = definitions.filtered(lambda d, s=schemes: d.scheme_id in s)
            if not definitions:
                continue
            problems = []
            for scheme in definitions.scheme_id:
                definition = definitions.filtered(lambda d, s=scheme: d.scheme_id == s)[:1]
                typed = _typed(definition.type, line.value)
                found = perfcore.check_attribute(scheme._perfcore_scheme(), line.code, typed)
                if not found:
                    break
                problems.append((scheme, found[0]))
            else:
                scheme, problem = problems[0]
                raise ValidationError(self.env._("%(code)s = %(value)s: %(problem)s (scheme %(scheme)s).",
                                                 code=line.code, value=line.value, problem=problem.message,
                                                 scheme=scheme.name))
