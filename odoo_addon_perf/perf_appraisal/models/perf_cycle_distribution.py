from odoo import fields, models


class PerfCycleDistribution(models.Model):
    """How a cycle's grades are spread per distribution group, against the quotas: written by the
    workflow when the cycle is computed and when HR calibrates a grade, read as a graph."""

    _name = "perf.cycle.distribution"
    _description = "Appraisal Cycle Distribution"
    _inherit = ["perf.workflow.mixin"]
    _order = "cycle_id, group_name, sequence"
    _perf_workflow_fields = frozenset({"cycle_id", "group_name", "grade_id", "sequence", "quota_count",
                                       "actual_count", "quota_percent"})

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    group_name = fields.Char(string="Group", help="The distribution group (ward, department …).")
    grade_id = fields.Many2one("perf.scheme.grade", ondelete="cascade")
    sequence = fields.Integer()
    quota_percent = fields.Float(string="Quota (%)", aggregator=False)
    quota_count = fields.Integer(string="Quota", help="Seats the quota gives this grade in the group (largest remainder).")
    actual_count = fields.Integer(string="Actual", help="Appraisals of the group with this final grade.")
