import contextvars
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError

from .batch_defaults import memoized_defaults

OFFICER = "perf_appraisal.group_perf_officer"
MANAGER = "perf_appraisal.group_perf_manager"
ADMIN = "perf_appraisal.group_perf_admin"

_WORKFLOW = contextvars.ContextVar("perf_workflow", default=False)


@contextmanager
def context_flag(variable, value=True):
    """Inside this block, the context variable ``variable`` holds ``value``."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


def workflow():
    """Inside this block, workflow methods may write the fields that only they change.

    A Python context variable, not an Odoo context key: an RPC caller chooses the context it
    sends, but cannot set a variable of the server's Python code.
    """
    return context_flag(_WORKFLOW)


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
    #: Outside the workflow, the only fields a user may write (None: no list).  Everything else —
    #: computed and related fields included — is refused (a related field would write its target).
    _perf_editable_fields = None
    #: Records that mirror a scheme document (its grades, events, attributes, parameters): they are
    #: removed only when the document changes, never one by one.
    _perf_mirror_of_scheme = False

    # -- who is calling --------------------------------------------------------------------------
    def _perf_has_group(self, xmlid):
        """Server code running as superuser passes; RPC callers never run as superuser."""
        return self.env.su or self.env.user.has_group(xmlid)

    def _perf_is_officer(self):
        return self._perf_has_group(OFFICER)

    def _perf_check_parent_writable(self, field, vals_list):
        """Before new child records are inserted: the caller may write their parents (``field``, a
        cycle or an appraisal) — its company and scope, not only a unique key refusing a duplicate."""
        if self.env.su or in_workflow():
            return
        comodel = self._fields[field].comodel_name
        self.env[comodel].browse({vals[field] for vals in vals_list if vals.get(field)}).check_access("write")

    def _perf_is_officer_of(self, company):
        """HR of ``company`` (a record's company): an officer who belongs to it (分院's HR is not the
        main hospital's). No company: any officer."""
        return self._perf_is_officer() and (not company or company in self.env.user.company_ids)

    def _perf_is_manager(self):
        return self._perf_has_group(MANAGER)

    def _perf_today(self):
        """Today where the organisation is: the user's time zone, else the company's (its working
        hours', else its address's), else UTC.  A nurse who never chose a zone files her appeal on
        the day HR answers it from Beijing, not on the UTC day before."""
        company = self.env.company
        tz = (self.env.context.get("tz") or self.env.user.tz or company.resource_calendar_id.tz
              or company.partner_id.tz)
        return fields.Date.context_today(self.with_context(tz=tz))

    def _perf_adopt_attachments(self):
        """Evidence uploaded in the form before the record existed becomes the record's
        (``ir.attachment._perf_adopt``); for models with an ``attachment_ids`` field."""
        for record in self:
            record.attachment_ids._perf_adopt(record)

    def _perf_one(self):
        """The one record a method works on — a clean error for several or none (no ensure_one crash)."""
        if len(self) != 1:
            raise UserError(self.env._("This works on one record at a time (got %s).", len(self)))
        return self

    @staticmethod
    def _perf_text(env, value, what):
        """A reason or answer given to a workflow method: text, or a clean error."""
        if value in (None, False):
            return ""
        if not isinstance(value, str):
            raise UserError(env._("The %(what)s must be text, not %(value)r.", what=what, value=type(value).__name__))
        if len(value) > 10000:
            raise UserError(env._("The %s is longer than 10,000 characters.", what))
        return value.strip()

    def _perf_check_officer(self, action):
        if not self._perf_is_officer():
            raise AccessError(self.env._("Only HR (performance officers) may %(action)s.", action=action))

    @api.model
    def _add_missing_default_values(self, values):
        if not in_workflow():
            return super()._add_missing_default_values(values)
        return memoized_defaults(self, values, super()._add_missing_default_values)

    @api.ondelete(at_uninstall=False)
    def _unlink_mirror_only_with_its_document(self):
        if self._perf_mirror_of_scheme and not in_workflow():
            raise UserError(self.env._("%s follow the scheme document: change the scheme's source (in a new version "
                                       "once cycles use it) instead of deleting them.", self._description))

    # -- the guard ---------------------------------------------------------------------------------
    def _perf_refuse_workflow_fields(self, fnames):
        refused = sorted(set(fnames) & self._perf_workflow_fields)
        if refused and not in_workflow():
            labels = ", ".join(self._fields[name]._description_string(self.env) for name in refused)
            raise AccessError(self.env._(
                "%(fields)s of %(model)s change only through the workflow (its buttons), not by editing.",
                fields=labels, model=self._description))

    def _perf_refuse_uneditable(self, fnames):
        if self._perf_editable_fields is None or in_workflow() or self.env.su:
            return
        refused = sorted(set(fnames) - self._perf_editable_fields)
        if refused:
            raise AccessError(self.env._("%(fields)s of %(model)s cannot be edited.",
                                         fields=", ".join(refused), model=self._description))

    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow():
            # a caller's context may carry defaults (default_state=…): never for the workflow's fields
            context = self.env.context
            if any(key.startswith("default_") and key[8:] in self._perf_workflow_fields for key in context):
                self = self.with_env(self.env(context={
                    key: value for key, value in context.items()
                    if not (key.startswith("default_") and key[8:] in self._perf_workflow_fields)}))
            defaults = {}
            computed = {name for name, field in self._fields.items() if field.compute}
            for vals in vals_list:
                changed = []
                for name in set(vals) & (self._perf_workflow_fields | computed):
                    if name not in defaults:
                        defaults[name] = self.default_get([name]).get(name, False)
                    if vals[name] not in (False, None, "", [], defaults[name]):
                        changed.append(name)
                self._perf_refuse_workflow_fields(changed)
                self._perf_refuse_uneditable(set(changed) & computed)
        return super().create(vals_list)

    def write(self, vals):
        if not in_workflow():
            self._perf_refuse_workflow_fields(vals)
            self._perf_refuse_uneditable(vals)
        return super().write(vals)
