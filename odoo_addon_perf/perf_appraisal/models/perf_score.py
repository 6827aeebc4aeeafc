import math

import perfcore

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_repr

from .perf_workflow_mixin import in_workflow, workflow

# States in which scores are entered; calibration may still correct them (the results then
# have to be computed again before they are sent for approval).
RATING_STATES = ("running", "rating", "calibration")


class PerfScore(models.Model):
    _name = "perf.score"
    _description = "Appraisal Score"
    _inherit = ["perf.workflow.mixin"]
    _order = "appraisal_id, sequence, code, rater_role, id"
    # the structure of a line is set when the cycle starts; its value is its rater's
    _perf_workflow_fields = frozenset({"appraisal_id", "code", "name", "rater_role", "sequence", "rated"})

    appraisal_id = fields.Many2one("perf.appraisal", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="appraisal_id.company_id", store=True, index=True)
    state = fields.Selection(related="appraisal_id.state")
    subject_name = fields.Char(related="appraisal_id.subject_name")
    sequence = fields.Integer()
    code = fields.Char(required=True, help="Indicator or input code of the scheme.")
    name = fields.Char(string="Indicator")
    rater_role = fields.Char(help="Rater role code (self, superior, peer …); empty for plain inputs.")
    rater_user_id = fields.Many2one("res.users", string="Rater", index=True)
    value = fields.Float(digits=(16, 4), copy=False)
    rated = fields.Boolean(readonly=True, copy=False, help="Set once a value is entered; unrated lines are not sent.")

    # -- who may enter what -------------------------------------------------------------------------
    def _check_may_rate(self):
        """The line's rater enters it; a line without a rater is HR's (or its role owner's, who is
        then its rater).  Nobody rates their own appraisal except its self lines."""
        if self.env.su:
            return
        user = self.env.user
        officer = self._perf_is_officer()
        for line in self:
            appraisee = line.appraisal_id.sudo().user_id
            if line.rater_role != "self" and appraisee and appraisee == user:
                raise AccessError(self.env._("Nobody rates their own appraisal: %(line)s of %(name)s is not yours.",
                                             line=line.name or line.code, name=line.subject_name))
            if line.rater_user_id == user:
                continue
            if not line.rater_user_id and officer:
                continue
            raise AccessError(self.env._("%(line)s of %(name)s is rated by %(rater)s, not by you.",
                                         line=line.name or line.code, name=line.subject_name,
                                         rater=line.rater_user_id.sudo().name or self.env._("HR")))

    def _check_state(self):
        for line in self.sudo():  # a rater may not read the appraisal itself
            if line.appraisal_id.state not in RATING_STATES:
                raise UserError(self.env._("Scores of %s are frozen: the appraisal went to approval.", line.subject_name))

    def _check_values(self, value):
        """The scale is checked at entry, by perfcore, naming the indicator and its scale."""
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValidationError(self.env._("A score is a number, not %r.", value))
        if not math.isfinite(value):
            raise ValidationError(self.env._("A score must be a finite number, not %s.", value))
        text = float_repr(value, 4)
        for line in self.sudo():
            scheme = line.appraisal_id.scheme_id._perfcore_scheme()
            indicator = scheme.indicator(line.code)
            rater = line.rater_role if line.rater_role and indicator and scheme.raters_of(indicator) else None
            problems = perfcore.check_score(scheme, line.code, text, rater)
            if problems:
                raise ValidationError(self.env._("%(line)s of %(name)s: %(problem)s (got %(value)s).",
                                                 line=line.name or line.code, name=line.subject_name,
                                                 problem=problems[0].message, value=text))

    def _check_rater(self, user_id):
        for line in self:
            appraisee = line.appraisal_id.sudo().user_id
            if user_id and line.rater_role != "self" and appraisee.id == user_id:
                raise ValidationError(self.env._("%s cannot rate their own appraisal.", appraisee.name))
            if user_id and line.rater_role == "self" and appraisee.id != user_id:
                raise ValidationError(self.env._("A self-assessment line is rated by the appraisee only."))
            if line.rated and line.rater_user_id.id != user_id:
                raise UserError(self.env._("%s is already rated; its rater stays.", line.name or line.code))

    # -- CRUD ---------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # HR adds lines (a second peer, say); their values are entered by their raters afterwards.
        if not in_workflow() and not self.env.su:
            self._perf_check_officer(self.env._("add score lines"))
            for vals in vals_list:
                if vals.get("value") or vals.get("rated"):
                    raise AccessError(self.env._("A new score line starts empty; its rater enters the value."))
        for vals in vals_list:
            if "value" in vals:
                vals.setdefault("rated", True)
        checked = not in_workflow()
        with workflow():  # the caller was checked above; the line's structure is checked below
            lines = super().create(vals_list)
        if checked:
            lines._check_state()
            lines._check_structure()
            for line in lines:
                line._check_rater(line.rater_user_id.id)
        return lines

    def _check_structure(self):
        for line in self.sudo():
            scheme = line.appraisal_id.scheme_id._perfcore_scheme()
            indicator = scheme.indicator(line.code)
            if indicator is None and line.code not in {i.code for i in scheme.inputs}:
                raise ValidationError(self.env._("%(code)s is not an indicator or input of scheme %(scheme)s.",
                                                 code=line.code, scheme=scheme.id))
            roles = scheme.raters_of(indicator) if indicator else []
            allowed = {r.code for r in roles} | {m for r in roles for m in r.pool}
            if (line.rater_role or None) not in (allowed or {None}):
                raise ValidationError(self.env._("%(role)s is not a rater of %(code)s (raters: %(roles)s).",
                                                 role=line.rater_role or "-", code=line.code,
                                                 roles=", ".join(sorted(allowed)) or "-"))

    def write(self, vals):
        if in_workflow():
            return super().write(vals)
        self._perf_refuse_workflow_fields(vals)
        unknown = set(vals) - {"value", "rater_user_id"}
        if unknown:
            raise AccessError(self.env._("%(fields)s of a score line cannot be edited.", fields=", ".join(sorted(unknown))))
        self._check_state()
        if "rater_user_id" in vals:
            self._perf_check_officer(self.env._("assign raters"))
            self._check_rater(vals["rater_user_id"])
            self.env["perf.score.log"].sudo().create([
                {"score_id": line.id, "user_id": self.env.uid, "old_rater_id": line.rater_user_id.id,
                 "new_rater_id": vals["rater_user_id"] or False, "old_value": False, "new_value": False}
                for line in self if line.rater_user_id.id != vals["rater_user_id"]])
        if "value" not in vals:
            return super().write(vals)
        self._check_may_rate()
        self._check_values(vals["value"])
        old = {line.id: (line.value, line.rated) for line in self}
        with workflow():
            result = super().write({**vals, "rated": True})
        self._log_changes(old)
        self.sudo().appraisal_id._mark_inputs_changed()
        return result

    def _log_changes(self, old):
        """Who changed which score when, old → new (HR reads the log; raters stay anonymous to appraisees)."""
        changes = [{"score_id": line.id, "old_value": old[line.id][0] if old[line.id][1] else False,
                    "new_value": line.value, "user_id": self.env.uid}
                   for line in self if not old[line.id][1] or old[line.id][0] != line.value]
        self.env["perf.score.log"].sudo().create(changes)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unrated_by_hr(self):
        if in_workflow() or self.env.su:
            return
        self._perf_check_officer(self.env._("remove score lines"))
        for line in self:
            if line.rated or line.appraisal_id.state not in RATING_STATES:
                raise UserError(self.env._("%s is rated (or frozen) and stays.", line.name or line.code))
