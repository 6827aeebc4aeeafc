from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PerfImprovementPlanItem(models.Model):
    _name = "perf.improvement.plan.item"
    _description = "Improvement Plan Item"
    _inherit = ["perf.workflow.mixin"]
    _order = "plan_id, sequence, id"
    _perf_editable_fields = frozenset({"sequence", "goal", "measures", "resources", "review_date"})

    plan_id = fields.Many2one("perf.improvement.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sequence = fields.Integer()
    goal = fields.Char(required=True)
    measures = fields.Text()
    resources = fields.Text()
    review_date = fields.Date(required=True)

    @api.constrains("review_date")
    def _check_review_date(self):
        # a plan looks half a year or a year ahead (003: 短短半年或一年时间), and its progress is
        # reviewed as it goes (持续的沟通): a review any day from the plan to a year after it
        for item in self:
            start = item.plan_id.date
            if not (start <= item.review_date <= start + relativedelta(months=12)):
                raise ValidationError(self.env._("The review date of “%(goal)s” must lie within a year of the plan "
                                                 "(%(start)s – %(end)s).", goal=item.goal, start=start,
                                                 end=start + relativedelta(months=12)))

    # Items follow their plan: written by who writes the plan, while it is unsigned.
    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items.plan_id._check_may_write()
        return items

    def write(self, vals):
        self.plan_id._check_may_write()
        result = super().write(vals)
        self.plan_id._check_may_write()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_with_the_plan(self):
        self.plan_id._check_may_write()
