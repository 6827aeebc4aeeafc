from odoo import fields, models


class PerfSchemeRule(models.Model):
    """A cross-period rule (连续两年不合格 …): raises a flag when past periods and this one match;
    it never changes the total."""

    _name = "perf.scheme.rule"
    _description = "Scheme Cross-Period Rule"
    _inherit = ["perf.workflow.mixin", "perf.scheme.line.mixin"]
    _order = "scheme_id, sequence, id"

    flag = fields.Char(required=True)
    window = fields.Selection([("rolling", "Rolling"), ("calendar_year", "Calendar year"),
                               ("consecutive", "Consecutive")], required=True, default="rolling")
    size = fields.Integer(default=1, help="Periods in the window (rolling, consecutive).")
    step = fields.Selection([("period", "Period"), ("year", "Year")], default="period")
    where = fields.Char(required=True, help="Formula over one period's record: total, grade, flags, rank.")
    at_least = fields.Integer(default=1)
    skip_flag = fields.Char(help="Periods carrying this flag are not counted.")
    only_in = fields.Char(help="Only in these periods (H2, 12 …), comma-separated.")
    reason = fields.Char()
