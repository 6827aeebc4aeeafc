from odoo import api, fields, models


class PerfSchemeEvent(models.Model):
    """A 加减分 event type of a scheme (表扬 +10, 投诉 −10 …): fixed or ranged points, a veto, a
    fine or a pay percentage, with its caps; people record events by their names."""

    _name = "perf.scheme.event"
    _description = "Scheme Event Type"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, sequence, id"
    _rec_names_search = ["name", "code"]
    _perf_workflow_fields = frozenset({"points", "explicit_points"})

    code = fields.Char(required=True, index=True)
    name = fields.Char()
    kind = fields.Selection([("points", "Points"), ("veto", "Veto (一票否决)"), ("fine", "Fine"),
                             ("pay_percent", "Pay percentage"), ("count", "Count")], default="points")
    point_value = fields.Char(string="Points Each", help="Points per occurrence (−10, 5, a $parameter); empty: the "
                                                        "recorder gives them, within the range.")
    range_min = fields.Char(string="Range From")
    range_max = fields.Char(string="Range To")
    amount = fields.Char(help="Money per occurrence (fines).")
    percent = fields.Char(help="Percent of the pay (pay percentage events).")
    level = fields.Selection([("total", "Total"), ("indicator", "One indicator")], default="total")
    indicator_code = fields.Char(string="Indicator", help="The indicator's code, for events at indicator level.")
    cap = fields.Char(help="Most points (either sign) the event gives a person in a period.")
    max_count = fields.Integer(help="Most occurrences one entry may count; empty: the scheme's.")
    max_points = fields.Char(string="Max Points Each", help="Largest points of one free occurrence; empty: the "
                                                            "scheme's.")
    points = fields.Char(compute="_compute_points", store=True,
                         help="Points per occurrence, or the range a person gives (−5 … −2).")
    explicit_points = fields.Boolean(compute="_compute_points", store=True,
                                     help="The recorder gives the points (a ranged or free event).")
    note_required = fields.Boolean(string="Reason Required")
    scope = fields.Selection([("period", "Period"), ("subperiod", "Sub-period"), ("both", "Both")], default="period")

    @api.depends("kind", "point_value", "range_min", "range_max", "amount", "percent")
    def _compute_points(self):
        for event in self:
            event.explicit_points = event.kind == "points" and not event.point_value
            if event.point_value:
                event.points = event.point_value if event.point_value.startswith(("-", "$")) else "+" + event.point_value
            elif event.range_min or event.range_max:
                event.points = f"{event.range_min} … {event.range_max}"
            elif event.amount:
                event.points = f"¥{event.amount}"
            elif event.percent:
                event.points = f"{event.percent}%"
            else:
                event.points = False

    @api.depends("name", "code", "points")
    def _compute_display_name(self):
        for event in self:
            event.display_name = f"{event.name or event.code} ({event.points})" if event.points else (event.name or event.code)
