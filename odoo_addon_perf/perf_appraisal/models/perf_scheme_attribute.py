import perfcore

from odoo import api, fields, models

ATTRIBUTE_TYPES = [("number", "Number"), ("text", "Text"), ("bool", "Yes / No"), ("list", "List")]


class PerfSchemeAttribute(models.Model):
    """An attribute a scheme reads (职称, 岗位, 奖金基数 …), with its type and allowed values; it types
    the attributes HR enters."""

    _name = "perf.scheme.attribute"
    _description = "Scheme Attribute"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, sequence, id"
    _rec_names_search = ["name", "code"]

    code = fields.Char(required=True, index=True)
    name = fields.Char()
    type = fields.Selection(ATTRIBUTE_TYPES, required=True, default="text")
    required = fields.Boolean()
    minimum = fields.Char(help="Lowest number allowed (exact decimal).")
    maximum = fields.Char(help="Highest number allowed (exact decimal).")
    default_value = fields.Char(string="Default")
    value_ids = fields.One2many("perf.scheme.attribute.value", "attribute_id", string="Allowed Values")

    def _check_value_text(self, text):
        """The reason ``text`` is no value of this attribute (perfcore's words), or None."""
        problems = perfcore.check_attribute(self.scheme_id._perfcore_scheme(), self.code, _typed(self.type, text))
        return problems[0].message if problems else None

    @api.depends("name", "code", "scheme_id.name")
    def _compute_display_name(self):
        for attribute in self:
            attribute.display_name = f"{attribute.name or attribute.code} · {attribute.scheme_id.name}"


def _typed(kind, text):
    """Attribute text as the type perfcore expects (numbers stay text: perfcore reads them exactly)."""
    if kind == "bool":
        lowered = str(text).strip().lower()
        if lowered in ("1", "true", "yes", "y", "是"):
            return True
        return False if lowered in ("0", "false", "no", "n", "否") else str(text)  # perfcore names the bad text
    if kind == "list":
        return [v.strip() for v in str(text).replace("，", ",").split(",") if v.strip()]
    return str(text)
