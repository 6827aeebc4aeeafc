import contextvars

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from .perf_workflow_mixin import context_flag, in_workflow

_DESIGN_BATCH = contextvars.ContextVar("perf_design_batch", default=False)

#: The fields that tie a line to its scheme: set at creation, never moved to another scheme.
OWNER_FIELDS = frozenset({"scheme_id", "attribute_id"})


def design_batch():
    """Inside this block, designer lines leave the scheme's document to be written once, at the
    end (the scheme's own create or write).  A Python context variable, not an Odoo context key:
    an RPC caller cannot set it."""
    return context_flag(_DESIGN_BATCH)


def in_design_batch():
    return _DESIGN_BATCH.get()


class PerfSchemeDesignMixin(models.AbstractModel):
    """A line of the scheme designer (an indicator, a rater, a grade …): the perf admin edits it
    while no started cycle uses the scheme; every change is written into the scheme's perfcore
    document at once, checked by perfcore (a problem refuses the change)."""

    _name = "perf.scheme.design.mixin"
    _description = "Scheme Designer Line"

    def _design_schemes(self):
        return self.sudo().mapped("scheme_id").with_env(self.env)

    def _design_check(self, schemes):
        """The user may write these schemes (company, rights) and they are not frozen."""
        schemes.check_access("write")
        schemes._check_not_frozen()

    def _design_refuse_derived(self, names):
        derived = sorted(name for name in names if self._fields[name].related or self._fields[name].compute)
        if derived:
            raise AccessError(self.env._("%(fields)s of %(model)s follow the scheme and cannot be set.",
                                         fields=", ".join(derived), model=self._description))

    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow():
            for vals in vals_list:
                self._design_refuse_derived([name for name, value in vals.items() if value])
        records = super().create(vals_list)
        if not in_workflow():
            records._design_changed()
        return records

    def write(self, vals):
        if in_workflow():
            return super().write(vals)
        if OWNER_FIELDS & set(vals):
            raise UserError(self.env._("A line of a scheme stays in its scheme: create it in the other one instead."))
        self._design_refuse_derived(vals)
        self._design_check(self._design_schemes())
        result = super().write(vals)
        self._design_changed()
        return result

    def unlink(self):
        if in_workflow():
            return super().unlink()
        schemes = self._design_schemes()
        self._design_check(schemes)
        result = super().unlink()
        if not in_design_batch():
            schemes.exists()._design_rebuild()
        return result

    def _design_changed(self):
        schemes = self._design_schemes()
        self._design_check(schemes)
        if not in_design_batch():
            schemes._design_rebuild()
