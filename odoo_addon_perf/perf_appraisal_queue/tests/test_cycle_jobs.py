import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow
from odoo.addons.perf_appraisal.tests.common import NURSES, NURSING_RESULTS, D, PerfFixture, _rater
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs


class JobsFixture(PerfFixture):
    """The nursing example with its events; 5 appraisals make a cycle "large", 4 fill a part: the
    ward-3 nurses (4) and the emergency nurses (3) are two parts, a ward never split."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.set_param("perf_appraisal_queue.threshold", "5")
        cls.params.set_param("perf_appraisal_queue.chunk_size", "4")
        for nurse, (_n, _w, _t, _p, _b, _scores, events) in zip(cls.nurses, NURSES):
            for code, count, note in events:
                cls.env["perf.event"].create({"scheme_id": cls.nursing.id, "employee_id": nurse.id, "code": code,
                                              "count": count, "note": note, "date": "2024-05-15"}).action_approve()

    def new_cycle(self, name):
        return self.make_cycle(self.nursing, name=name, employee_ids=[(6, 0, self.nurses.ids)],
                               role_ids=self.role_owners()).with_user(self.officer)

    @staticmethod
    def enter_scores(cycle):
        for appraisal in cycle.sudo().appraisal_ids:
            scores = next(s for n, *_rest, s, _e in NURSES if n == appraisal.subject_name)
            for code, value in scores.items():
                appraisal.set_score(code, value, None if code == "nd_failing_cases" else _rater(code))

    @staticmethod
    def outcome(cycle):
        """What a cycle produced, per nurse: the numbers, the state, the pay, the notice."""
        rows = {}
        for appraisal in cycle.sudo().appraisal_ids:
            pays = appraisal.env["perf.pay"].search([("appraisal_id", "=", appraisal.id)])
            notices = appraisal.message_ids.filtered(lambda m: m.message_type == "comment")
            rows[appraisal.subject_name] = (
                D(appraisal.total_exact).quantize(D("0.01")), appraisal.grade, appraisal.rank,
                D(str(appraisal.pay_amount)).quantize(D("0.01")), appraisal.state, bool(appraisal.published_date),
                tuple(sorted(pays.mapped("state"))), len(notices), appraisal.breakdown_html)
        distribution = sorted((row.group_name, row.grade_id.code, row.quota_count, row.actual_count)
                              for row in cycle.sudo().distribution_ids)
        return rows, distribution, cycle.state

    def run_jobs(self, cycle, step, action, parts=2):
        """``action`` enqueues the step's parts and its finish; the cycle waits; the jobs run it."""
        with trap_jobs() as trap:
            action()
            trap.assert_jobs_count(parts, only=cycle._perf_chunk_job)
            trap.assert_jobs_count(1, only=cycle._perf_done_job)
            self.assertEqual(cycle.step_running, step)
            trap.perform_enqueued_jobs()
        self.assertFalse(cycle.step_running)
        self.assertFalse(cycle.step_error)


@tagged("post_install", "-at_install")
class TestCycleJobs(JobsFixture, TransactionCase):
    def test_steps_as_jobs_equal_the_request_path(self):
        """Start, compute, calibrate and publish as jobs give what the request path gives."""
        self.params.set_param("perf_appraisal_queue.threshold", "1000")
        in_request = self.new_cycle("2024-05 in the request")
        in_request.action_start()
        self.enter_scores(in_request)
        in_request.action_compute()
        self.publish(in_request)
        self.assertFalse(in_request.sudo().step_graph_uuid)

        self.params.set_param("perf_appraisal_queue.threshold", "5")
        as_jobs = self.new_cycle("2024-05 as jobs")
        self.run_jobs(as_jobs, "start", as_jobs.action_start)
        self.assertEqual((as_jobs.state, len(as_jobs.appraisal_ids)), ("running", 7))
        self.enter_scores(as_jobs)
        self.run_jobs(as_jobs, "compute", as_jobs.action_compute)
        self.run_jobs(as_jobs, "calibrate", as_jobs.action_calibrate)
        self.assertEqual(as_jobs.state, "calibration")
        as_jobs.action_to_approval()
        as_jobs.appraisal_ids.action_confirm()
        as_jobs.appraisal_ids.action_approve()
        self.run_jobs(as_jobs, "publish", as_jobs.action_publish)

        rows, distribution, state = self.outcome(as_jobs)
        self.assertEqual((rows, distribution, state), self.outcome(in_request))
        self.assertEqual(state, "published")
        self.assertEqual({name: row[:4] for name, row in rows.items()}, NURSING_RESULTS)
        self.assertEqual({row[4:8] for row in rows.values()}, {("published", True, ("to_pay",), 1)})

    def test_parts_hold_whole_wards(self):
        """The parts of a step are the wards: ward-3's four nurses, then emergency's three."""
        cycle = self.new_cycle("2024-05")
        with trap_jobs() as trap:
            cycle.action_start()
            trap.assert_enqueued_job(cycle._perf_chunk_job, args=("start", self.nurses[:4].ids))
            trap.assert_enqueued_job(cycle._perf_chunk_job, args=("start", self.nurses[4:].ids))
            trap.assert_enqueued_job(cycle._perf_done_job, args=("start",))
            trap.perform_enqueued_jobs()
        ward3 = cycle.appraisal_ids.filtered(lambda a: a.group_name == "ward-3")
        with trap_jobs() as trap:
            cycle.action_compute()
            trap.assert_enqueued_job(cycle._perf_chunk_job, args=("compute", ward3.ids))
            trap.assert_enqueued_job(cycle._perf_chunk_job, args=("compute", (cycle.appraisal_ids - ward3).ids))

    def test_a_part_run_twice_does_not_do_its_work_twice(self):
        """A part run again (a job retried after it did its work) appraises and publishes nobody twice."""
        cycle = self.new_cycle("2024-05")
        with trap_jobs() as trap:
            cycle.action_start()
            trap.perform_enqueued_jobs()
        with workflow():  # as if the start were still running when the part ran again
            cycle.sudo().step_running = "start"
        cycle._perf_chunk_job("start", self.nurses.ids)
        self.assertEqual((len(cycle.appraisal_ids), len(cycle.sudo().exclusion_ids)), (7, 0))

        with workflow():
            cycle.sudo().step_running = False
        self.params.set_param("perf_appraisal_queue.threshold", "1000")  # the rest in the request
        self.enter_scores(cycle)
        cycle.action_compute()
        self.publish(cycle)
        with workflow():
            cycle.sudo().step_running = "publish"
        cycle._perf_chunk_job("publish", cycle.appraisal_ids.ids)
        notices = cycle.appraisal_ids.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(notices), 7)


@tagged("post_install", "-at_install")
class TestStoredJobs(JobsFixture, TransactionCase):
    """The jobs as queue_job stores them: progress, a failed part, retry, cancel."""

    def run_stored(self, jobs):
        """What the job runner's controller does with each job: perform, done, wake its dependants."""
        for record in jobs:
            job = Job.load(self.env, record.uuid)
            job.set_started()
            job.result = job.perform()
            job.set_done()
            job.store()
            self.env["queue.job"].flush_model()
            job.enqueue_waiting()

    def test_progress_failure_retry(self):
        """The cycle counts its parts done, shows a failed part's error; HR retries it and the step ends."""
        cycle = self.new_cycle("2024-05")
        cycle.action_start()
        self.assertEqual(cycle.step_running, "start")
        jobs = self.env["queue.job"].search([("graph_uuid", "=", cycle.step_graph_uuid)], order="id")
        parts = jobs.filtered(lambda j: j.method_name == "_perf_chunk_job")
        self.assertEqual((len(jobs), len(parts)), (3, 2))
        self.assertEqual((jobs - parts).state, "wait_dependencies")
        self.assertEqual((cycle.step_part_done, cycle.step_part_count, cycle.step_progress), (0, 2, 0.0))
        with self.assertRaisesRegex(UserError, "runs in the background"):
            cycle.action_reset_draft()

        self.run_stored(parts[0])
        cycle.invalidate_recordset()
        self.assertEqual((cycle.step_part_done, cycle.step_progress), (1, 50.0))
        self.assertEqual(cycle.state, "draft")

        failing = Job.load(self.env, parts[1].uuid)
        failing.set_failed(exc_name="psycopg2.OperationalError", exc_message="server closed the connection")
        failing.store()
        cycle.invalidate_recordset()
        self.assertEqual(cycle.step_failure,
                         "1 of 2 parts failed: psycopg2.OperationalError: server closed the connection")
        cycle.action_retry_step()
        self.assertEqual(parts[1].state, "pending")
        self.run_stored(parts[1])
        self.assertEqual((jobs - parts).state, "pending")  # the finish runs once both parts are done
        self.run_stored(jobs - parts)
        self.assertEqual((cycle.state, cycle.step_running, len(cycle.appraisal_ids)), ("running", False, 7))
        self.assertIn("Cycle started: 7 appraisals", cycle.message_ids[0].body)

    def test_a_part_whose_worker_was_killed_is_retried_from_the_cycle(self):
        """kill -9 of the worker running a part leaves its job "started" for good (queue_job requeues
        enqueued jobs only). While it could still be running, HR is told to wait; once it is older
        than the request time limit, the cycle shows it as failed, Retry runs it again and the step
        ends with exactly one appraisal a nurse; or Cancel frees the cycle."""
        cycle = self.new_cycle("2024-05")
        cycle.action_start()
        jobs = self.env["queue.job"].search([("graph_uuid", "=", cycle.step_graph_uuid)], order="id")
        parts = jobs.filtered(lambda j: j.method_name == "_perf_chunk_job")
        self.run_stored(parts[0])
        killed = Job.load(self.env, parts[1].uuid)
        killed.set_started()  # …and its worker is killed: nothing more is written
        killed.store()
        cycle.invalidate_recordset()
        self.assertFalse(cycle.step_failure)
        with self.assertRaisesRegex(UserError, "No part of the step has failed"):
            cycle.action_retry_step()
        with self.assertRaisesRegex(UserError, "running now"):
            cycle.action_cancel_step()
        self.params.set_param("perf_appraisal_queue.stale_after", "600")
        parts[1].sudo().write({"date_started": fields.Datetime.now() - datetime.timedelta(seconds=601)})
        cycle.invalidate_recordset()
        self.assertIn("1 of 2 parts failed: its worker stopped", cycle.step_failure)
        cycle.action_retry_step()
        self.assertEqual(parts[1].state, "pending")
        self.run_stored(parts[1])
        self.run_stored(jobs - parts)
        self.assertEqual((cycle.state, cycle.step_running, len(cycle.appraisal_ids)), ("running", False, 7))
        self.assertEqual(len(set(cycle.appraisal_ids.mapped("employee_id"))), 7)

    def test_a_killed_finish_is_shown_and_retried_from_the_cycle(self):
        """kill -9 during the step's finishing job (the cycle's state, its message): the kill drill
        waited for ever, the cycle naming no failure. Once stale, the cycle says the finish failed,
        Retry runs it again and the step ends once: one appraisal a nurse, one start message."""
        cycle = self.new_cycle("2024-05")
        cycle.action_start()
        jobs = self.env["queue.job"].search([("graph_uuid", "=", cycle.step_graph_uuid)], order="id")
        parts = jobs.filtered(lambda j: j.method_name == "_perf_chunk_job")
        finish = jobs - parts
        for part in parts:
            self.run_stored(part)
        killed = Job.load(self.env, finish.uuid)
        killed.set_started()
        killed.store()
        self.params.set_param("perf_appraisal_queue.stale_after", "600")
        finish.sudo().write({"date_started": fields.Datetime.now() - datetime.timedelta(seconds=601)})
        cycle.invalidate_recordset()
        self.assertEqual(cycle.step_running, "start")
        self.assertIn("finishing job failed: its worker stopped", cycle.step_failure)
        cycle.action_retry_step()
        self.assertEqual(finish.state, "pending")
        self.run_stored(finish)
        self.assertEqual((cycle.state, cycle.step_running, len(cycle.appraisal_ids)), ("running", False, 7))
        self.assertEqual(len(cycle.message_ids.filtered(lambda m: "Cycle started" in (m.body or ""))), 1)
        cycle.invalidate_recordset()
        self.assertFalse(cycle.step_failure)

    def test_a_killed_part_can_be_cancelled(self):
        """The same killed part, cancelled instead: the cycle is free, a new start finishes the rest."""
        cycle = self.new_cycle("2024-05")
        cycle.action_start()
        parts = self.env["queue.job"].search([("graph_uuid", "=", cycle.step_graph_uuid),
                                              ("method_name", "=", "_perf_chunk_job")], order="id")
        killed = Job.load(self.env, parts[0].uuid)
        killed.set_started()
        killed.store()
        parts[0].sudo().write({"date_started": fields.Datetime.now() - datetime.timedelta(hours=3)})
        cycle.action_cancel_step()
        self.assertFalse(cycle.step_running)
        self.assertEqual(parts[0].state, "cancelled")
        with trap_jobs() as trap:
            cycle.action_start()
            trap.perform_enqueued_jobs()
        self.assertEqual((cycle.state, len(cycle.appraisal_ids)), ("running", 7))

    def test_cancel_frees_the_cycle_and_a_rerun_finishes(self):
        """Cancel stops the parts not run; starting again appraises only those left."""
        cycle = self.new_cycle("2024-05")
        cycle.action_start()
        parts = self.env["queue.job"].search([("graph_uuid", "=", cycle.step_graph_uuid),
                                              ("method_name", "=", "_perf_chunk_job")], order="id")
        self.run_stored(parts[0])
        cycle.action_cancel_step()
        self.assertEqual(set(self.env["queue.job"].search([("graph_uuid", "=", cycle.step_graph_uuid)]).mapped("state")),
                         {"done", "cancelled"})
        self.assertFalse(cycle.step_running)
        self.assertIn("cancelled", cycle.step_error)
        # the part that ran (ward-3's four or emergency's three: queue_job enqueues a group in no set order)
        self.assertEqual(len(cycle.appraisal_ids), len(parts[0].args[1]))
        with trap_jobs() as trap:
            cycle.action_start()
            trap.perform_enqueued_jobs()
        self.assertEqual((cycle.state, len(cycle.appraisal_ids)), ("running", 7))

    def test_refusal_at_the_finish_ends_the_step_with_its_reason(self):
        """Calibrating with scores missing: the parts compute, the finish refuses and says why."""
        cycle = self.new_cycle("2024-05")
        with trap_jobs() as trap:
            cycle.action_start()
            trap.perform_enqueued_jobs()
        with trap_jobs() as trap:
            cycle.action_calibrate()
            trap.perform_enqueued_jobs()
        self.assertEqual((cycle.state, cycle.step_running), ("running", False))
        self.assertIn("Not every appraisal", cycle.step_error)
        self.assertIn("Not every appraisal", cycle.message_ids[0].body)

    def test_only_hr_acts_on_a_step(self):
        """Nobody but HR retries or cancels a step; the job fields refuse write()."""
        cycle = self.new_cycle("2024-05")
        cycle.action_start()
        head = self.head_users["ward-3"]
        for method in ("action_retry_step", "action_cancel_step"):
            with self.assertRaises(AccessError):
                getattr(cycle.with_user(head), method)()
            with self.assertRaises(AccessError):
                getattr(cycle.with_user(self.nurse_users["张三"]), method)()
        for vals in ({"step_running": False}, {"step_graph_uuid": False}, {"step_error": "x"}):
            with self.assertRaises(AccessError):
                cycle.write(vals)
        self.assertEqual(cycle.step_running, "start")
