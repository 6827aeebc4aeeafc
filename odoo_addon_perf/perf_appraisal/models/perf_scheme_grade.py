from odoo import api, fields, models


class PerfSchemeGrade(models.Model):
    """A grade of a scheme (优秀, 良好 …): a band from its lowest total, or a condition, with its
    quota under forced distribution; people read and choose grades by their labels."""

    _name = "perf.scheme.grade"
    _description = "Scheme Grade"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, sequence, id"
    _rec_names_search = ["label", "code"]

    code = fields.Char(required=True, index=True)
    label = fields.Char()
    minimum = fields.Char(help="Lowest total of the band (inclusive).")
    condition = fields.Char(help="The formula that gives this grade, for grades by condition.")
    quota = fields.Char(help="Share of the group this grade may take (forced distribution), in percent.")

    @api.depends("label", "code")
    def _compute_display_name(self):
        for grade in self:
            grade.display_name = grade.label or grade.code
