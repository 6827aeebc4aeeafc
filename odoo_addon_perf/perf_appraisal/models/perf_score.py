from odoo import api, fields, models
from odoo.exceptions import UserError


class PerfScore(models.Model):
    _name = "perf.score"
    _description = "Appraisal Score"
    _order = "appraisal_id, sequence, code, rater_role, id"

    appraisal_id = fields.Many2one("perf.appraisal", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="appraisal_id.company_id", store=True, index=True)
    state = fields.Selection(related="appraisal_id.state")
    subject_name = fields.Char(related="appraisal_id.subject_name")
    sequence = fields.Integer()
    code = fields.Char(required=True, help="Indicator or input code of the scheme.")
    name = fields.Char(string="Indicator")
    rater_role = fields.Char(help="Rater role code (self, superior, peer …); empty for plain inputs.")
    rater_user_id = fields.Many2one("res.users", string="Rater", index=True)
    value = fields.Float(digits=(16, 4))
    rated = fields.Boolean(readonly=True, help="Set once a value is entered; unrated lines are not sent.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "value" in vals:
                vals.setdefault("rated", True)
        return super().create(vals_list)

    def write(self, vals):
        if "value" in vals:
            if any(s.state in ("approval", "published", "closed") and not s.appraisal_id.reopened for s in self):
                raise UserError(self.env._("Scores are frozen once the appraisal goes to approval."))
            vals = {**vals, "rated": True}
        return super().write(vals)
