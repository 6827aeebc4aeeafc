from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .perf_workflow_mixin import in_workflow, workflow

DIRECTIONS = [("higher_better", "Higher is better"), ("lower_better", "Lower is better")]


class PerfKpi(models.Model):
    """One KPI of an appraisee's balanced scorecard (平衡计分卡): target and actual, agreed and signed
    by both the appraisee and the superior (or HR).  A signed card is locked."""

    _name = "perf.kpi"
    _description = "KPI Card Line"
    _inherit = ["perf.workflow.mixin"]
    _order = "appraisal_id, dimension, sequence, id"
    _perf_workflow_fields = frozenset({"employee_signed", "employee_signed_date", "manager_signed",
                                       "manager_signed_date"})
    _perf_editable_fields = frozenset({"sequence", "code", "name", "dimension", "target", "actual", "direction",
                                       "weight"})

    appraisal_id = fields.Many2one("perf.appraisal", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="appraisal_id.company_id", store=True, index=True)
    subject_name = fields.Char(related="appraisal_id.subject_name")
    sequence = fields.Integer()
    code = fields.Char(required=True, help="Short code of the KPI, unique on the card (sales, nps …).")
    name = fields.Char(string="KPI", required=True)
    dimension = fields.Char(required=True, help="A dimension of the scheme's card: financial, customer, process, learning.")
    target = fields.Float(digits=(16, 4), required=True)
    actual = fields.Float(digits=(16, 4))
    direction = fields.Selection(DIRECTIONS, required=True, default="higher_better")
    weight = fields.Float(digits=(16, 2), help="The KPI's weight on the card, in percent (as agreed).")
    employee_signed = fields.Boolean(readonly=True, copy=False)
    employee_signed_date = fields.Date(readonly=True, copy=False)
    manager_signed = fields.Boolean(readonly=True, copy=False)
    manager_signed_date = fields.Date(readonly=True, copy=False)

    _sql_constraints = [("appraisal_code_uniq", "unique(appraisal_id, code)", "A KPI code appears once on a card.")]

    @api.constrains("dimension", "appraisal_id")
    def _check_dimension(self):
        for kpi in self:
            card = kpi.appraisal_id.scheme_id._perfcore_scheme().kpi_card
            if card is None:
                raise ValidationError(self.env._("Scheme %s has no KPI card.", kpi.appraisal_id.scheme_id.code))
            if kpi.dimension not in card.dimensions:
                raise ValidationError(self.env._("%(dimension)s is not a dimension of the card (%(known)s).",
                                                 dimension=kpi.dimension, known=", ".join(card.dimensions)))

    @api.constrains("target", "actual", "weight")
    def _check_numbers(self):
        for kpi in self:
            for value in (kpi.target, kpi.actual, kpi.weight):
                if value != value or abs(value) >= 1e15:  # NaN or beyond perfcore's bounds
                    raise ValidationError(self.env._("KPI %s: numbers must be finite and within ±10^15.", kpi.name))

    def _check_may_edit(self):
        """The superior named on the appraisal, or HR, writes the card while it is unsigned and open."""
        if self.env.su:
            return
        officer = self._perf_is_officer()
        for kpi in self.sudo():
            appraisal = kpi.appraisal_id
            if appraisal.user_id == self.env.user:
                raise AccessError(self.env._("Nobody writes their own KPI card; you sign it."))
            if not officer and appraisal.superior_user_id != self.env.user:
                raise AccessError(self.env._("Only the superior (or HR) writes the KPI card of %s.",
                                             appraisal.subject_name))
            if kpi.employee_signed and kpi.manager_signed:
                raise UserError(self.env._("The KPI %s is signed by both sides and locked.", kpi.name))
            if appraisal.state not in ("running", "rating", "calibration"):
                raise UserError(self.env._("The KPI card of %s is fixed: the appraisal went to approval.",
                                           appraisal.subject_name))

    def _check_vals(self, vals):
        for name in ("target", "actual", "weight"):
            value = vals.get(name)
            if value in (None, False):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValidationError(self.env._("The %(field)s of a KPI is a number, not %(value)s.",
                                                 field=name, value=type(value).__name__))
            if not (-1e15 < value < 1e15):  # also NaN, which compares false
                raise ValidationError(self.env._("The %s of a KPI must be finite and within ±10^15.", name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_vals(vals)
        kpis = super().create(vals_list)
        if not in_workflow():
            kpis._check_may_edit()
            kpis.appraisal_id._mark_inputs_changed()
        return kpis

    def write(self, vals):
        if in_workflow():
            return super().write(vals)
        self._check_vals(vals)
        self._check_may_edit()
        self._perf_refuse_workflow_fields(vals)
        unsign = {"employee_signed": False, "employee_signed_date": False, "manager_signed": False,
                  "manager_signed_date": False}
        result = super().write(vals)
        with workflow():  # a changed line is signed again by both
            super().write(unsign)
        self.appraisal_id._mark_inputs_changed()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_while_unsigned(self):
        if not in_workflow():
            self._check_may_edit()
            self.appraisal_id._mark_inputs_changed()

    def action_sign(self):
        """Sign your side of these KPIs: the appraisee theirs, the superior (or HR) the other."""
        today = self._perf_today()
        self.check_access("read")  # the caller's companies and scope, before sudo()
        for kpi in self.sudo():
            appraisal = kpi.appraisal_id
            if appraisal.user_id == self.env.user:
                values = {"employee_signed": True, "employee_signed_date": today}
            elif appraisal.superior_user_id == self.env.user or self._perf_is_officer_of(kpi.company_id):
                values = {"manager_signed": True, "manager_signed_date": today}
            else:
                raise AccessError(self.env._("Only %s or the superior signs this KPI card.", appraisal.subject_name))
            with workflow():
                kpi.write(values)
        return True
