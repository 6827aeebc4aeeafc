from odoo import api, fields, models


class PerfSchemeEvent(models.Model):
    """A 加减分 event type of a scheme (表扬 +10, 投诉 −10 …) — a read-only mirror of the scheme
    document, so that people record events by their names."""

    _name = "perf.scheme.event"
    _description = "Scheme Event Type"
    _inherit = ["perf.workflow.mixin"]
    _perf_mirror_of_scheme = True
    _order = "scheme_id, sequence, id"
    _rec_names_search = ["name", "code"]
    _perf_workflow_fields = frozenset({"scheme_id", "sequence", "code", "name", "kind", "points", "note_required",
                                       "scope", "explicit_points"})

    scheme_id = fields.Many2one("perf.scheme", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="scheme_id.company_id", store=True, index=True)
    sequence = fields.Integer()
    code = fields.Char(required=True, index=True)
    name = fields.Char()
    kind = fields.Selection([("points", "Points"), ("veto", "Veto (一票否决)"), ("fine", "Fine"),
                             ("pay_percent", "Pay percentage"), ("count", "Count")], default="points")
    points = fields.Char(help="Points per occurrence, or the range a person gives (−5 … −2).")
    explicit_points = fields.Boolean(help="The recorder gives the points (a ranged or free event).")
    note_required = fields.Boolean(string="Reason Required")
    scope = fields.Selection([("period", "Period"), ("subperiod", "Sub-period"), ("both", "Both")], default="period")

    @api.depends("name", "code", "points")
    def _compute_display_name(self):
        for event in self:
            event.display_name = f"{event.name or event.code} ({event.points})" if event.points else (event.name or event.code)
