import math
import re
from collections import Counter
from unittest.mock import patch

from odoo.sql_db import Cursor
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

#: The ORM writes this many rows a statement (odoo.models.INSERT_BATCH_SIZE / UPDATE_BATCH_SIZE) and
#: reads this many records a query (PREFETCH_MAX).
ORM_ROWS_PER_STATEMENT = 100
ORM_RECORDS_PER_READ = 1000
SMALL, LARGE = 20, 2500  # far enough apart to cross every batch: the ORM's 100 rows, its 1,000-record reads
STEPS = ("start", "compute", "calibrate", "to approval", "confirm", "approve", "publish", "close")
BATCH = re.compile(r'^\s*(INSERT INTO|UPDATE) "(\w+)"')


def _pattern(sql):
    """A statement with its numbers and lists of rows folded: the same statement for any size."""
    text = re.sub(r"\d+", "N", sql)
    text = re.sub(r"(\(%s(, %s)*\)(, )?)+", "(ROWS)", text)
    text = re.sub(r"%s(, %s)+", "%s…", text)
    return re.sub(r"\s+", " ", text).strip()[:300]


def _rows(params):
    """Rows an INSERT … VALUES or UPDATE … FROM (VALUES …) statement writes: one parameter each."""
    return len(params or ()) or 1


@tagged("post_install", "-at_install")
class TestWorkflowQueries(TransactionCase):
    """Every workflow step issues the same queries for 20 and for 2,500 appraisals — but for the
    ORM's own batches (it writes 100 rows a statement, those statements full, and reads 1,000
    records a query)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # with the queue_job glue installed, a cycle this large would run as jobs: here, in the request
        cls.env["ir.config_parameter"].sudo().set_param("perf_appraisal_queue.threshold", "1000000")
        cls.officer = new_test_user(cls.env, "wq_officer", groups="base.group_user,perf_appraisal.group_perf_officer")
        cls.nursing = cls.env["perf.scheme"].search([("code", "=", "nursing"), ("is_preset", "=", True)])
        cls.cycles = {size: cls._cycle(size, month) for size, month in ((5, "05"), (SMALL, "07"), (LARGE, "08"))}

    @classmethod
    def _cycle(cls, size, month):
        wards = max(1, size // 30)
        users = cls.env["res.users"].create([{"name": f"wq head {size}-{w}", "login": f"wq_head_{size}_{w}"}
                                             for w in range(wards)])
        heads = cls.env["hr.employee"].create([{"name": u.name, "user_id": u.id} for u in users])
        departments = cls.env["hr.department"].create([{"name": f"wq {size}-{w}", "manager_id": h.id}
                                                       for w, h in enumerate(heads)])
        nurse_users = cls.env["res.users"].create([{"name": f"wq {size}-{i}", "login": f"wq_{size}_{i}"}
                                                   for i in range(size)])
        nurses = cls.env["hr.employee"].create([{"name": u.name, "user_id": u.id, "department_id": departments[i % wards].id,
                                                 "parent_id": heads[i % wards].id} for i, u in enumerate(nurse_users)])
        for code, value in (("title", "nurse"), ("post", "ward_day"), ("bonus_base", 1000)):
            nurses.set_perf_attribute(code, value)
        return cls.env["perf.cycle"].create({
            "name": f"wq {size}", "scheme_id": cls.nursing.id, "date_from": f"2024-{month}-01",
            "date_to": f"2024-{month}-31", "employee_ids": [(6, 0, nurses.ids)]})

    def run_steps(self, cycle):
        """{step: [statements]} of the whole cycle, as HR runs it."""
        cycle = cycle.with_user(self.officer)
        recorded = {}
        current = []
        execute = Cursor.execute

        def recording(cursor, query, params=None, log_exceptions=True):
            current.append((str(query.code if hasattr(query, "code") else query),
                            query.params if hasattr(query, "params") else params))
            return execute(cursor, query, params, log_exceptions)

        def step(name, work):
            self.env.flush_all()
            self.env.invalidate_all()
            current.clear()
            with patch("random.random", lambda: 1), patch.object(Cursor, "execute", recording):
                work()
                self.env.flush_all()
            recorded[name] = list(current)

        step("start", cycle.action_start)
        lines = self.env["perf.score"].search([("cycle_id", "=", cycle.id)])
        with workflow():
            for code, value in (("head_nurse", 90), ("nursing_dept", 88), ("patient", 92)):
                lines.filtered(lambda s, c=code: s.code == c).write({"value": value, "rated": True})
            lines.write({"settled": True})
        appraisals = self.env["perf.appraisal"].with_user(self.officer).browse(cycle.sudo().appraisal_ids.ids)
        step("compute", cycle.action_compute)
        step("calibrate", cycle.action_calibrate)
        step("to approval", cycle.action_to_approval)
        step("confirm", appraisals.action_confirm)
        step("approve", appraisals.action_approve)
        step("publish", cycle.action_publish)
        step("close", cycle.action_close)
        return recorded

    def test_queries_do_not_grow_with_the_cycle(self):
        """For each step: the same statements at 20 and 2,500 appraisals, the ORM's full row batches aside."""
        self.run_steps(self.cycles[5])  # first: the one-time look-ups (groups, rules, access) are cached
        small, large = (self.run_steps(self.cycles[size]) for size in (SMALL, LARGE))
        reads = math.ceil(LARGE / ORM_RECORDS_PER_READ)
        for name in STEPS:
            with self.subTest(step=name):
                counts = {size: Counter(_pattern(q) for q, _p in steps[name] if not BATCH.match(q))
                          for size, steps in ((SMALL, small), (LARGE, large))}
                # a read of many records is one query per 1,000 of them (the ORM's prefetch): allowed
                grown = {p: (counts[SMALL][p], counts[LARGE][p]) for p in counts[SMALL] | counts[LARGE]
                         if counts[SMALL][p] != counts[LARGE][p]
                         and not (p.startswith(("SELECT", "DELETE")) and counts[SMALL][p] < counts[LARGE][p]
                                  <= counts[SMALL][p] * reads)}
                self.assertFalse(grown, f"{name}: statements whose count grows with the cycle: {grown}")
                # every INSERT/UPDATE at 2,500 is a full batch of the ORM: statements = ceil(rows / 100)
                by_table = Counter()
                rows = Counter()
                for query, params in large[name]:
                    match = BATCH.match(query)
                    if match:
                        key = (match.group(1), match.group(2), _pattern(query))
                        by_table[key] += 1
                        rows[key] += _rows(params)
                for key, statements in by_table.items():
                    self.assertLessEqual(statements, math.ceil(rows[key] / ORM_ROWS_PER_STATEMENT) + 1,
                                         f"{name}: {key[:2]} writes {rows[key]} rows in {statements} statements")
        published = self.cycles[LARGE].appraisal_ids
        self.assertEqual(set(published.mapped("state")), {"closed"})
        # one notice each, with its appeal deadline, to each of the 2,500 nurses (in their chatter)
        notices = self.env["mail.message"].search_count([("model", "=", "perf.appraisal"), ("res_id", "in", published.ids),
                                                          ("message_type", "=", "comment")])
        self.assertEqual(notices, LARGE)
