from odoo import api, fields, models
from odoo.exceptions import UserError

from .perf_workflow_mixin import in_workflow


class PerfSchemeParameter(models.Model):
    _name = "perf.scheme.parameter"
    _description = "Appraisal Scheme Parameter"
    _inherit = ["perf.workflow.mixin"]
    _perf_mirror_of_scheme = True
    _order = "scheme_id, sequence, id"
    # read from the scheme source when it is saved; only the value is the administrator's
    _perf_workflow_fields = frozenset({"scheme_id", "sequence", "name", "default_value", "assumption", "source",
                                       "description"})
    _perf_editable_fields = frozenset({"value"})

    scheme_id = fields.Many2one("perf.scheme", required=True, ondelete="cascade", index=True)
    scheme_frozen = fields.Boolean(related="scheme_id.frozen")
    company_id = fields.Many2one(related="scheme_id.company_id", store=True)
    sequence = fields.Integer()
    name = fields.Char(required=True, readonly=True)
    value = fields.Char(help="Editable; checked by perfcore when saved.")
    default_value = fields.Char(readonly=True)
    assumption = fields.Boolean(string="Assumption (A)", readonly=True,
                                help="A default fixed by the scheme catalogue where the source document is silent.")
    source = fields.Char(readonly=True, help="Where the value comes from in the source documents.")
    description = fields.Char(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow():
            raise UserError(self.env._("A scheme's parameters come from its document; edit their values."))
        return super().create(vals_list)

    def write(self, vals):
        if "value" in vals and not in_workflow():
            self.scheme_id._check_not_frozen()
        return super().write(vals)

    @api.constrains("value")
    def _check_value(self):
        # perfcore checks the edited value in context (type, ranges, formulas that use it).
        self.scheme_id._check_source_yaml()
