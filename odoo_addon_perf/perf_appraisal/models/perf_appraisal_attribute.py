from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .wages import CONFIDENTIAL_ATTRIBUTES, CONTRACT_READERS
from .perf_score import set_appraisal_scope
from .perf_workflow_mixin import in_workflow, workflow



class PerfAppraisalAttribute(models.Model):
    """A snapshot of one attribute of the subject, taken when the cycle starts; HR may override it
    for this cycle.  Wage snapshots are confidential: readable only by users who read contracts."""

    _name = "perf.appraisal.attribute"
    _description = "Appraisal Attribute"
    _inherit = ["perf.workflow.mixin", "perf.attribute.value.mixin"]
    _order = "appraisal_id, code"
    _perf_workflow_fields = frozenset({"appraisal_id", "code", "confidential", "company_id"})
    _perf_editable_fields = frozenset({"value", "option_id", "bool_value", "number_value"})

    appraisal_id = fields.Many2one("perf.appraisal", required=True, ondelete="cascade", index=True)
    # the appraisal's, set at creation (see perf.score): a column of the INSERT, no UPDATE after it
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    code = fields.Char(required=True)
    value = fields.Char()
    confidential = fields.Boolean(readonly=True, help="Read from a contract (a wage).")
    name = fields.Char(string="Attribute", compute="_compute_name", help="The attribute as the scheme names it.")

    _sql_constraints = [("appraisal_code_uniq", "unique(appraisal_id, code)", "One value per attribute and appraisal.")]

    @api.depends("code", "appraisal_id.scheme_id")
    def _compute_name(self):
        for line in self:
            line.name = line._perf_definitions()[:1].name or line.code

    def _perf_definitions(self):
        return self.env["perf.scheme.attribute"].sudo().search(
            [("code", "=", self.code), ("scheme_id", "=", self.sudo().appraisal_id.scheme_id.id)])

    def _check_value(self):
        for line in self.sudo():
            if not line._perf_definitions():
                raise ValidationError(self.env._("%(code)s is not an attribute of scheme %(scheme)s.", code=line.code,
                                                 scheme=line.appraisal_id.scheme_id.code))
            line._perf_check_typed()

    def _check_contract_reader(self):
        """Wages are entered (and read) by those who may read contracts only."""
        if not (self.env.su or self.env.user.has_group(CONTRACT_READERS)):
            raise AccessError(self.env._("Wages are entered by users who may read contracts."))

    def _check_editable(self):
        if self.env.su:
            return
        self._perf_check_officer(self.env._("override an appraisal's attributes"))
        if any(line.sudo().confidential for line in self):
            self._check_contract_reader()
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
                if vals.get("code") in CONFIDENTIAL_ATTRIBUTES:
                    self._check_contract_reader()
                    vals["confidential"] = True  # a wage stays a wage, whoever enters it
        if checked:
            self._perf_check_parent_writable("appraisal_id", vals_list)
        set_appraisal_scope(self.env, vals_list, names=("company_id",))
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
