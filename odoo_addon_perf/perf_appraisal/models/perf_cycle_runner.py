from perfcore.engine import collector_paused

from odoo import fields, models
from odoo.exceptions import UserError

from .perf_workflow_mixin import workflow

#: Appraisals a chunk holds at most (whole distribution groups: a group is never split).
CHUNK_SIZE = 1000


class PerfCycleRunner(models.AbstractModel):
    """How a cycle's long steps run: start, compute, calibrate and publish work on chunks of whole
    distribution groups, then finish once.  Here the whole cycle is one chunk, run in the request;
    perf_appraisal_queue splits a large cycle into chunks run as background jobs (OCA queue_job),
    across as many workers as the job runner has."""

    _name = "perf.cycle.runner"
    _description = "Performance: Cycle Steps in Chunks"

    step_running = fields.Selection(
        [("start", "Starting"), ("compute", "Computing"), ("calibrate", "Calibrating"), ("publish", "Publishing")],
        readonly=True, copy=False, help="A step running in the background: the cycle waits for it to finish.")
    step_error = fields.Text(readonly=True, copy=False, groups="perf_appraisal.group_perf_officer",
                             help="Why the last background step failed (HR's: it names people and their missing scores).")

    # -- chunks ---------------------------------------------------------------------------------------
    def _needs_whole_cycle(self):
        """Distribution, ranking or pay over everybody at once (or year-end pools): one chunk."""
        scheme = self.scheme_id._perfcore_scheme()
        if scheme.distribution and scheme.distribution.scope == "all":
            return True
        if scheme.ranking and scheme.ranking.scope == "all":
            return True
        pay = scheme.pay
        return bool(pay and (pay.year_end_pools or pay.basis == "relative" and scheme.ranking
                             or any(c.split and c.split.scope == "all" for c in pay.components)))

    def _chunk_size(self):
        return CHUNK_SIZE

    def _chunks(self, records, key, whole=None):
        """``records`` in chunks of whole groups (``key(record)``), each up to ``_chunk_size()``
        records (a group larger than that is a chunk of its own); one chunk when the scheme needs
        the whole cycle at once (``whole``: decided by the caller)."""
        if not records:
            return []
        size = self._chunk_size()
        if whole if whole is not None else self._needs_whole_cycle():
            return [records]
        groups = {}
        for record in records:
            groups.setdefault(key(record), []).append(record.id)
        chunks, current = [], []
        for ids in sorted(groups.values(), key=len, reverse=True):
            if current and len(current) + len(ids) > size:
                chunks.append(current)
                current = []
            current = current + ids
        if current:
            chunks.append(current)
        return [records.browse(ids) for ids in chunks]

    # -- running a step -------------------------------------------------------------------------------
    def _run_step(self, step, records, key, whole=None):
        """Run ``_<step>_chunk(ids)`` on ``records``, then ``_<step>_done()``.  In the request the
        records are one chunk (the ORM batches the work); perf_appraisal_queue splits them with
        ``_chunks(records, key, whole)`` into background jobs.  Returns whether the step finished
        (True) or was handed to the background (False)."""
        if records:
            self._run_chunk(step, records.ids)
        getattr(self, f"_{step}_done")()
        return True

    def _run_chunk(self, step, ids):
        """``_<step>_chunk(ids)`` with Python's cyclic garbage collector paused: a chunk makes
        millions of short-lived, acyclic objects (records, perfcore's steps, JSON), and each
        collection they trigger walks every live object of the worker again — seconds of a
        20,000-appraisal compute.  Reference counting frees them as usual; one collection after."""
        with collector_paused():
            getattr(self, f"_{step}_chunk")(ids)

    def _check_not_running(self):
        for cycle in self:
            if cycle.step_running:
                raise UserError(self.env._(
                    "%(cycle)s is busy: %(step)s runs in the background; wait for it to finish.", cycle=cycle.name,
                    step=cycle._step_label(cycle.step_running)))

    def _step_label(self, step):
        return dict(self._fields["step_running"]._description_selection(self.env)).get(step, step)

    def _step_failed(self, step, message):
        """A background step ended in an error: the cycle says why and is free again."""
        with workflow():
            self.sudo().write({"step_running": False, "step_error": message})
        self.sudo().message_post(body=self.env._("%(step)s stopped: %(error)s", step=self._step_label(step),
                                                 error=message))
