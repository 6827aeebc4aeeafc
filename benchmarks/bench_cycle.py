"""Benchmark: a nursing cycle of N employees through every workflow step, on real Odoo 18.

Run with a Python where Odoo 18 is importable (nothing here installs Odoo):

    $ODOO_PYTHON benchmarks/bench_cycle.py --db-host /var/run/postgresql --db-user odoo [--sizes 1000 5000 20000]

For each size it creates N nurses in wards of 30 (with their title, post and bonus base) in a
database with perf_appraisal, then runs the cycle as an HR officer: start, (scores entered, not
timed), compute, calibrate, send for approval, confirm and approve every appraisal as one
selection each, publish (telling every nurse), close — printing the seconds and the SQL queries
of each step, and the time of the commit after publication.  The database is dropped at the end.
Not a test: a measurement (tests/…/test_query_count.py asserts the queries do not grow).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import time
import uuid

from odoo_db import add_db_arguments, create_database, drop_database, odoo_options
STEPS = ("start", "compute", "calibrate", "to approval", "confirm all", "approve all", "publish", "commit", "close")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    add_db_arguments(parser)
    parser.add_argument("--module", default="perf_appraisal", help="install this module too (e.g. the queue_job glue)")
    parser.add_argument("--profile", nargs="*", default=[], metavar="STEP",
                        help="print the cProfile of these steps (cumulative time, top 40)")
    parser.add_argument("--queries", nargs="*", default=[], metavar="STEP",
                        help="print the SQL statements of these steps, grouped by kind and table")
    args = parser.parse_args()

    odoo, options = odoo_options(args)
    db = f"bench_cycle_{uuid.uuid4().hex[:6]}"
    create_database(options, db, args.module)
    print(f"{'step':<14}" + "".join(f"{size:>10} s {'queries':>9}" for size in args.sizes))
    results = {}
    try:
        for size in args.sizes:
            results[size] = measure(odoo, db, size, args.profile, args.queries)
        for step in STEPS:
            print(f"{step:<14}" + "".join(f"{results[size][step][0]:>12.2f} {results[size][step][1]:>9}"
                                           for size in args.sizes))
    finally:
        drop_database(odoo, args, db)


def statements(sink):
    """Record each statement's kind and table (INSERT perf_score, SELECT hr_employee …) in ``sink``
    until the returned function is called."""
    from odoo.sql_db import Cursor

    execute = Cursor.execute

    def recording(cursor, query, params=None, log_exceptions=True):
        words = re.findall(r'"?(\w+)"?', str(getattr(query, "code", query)))
        kind = words[0].upper() if words else "?"
        table = next((words[i + 1] for i, w in enumerate(words[:-1]) if w.upper() in ("FROM", "INTO", "UPDATE")), "?")
        sink[f"{kind} {table}"] = sink.get(f"{kind} {table}", 0) + 1
        return execute(cursor, query, params, log_exceptions)

    Cursor.execute = recording
    return lambda: setattr(Cursor, "execute", execute)


def measure(odoo, db: str, size: int, profile=(), query_steps=()) -> dict[str, tuple[float, int]]:
    from odoo import SUPERUSER_ID, api
    from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

    registry = odoo.modules.registry.Registry(db)
    out: dict[str, tuple[float, int]] = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        setup = env(context={"tracking_disable": True})
        officer = setup["res.users"].create({
            "name": f"bench officer {size}", "login": f"bench_officer_{size}", "email": f"officer{size}@example.com",
            "groups_id": [(6, 0, [setup.ref("base.group_user").id, setup.ref("perf_appraisal.group_perf_officer").id])]})
        head_users = setup["res.users"].create([{"name": f"head {size}-{w}", "login": f"head_{size}_{w}"}
                                                 for w in range(max(1, size // 30))])
        heads = setup["hr.employee"].create([{"name": user.name, "user_id": user.id} for user in head_users])
        wards = setup["hr.department"].create([{"name": f"W{size}-{w}", "manager_id": head.id}
                                                for w, head in enumerate(heads)])
        nurse_users = setup["res.users"].create([{"name": f"N{size}-{i:05d}", "login": f"nurse_{size}_{i}"}
                                                  for i in range(size)])
        nurses = setup["hr.employee"].create([{"name": user.name, "user_id": user.id,
                                               "department_id": wards[i % len(wards)].id,
                                               "parent_id": heads[i % len(heads)].id}
                                              for i, user in enumerate(nurse_users)])
        for code, value in (("title", "nurse"), ("post", "ward_day"), ("bonus_base", 1000)):
            nurses.set_perf_attribute(code, value)
        scheme = setup["perf.scheme"].search([("code", "=", "nursing"), ("is_preset", "=", True)])
        cycle = setup["perf.cycle"].create({"name": f"bench {size}", "scheme_id": scheme.id, "date_from": "2024-05-01",
                                            "date_to": "2024-05-31", "employee_ids": [(6, 0, nurses.ids)]})
        # the steps as the web client runs them: the officer, no test-only context (tracking on)
        cycle = env["perf.cycle"].with_user(officer).browse(cycle.id)
        env.flush_all()

        def step(name, work):
            env.flush_all()
            env.invalidate_all()
            queries = cr.sql_log_count
            profiler = cProfile.Profile() if name in profile else None
            sink = {}
            stop = statements(sink) if name in query_steps else None
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            work()
            env.flush_all()
            if profiler:
                profiler.disable()
            out[name] = (time.perf_counter() - start, cr.sql_log_count - queries)
            if stop:
                stop()
                print(f"-- statements of {name} at {size}", flush=True)
                for what, count in sorted(sink.items(), key=lambda item: -item[1]):
                    print(f"{count:8d}  {what}")
            if profiler:
                print(f"-- profile of {name} at {size}", flush=True)
                pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)

        step("start", cycle.action_start)
        # every nurse rated (not a workflow step: entered by the raters over days)
        lines = setup["perf.score"].search([("cycle_id", "=", cycle.id)])
        values = {"head_nurse": 90, "nursing_dept": 88, "patient": 92}
        with workflow():
            for code, value in values.items():
                lines.filtered(lambda s, c=code: s.code == c).write({"value": value, "rated": True})
            lines.write({"settled": True})
        # as a selection comes over RPC: browsed by ids (not the lazy prefetch of a one2many, lost when the
        # cache is invalidated between steps)
        appraisals = env["perf.appraisal"].with_user(officer).browse(cycle.sudo().appraisal_ids.ids)
        step("compute", cycle.action_compute)
        step("calibrate", cycle.action_calibrate)
        step("to approval", cycle.action_to_approval)
        step("confirm all", appraisals.action_confirm)
        step("approve all", appraisals.action_approve)
        step("publish", cycle.action_publish)
        start = time.perf_counter()
        queries = cr.sql_log_count
        cr.commit()  # post-commit work: notifications sent right away, if any
        out["commit"] = (time.perf_counter() - start, cr.sql_log_count - queries)
        step("close", cycle.action_close)
        cr.commit()
    return out


if __name__ == "__main__":
    main()
