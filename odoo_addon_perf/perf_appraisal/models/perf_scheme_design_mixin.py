from odoo import api, models

from .perf_workflow_mixin import in_workflow


class PerfSchemeDesignMixin(models.AbstractModel):
    """A line of the scheme designer (an indicator, a rater, a grade …): the perf admin edits it
    while no started cycle uses the scheme; every change is written into the scheme's perfcore
    document at once, checked by perfcore (a problem refuses the change)."""

    _name = "perf.scheme.design.mixin"
    _description = "Scheme Designer Line"

    def _design_schemes(self):
        return self.sudo().mapped("scheme_id").with_env(self.env)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if not in_workflow():
            records._design_changed()
        return records

    def write(self, vals):
        if in_workflow():
            return super().write(vals)
        self._design_schemes()._check_not_frozen()
        result = super().write(vals)
        self._design_changed()
        return result

    def unlink(self):
        if in_workflow():
            return super().unlink()
        schemes = self._design_schemes()
        schemes._check_not_frozen()
        result = super().unlink()
        if not self.env.context.get("perf_design_batch"):
            schemes.exists()._design_rebuild()
        return result

    def _design_changed(self):
        schemes = self._design_schemes()
        schemes._check_not_frozen()
        if not self.env.context.get("perf_design_batch"):
            schemes._design_rebuild()
