from odoo import fields, models


class PerfScoreLog(models.Model):
    """Every change of a score line: who, when, old → new value or rater.  Read by HR only — the
    appraisee never learns who rated what."""

    _name = "perf.score.log"
    _description = "Appraisal Score Change"
    _order = "create_date desc, id desc"

    score_id = fields.Many2one("perf.score", required=True, ondelete="cascade", index=True, readonly=True)
    appraisal_id = fields.Many2one(related="score_id.appraisal_id", store=True, index=True)
    cycle_id = fields.Many2one(related="score_id.appraisal_id.cycle_id", store=True)
    company_id = fields.Many2one(related="score_id.company_id", store=True, index=True)
    code = fields.Char(related="score_id.code")
    rater_role = fields.Char(related="score_id.rater_role")
    # what HR reads in the log: the line by the scheme's names (护理部专项 · 护理部), not its codes
    indicator_name = fields.Char(related="score_id.name", string="Indicator")
    rater_role_label = fields.Char(related="score_id.rater_role_label", string="Rater Role")
    subperiod = fields.Char(related="score_id.subperiod")
    user_id = fields.Many2one("res.users", string="Changed by", required=True, readonly=True)
    old_value = fields.Float(digits=(16, 4), readonly=True)
    new_value = fields.Float(digits=(16, 4), readonly=True)
    old_values = fields.Char(readonly=True, help="The numbers of a list input before the change.")
    new_values = fields.Char(readonly=True)
    old_rater_id = fields.Many2one("res.users", readonly=True)
    new_rater_id = fields.Many2one("res.users", readonly=True)
