import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import config

from odoo.addons.perf_appraisal.models.perf_cycle import PerfCycle as BaseCycle
from odoo.addons.perf_appraisal.models.perf_workflow_mixin import OFFICER, workflow
from odoo.addons.queue_job.delay import group

THRESHOLD_PARAMETER = "perf_appraisal_queue.threshold"
CHUNK_SIZE_PARAMETER = "perf_appraisal_queue.chunk_size"
DEFAULT_THRESHOLD = 2000
CHUNK_JOB = "_perf_chunk_job"
STALE_PARAMETER = "perf_appraisal_queue.stale_after"


def stale_after(env):
    """Seconds after which a started part has lost its worker: Odoo stops any request (a job is
    one) at limit_time_real, so a part "started" for longer was killed — kill -9, a crash, a
    restart — and queue_job will not requeue it (its collector requeues enqueued jobs only)."""
    value = env["ir.config_parameter"].sudo().get_param(STALE_PARAMETER)
    if value and str(value).isdigit() and int(value) > 0:
        return int(value)
    limit = config.get("limit_time_real") or 0
    return (int(limit) if int(limit) > 0 else 3600) + 60


class PerfCycle(models.Model):
    """Long steps of a large cycle as a graph of jobs: one per chunk of whole distribution
    groups (run in parallel by the job runner's workers), then one that finishes the step."""

    _inherit = "perf.cycle"
    _perf_workflow_fields = BaseCycle._perf_workflow_fields | {"step_graph_uuid"}

    step_graph_uuid = fields.Char(string="Background Jobs", readonly=True, copy=False, groups=OFFICER,
                                  help="The jobs of the step running in the background (queue_job graph).")
    step_part_count = fields.Integer(string="Parts", compute="_compute_step_jobs", groups=OFFICER)
    step_part_done = fields.Integer(string="Parts Done", compute="_compute_step_jobs", groups=OFFICER)
    step_progress = fields.Float(compute="_compute_step_jobs", groups=OFFICER)
    step_failure = fields.Text(compute="_compute_step_jobs", groups=OFFICER,
                               help="Why a part of the background step failed; retry it or cancel the step.")

    @api.depends("step_running", "step_graph_uuid")
    def _compute_step_jobs(self):
        Job = self.env["queue.job"].sudo()  # counts and errors of the cycle's own jobs, for HR (field groups)
        running = self.filtered(lambda c: c.step_running and c.step_graph_uuid)
        counts, failures = {}, {}
        if running:
            graphs = [("graph_uuid", "in", running.mapped("step_graph_uuid"))]
            domain = graphs + [("method_name", "=", CHUNK_JOB)]
            for graph, state, count in Job._read_group(domain, ["graph_uuid", "state"], ["__count"]):
                counts.setdefault(graph, {})[state] = count
            # the parts and the step's finishing job: a killed finish would leave the cycle waiting
            # with nothing to say
            failed = Job.search(graphs + [("state", "=", "failed")], order="id")
            stale = self._perf_stale(Job.search(graphs + [("state", "=", "started")], order="id"))
            for job in failed | stale:
                error = self.env._(
                    "its worker stopped (started %(started)s, no answer for more than %(limit)s s)",
                    started=fields.Datetime.to_string(job.date_started), limit=stale_after(self.env)) \
                    if job in stale else ": ".join(filter(None, (job.exc_name, job.exc_message))) or job.result or "?"
                failures.setdefault(job.graph_uuid, []).append((job.method_name == CHUNK_JOB, error))
        for cycle in self:
            states = counts.get(cycle.step_graph_uuid, {}) if cycle in running else {}
            total, done = sum(states.values()), states.get("done", 0)
            cycle.step_part_count, cycle.step_part_done = total, done
            cycle.step_progress = 100.0 * done / total if total else 0.0
            errors = failures.get(cycle.step_graph_uuid, []) if cycle in running else []
            parts = [error for is_part, error in errors if is_part]
            finish = [error for is_part, error in errors if not is_part]
            if parts:
                cycle.step_failure = self.env._("%(n)s of %(total)s parts failed: %(error)s", n=len(parts),
                                                total=total, error=parts[0])
            elif finish:
                cycle.step_failure = self.env._("Every part is done; the step's finishing job failed: %s", finish[0])
            else:
                cycle.step_failure = False

    # -- running a step as jobs ------------------------------------------------------------------------
    def _chunk_size(self):
        size = self.env["ir.config_parameter"].sudo().get_param(CHUNK_SIZE_PARAMETER)
        return int(size) if size and size.isdigit() and int(size) > 0 else super()._chunk_size()

    def _perf_in_background(self, records):
        threshold = self.env["ir.config_parameter"].sudo().get_param(THRESHOLD_PARAMETER, DEFAULT_THRESHOLD)
        threshold = int(threshold) if str(threshold).isdigit() else DEFAULT_THRESHOLD
        return bool(records) and len(records) >= threshold

    def _run_step(self, step, records, key, whole=None):
        if not self._perf_in_background(records):
            return super()._run_step(step, records, key, whole)
        chunks = self._chunks(records, key, whole)
        cycle = self.sudo()  # the caller was checked by the step; the jobs run as the caller
        with workflow():
            cycle.write({"step_running": step, "step_error": False})
        label = cycle._step_label(step)
        parts = [self.delayable(description=self.env._("%(cycle)s: %(step)s, part %(n)s of %(total)s (%(size)s)",
                                                        cycle=self.name, step=label, n=n, total=len(chunks),
                                                        size=len(chunk)))._perf_chunk_job(step, chunk.ids)
                 for n, chunk in enumerate(chunks, 1)]
        finish = self.delayable(description=self.env._("%(cycle)s: %(step)s, finish", cycle=self.name, step=label)
                                )._perf_done_job(step)
        group(*parts).on_done(finish).delay()
        with workflow():
            cycle.write({"step_graph_uuid": finish._generated_job.graph_uuid})
        # queue_job runs the graph at once when told to (queue_job__no_delay): then it is finished
        return not cycle.step_running

    def _perf_chunk_job(self, step, ids):
        """One part of a step (a job): skipped when the step was cancelled meanwhile."""
        if self.sudo().step_running != step:
            return self.env._("Skipped: %s is not running any more.", self._step_label(step))
        self._run_chunk(step, ids)
        return self.env._("%s appraisals or subjects done.", len(ids))

    def _perf_done_job(self, step):
        """The step's end once every part is done; a refusal (e.g. appraisals not scored at
        calibration) ends the step with its message instead of failing the job."""
        if self.sudo().step_running != step:
            return self.env._("Skipped: %s is not running any more.", self._step_label(step))
        try:
            with self.env.cr.savepoint():
                getattr(self, f"_{step}_done")()
        except (UserError, ValidationError) as error:
            self._step_failed(step, str(error.args[0] if error.args else error))
            return str(error)
        return self.env._("%s finished.", self._step_label(step))

    # -- when a part fails ------------------------------------------------------------------------------
    def _perf_step_jobs(self):
        return self.env["queue.job"].sudo().search([("graph_uuid", "=", self.sudo().step_graph_uuid)]) \
            if self.sudo().step_graph_uuid else self.env["queue.job"].sudo()

    def _perf_stale(self, jobs):
        """The started ``jobs`` whose worker is gone (see :func:`stale_after`): failed parts to HR."""
        limit = fields.Datetime.now() - datetime.timedelta(seconds=stale_after(self.env))
        return jobs.filtered(lambda job: job.state == "started" and job.date_started and job.date_started < limit)

    def _perf_check_step_action(self, action):
        self._perf_one()
        self._check_may_run(action)
        if not self.step_running:
            raise UserError(self.env._("%s runs no step in the background.", self.name))

    def action_retry_step(self):
        """Run the failed parts of the background step again (after HR fixed their cause)."""
        self._perf_check_step_action(self.env._("retry a background step"))
        jobs = self._perf_step_jobs()
        failed = jobs.filtered(lambda job: job.state == "failed") | self._perf_stale(jobs)
        if not failed:
            raise UserError(self.env._("No part of the step has failed."))
        failed.requeue()  # a part run again skips what it already did (one result, one notice a person)
        self.message_post(body=self.env._("%(step)s: %(n)s failed parts queued again.",
                                          step=self._step_label(self.step_running), n=len(failed)))
        return True

    def action_cancel_step(self):
        """Stop the background step: parts not yet run are cancelled, the cycle is free again.
        Parts already run stay done; running the step again finishes the rest."""
        self._perf_check_step_action(self.env._("cancel a background step"))
        step = self.step_running
        jobs = self._perf_step_jobs()
        if any(job.state == "started" for job in jobs - self._perf_stale(jobs)):
            raise UserError(self.env._("A part of %s is running now; cancel once it has finished.",
                                       self._step_label(step)))
        jobs.filtered(lambda job: job.state != "done").button_cancelled()
        message = self.env._("%(step)s cancelled by %(user)s; the parts already done stay done: run it again "
                             "to finish.", step=self._step_label(step), user=self.env.user.name)
        with workflow():
            self.sudo().write({"step_running": False, "step_error": message})
        self.message_post(body=message)
        return True
