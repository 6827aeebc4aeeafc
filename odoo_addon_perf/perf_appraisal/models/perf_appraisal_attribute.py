import perfcore

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .perf_workflow_mixin import in_workflow, workflow


class PerfAppraisalAttribute(models.Model):
    """A snapshot of one attribute of the subject, taken when the cycle starts; HR may override it
    for this cycle.  Wage snapshots are confidential: readable only by users who read contracts."""

    _name = "perf.appraisal.attribute"
    _description = "Appraisal Attribute"
    _inherit = ["perf.workflow.mixin"]
    _order = "appraisal_id, code"
    _perf_workflow_fields = frozenset({"appraisal_id", "code", "confidential"})

    appraisal_id = fields.Many2one("perf.appraisal", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="appraisal_id.company_id", store=True, index=True)
    code = fields.Char(required=True)
    value = fields.Char()
    confidential = fields.Boolean(readonly=True, help="Read from a contract (a wage).")

    def _check_value(self):
        for line in self.sudo():
            problems = perfcore.check_attribute(line.appraisal_id.scheme_id._perfcore_scheme(), line.code, line.value)
            if problems:
                raise ValidationError(self.env._("%(code)s of %(name)s: %(problem)s.", code=line.code,
                                                 name=line.appraisal_id.subject_name, problem=problems[0].message))

    def _check_editable(self):
        if self.env.su:
            return
        self._perf_check_officer(self.env._("override an appraisal's attributes"))
        for line in self:
            appraisal = line.appraisal_id.sudo()
            if appraisal.user_id == self.env.user:
                raise AccessError(self.env._("Nobody edits their own appraisal."))
            if appraisal.state not in ("running", "rating", "calibration"):
                raise UserError(self.env._("Attributes of %s are fixed: the appraisal went to approval.",
                                           appraisal.subject_name))

    @api.model_create_multi
    def create(self, vals_list):
        checked = not in_workflow()
        if checked:
            for vals in vals_list:
                if vals.get("confidential"):
                    raise AccessError(self.env._("Only the cycle's start marks an attribute confidential."))
        with workflow():  # appraisal and code are set once, here
            lines = super().create(vals_list)
        if checked:
            lines._check_editable()
            lines._check_value()
            lines.appraisal_id._mark_inputs_changed()
        return lines

    def write(self, vals):
        if in_workflow():
            return super().write(vals)
        self._perf_refuse_workflow_fields(vals)
        self._check_editable()
        result = super().write(vals)
        self._check_value()
        self.appraisal_id._mark_inputs_changed()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_by_hr_while_open(self):
        if not in_workflow():
            self._check_editable()
            self.appraisal_id._mark_inputs_changed()
