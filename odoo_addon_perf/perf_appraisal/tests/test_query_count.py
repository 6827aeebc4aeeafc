import difflib
from unittest.mock import patch

from odoo.sql_db import Cursor
from odoo.tests import tagged

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

from .common import PerfCase


@tagged("post_install", "-at_install")
class TestQueryCount(PerfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ward = cls.wards["ward-3"]
        cls.cycles = {}
        for size, month in ((20, "07"), (80, "08")):
            nurses = cls.env["hr.employee"].create([
                {"name": f"N{size}-{i}", "department_id": ward.id, "parent_id": cls.heads["ward-3"].id} for i in range(size)])
            nurses.set_perf_attribute("title", "nurse")
            nurses.set_perf_attribute("post", "ward_day")
            nurses.set_perf_attribute("bonus_base", 1000)
            cycle = cls.make_cycle(cls.nursing, name=f"2024-{month}", date_from=f"2024-{month}-01",
                                   date_to=f"2024-{month}-31", employee_ids=[(6, 0, nurses.ids)])
            cycle.action_start()
            cycle.appraisal_ids.score_ids.filtered(
                lambda s: s.code in ("head_nurse", "nursing_dept", "patient")).write({"value": 85})
            cls.env["perf.event"].create([{"scheme_id": cls.nursing.id, "employee_id": n.id, "code": "praise",
                                           "date": f"2024-{month}-10"} for n in nurses[:5]]).action_approve()
            cycle.action_compute()  # warm the caches (scheme parse, formulas)
            cls.cycles[size] = cycle

    def count(self, cycle):
        """(number of queries, their text) of one action_compute, flushed."""
        # computed_at has whole seconds: a recompute within the same second as the last one
        # would skip its UPDATE, so the count would depend on the machine's speed
        with workflow():
            cycle.computed_at = False
        self.env.flush_all()
        self.env.invalidate_all()
        queries = []
        execute = Cursor.execute

        def recording_execute(cursor, query, params=None, log_exceptions=True):
            queries.append(str(query.code if hasattr(query, "code") else query)[:160])
            return execute(cursor, query, params, log_exceptions)

        # As Odoo's assertQueryCount does: no random garbage collection inside the measurement.
        with patch("random.random", lambda: 1), patch.object(Cursor, "execute", recording_execute):
            before = self.cr.sql_log_count
            cycle.action_compute()
            self.env.flush_all()
            return self.cr.sql_log_count - before, queries

    def test_compute_query_count_does_not_grow(self):
        """Computing 80 appraisals takes as many queries as computing 20."""
        self.count(self.cycles[20]), self.count(self.cycles[80])  # a first round warms one-time look-ups
        (small, small_sql), (large, large_sql) = self.count(self.cycles[20]), self.count(self.cycles[80])
        extra = "\n".join(difflib.unified_diff(small_sql, large_sql, "20 appraisals", "80 appraisals", lineterm=""))
        self.assertEqual(small, large, f"20 appraisals: {small} queries, 80 appraisals: {large}\n{extra}")
        self.assertLess(small, 70)  # inputs, results, pay, and the distribution overview rows
        # every score 85 → 85; the five nurses with a praise event: 85 + 10 = 95
        totals = sorted(self.cycles[80].appraisal_ids.mapped("total_exact"))
        self.assertEqual(totals, ["85"] * 75 + ["95"] * 5)
