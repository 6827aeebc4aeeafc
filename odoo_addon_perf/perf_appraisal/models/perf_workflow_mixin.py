import contextvars
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError

OFFICER = "perf_appraisal.group_perf_officer"
MANAGER = "perf_appraisal.group_perf_manager"
ADMIN = "perf_appraisal.group_perf_admin"

_WORKFLOW = contextvars.ContextVar("perf_workflow", default=False)


@contextmanager
def workflow():
    """Inside this block, workflow methods may write the fields that only they change.

    A Python context variable, not an Odoo context key: an RPC caller chooses the context it
    sends, but cannot set a variable of the server's Python code.
    """
    token = _WORKFLOW.set(True)
    try:
        yield
    finally:
        _WORKFLOW.reset(token)


def in_workflow():
    return _WORKFLOW.get()


def real_user_is_hr(env):
    """The human behind the request is HR — also under sudo(), which keeps the real user."""
    return env.uid == SUPERUSER_ID or env.user.has_group("hr.group_hr_user") or env.user.has_group(OFFICER)


class PerfWorkflowMixin(models.AbstractModel):
    """Fields that only the workflow changes, and the group checks every public method makes.

    ``_perf_workflow_fields`` are refused to ``write()`` for every user, administrators included,
    and to ``create()`` unless they carry their default; workflow methods check the caller first,
    then write them inside :func:`workflow`.
    """

    _name = "perf.workflow.mixin"
    _description = "Performance: Fields Only the Workflow Writes"

    _perf_workflow_fields = frozenset()

    # -- who is calling --------------------------------------------------------------------------
    def _perf_has_group(self, xmlid):
        """Server code running as superuser passes; RPC callers never run as superuser."""
        return self.env.su or self.env.user.has_group(xmlid)

    def _perf_is_officer(self):
        return self._perf_has_group(OFFICER)

    def _perf_check_officer(self, action):
        if not self._perf_is_officer():
            raise AccessError(self.env._("Only HR (performance officers) may %(action)s.", action=action))

    # -- the guard ---------------------------------------------------------------------------------
    def _perf_refuse_workflow_fields(self, fnames):
        refused = sorted(set(fnames) & self._perf_workflow_fields)
        if refused and not in_workflow():
            labels = ", ".join(self._fields[name]._description_string(self.env) for name in refused)
            raise AccessError(self.env._(
                "%(fields)s of %(model)s change only through the workflow (its buttons), not by editing.",
                fields=labels, model=self._description))

    @api.model_create_multi
    def create(self, vals_list):
        if self._perf_workflow_fields and not in_workflow():
            defaults = {}
            for vals in vals_list:
                changed = []
                for name in set(vals) & self._perf_workflow_fields:
                    if name not in defaults:
                        defaults[name] = self.default_get([name]).get(name, False)
                    if vals[name] not in (False, None, "", [], defaults[name]):
                        changed.append(name)
                self._perf_refuse_workflow_fields(changed)
        return super().create(vals_list)

    def write(self, vals):
        self._perf_refuse_workflow_fields(vals)
        return super().write(vals)
