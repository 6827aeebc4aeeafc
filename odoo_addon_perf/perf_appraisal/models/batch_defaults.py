"""Defaults looked up once per batch: creating 300,000 score lines (or 20,000 publication
notices with their messages and notifications) asks a model's ``default_get`` a few times, not
once per record. Installed on the workflow's models (perf_workflow_mixin.py) and on
``mail.mail``, ``mail.message`` and ``mail.notification`` (their files)."""

import contextvars
from contextlib import contextmanager

__all__ = ["batch_defaults", "memoized_defaults"]

_BATCH_DEFAULTS = contextvars.ContextVar("perf_batch_defaults", default=None)


@contextmanager
def batch_defaults():
    """Inside this block (and the workflow), a model's defaults for the same missing fields are
    looked up once: creating 300,000 score lines asks ``default_get`` a few times, not 300,000.
    Only for records whose defaults are constants (states, flags, the time), as the workflow's and
    the publication notices' are."""
    token = _BATCH_DEFAULTS.set({})
    try:
        yield
    finally:
        _BATCH_DEFAULTS.reset(token)


def memoized_defaults(records, values, complete):
    """``complete(values)`` (a model's ``_add_missing_default_values``), looked up once per model,
    user and set of given fields inside ``batch_defaults()``; else as usual."""
    memo = _BATCH_DEFAULTS.get()
    if memo is None:
        return complete(values)
    key = (records._name, records.env.uid, records.env.su, frozenset(values),
           repr(sorted((k, v) for k, v in records.env.context.items() if k.startswith("default_"))))
    added = memo.get(key)
    if added is None:
        added = memo[key] = {name: value for name, value in complete(values).items() if name not in values}
    return {**added, **values}
