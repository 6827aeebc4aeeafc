from odoo import api, fields, models
from odoo.exceptions import ValidationError

INDICATOR_SOURCES = [("given", "Given by raters"), ("items", "Sum / mean of its items"),
                     ("given_or_items", "Given, or from its items"), ("formula", "Formula"),
                     ("given_or_formula", "Given, or by formula"), ("full", "Starts full (deductions)"),
                     ("subperiod_mean", "Mean of the sub-periods")]
AGGREGATIONS = [("weighted", "Weighted"), ("mean", "Mean"), ("sum", "Sum")]


class PerfSchemeIndicator(models.Model):
    """An indicator of a scheme, a node of its indicator tree (考核指标: weight or points, scale,
    items, source, formula and, when it has its own, rater roles)."""

    _name = "perf.scheme.indicator"
    _description = "Scheme Indicator"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, parent_id, sequence, id"
    _rec_names_search = ["name", "code"]

    parent_id = fields.Many2one("perf.scheme.indicator", ondelete="cascade", index=True, string="Part Of")
    child_ids = fields.One2many("perf.scheme.indicator", "parent_id", string="Items")
    code = fields.Char(required=True, help="A code formulas use: lower-case letters, digits and _.")
    name = fields.Char()
    weight = fields.Char(help="Percent of its level (the weights of a level sum to 100), or a $parameter.")
    max_points = fields.Char(help="Points of the indicator when its level adds points up.")
    scale_min = fields.Char(string="Scale From")
    scale_max = fields.Char(string="Scale To")
    source = fields.Selection(INDICATOR_SOURCES, help="Where its score comes from; empty: given, or its items.")
    formula = fields.Char(help="perfcore formula over inputs, attributes and parameters.")
    clamp = fields.Boolean(help="Keep the formula's result inside the scale.")
    aggregation = fields.Selection(AGGREGATIONS, help="How its items make its score; empty: by weights or points.")
    own_raters = fields.Boolean(help="Rated by its own rater roles instead of the scheme's.")
    rater_ids = fields.One2many("perf.scheme.rater", "indicator_id", string="Rater Roles")
    worksheet_yaml = fields.Text(string="Work Sheet (YAML)", help="A rater's score from a work sheet (advanced).")
    path_name = fields.Char(compute="_compute_path_name", string="Indicator", recursive=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("scheme_id") and vals.get("parent_id"):
                vals["scheme_id"] = self.browse(vals["parent_id"]).scheme_id.id
        return super().create(vals_list)

    @api.constrains("scheme_id", "parent_id")
    def _check_same_scheme(self):
        if self._has_cycle():
            raise ValidationError(self.env._("An indicator cannot be an item of itself or of its own items."))
        for indicator in self:
            if indicator.parent_id and indicator.parent_id.scheme_id != indicator.scheme_id:
                raise ValidationError(self.env._("An indicator's items belong to its scheme (%s).", indicator.code))

    @api.depends("name", "code", "parent_id.path_name")
    def _compute_path_name(self):
        for indicator in self:
            own = indicator.name or indicator.code or ""
            indicator.path_name = f"{indicator.parent_id.path_name} / {own}" if indicator.parent_id else own

    @api.depends("path_name")
    def _compute_display_name(self):
        for indicator in self:
            indicator.display_name = indicator.path_name
