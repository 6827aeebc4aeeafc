"""Benchmark: importing a filled score sheet (XLSX) into a nursing cycle of N appraisees.

Run with a Python where Odoo 18 is importable (nothing here installs Odoo):

    $ODOO_PYTHON benchmarks/bench_import.py --db-host /var/run/postgresql --db-user odoo [--sizes 250 1000]

For each size it creates a database with perf_appraisal, N nurses and a started May cycle, downloads
the sheet as HR, fills three columns (head nurse, nursing department, patient satisfaction: 3 × N
cells) and imports it, printing seconds and SQL queries of the import, and the queries per 100 rows
(Odoo writes 100 rows a statement).  The databases are dropped at the end.  Not a test: a measurement.
"""

from __future__ import annotations

import argparse
import base64
import io
import time
import uuid

from odoo_db import add_db_arguments, create_database, drop_database, odoo_options
COLUMNS = ("head_nurse|superior|", "nursing_dept|nursing_dept|", "patient|patient|")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000])
    add_db_arguments(parser)
    args = parser.parse_args()

    odoo, options = odoo_options(args)
    db = f"bench_import_{uuid.uuid4().hex[:6]}"
    create_database(options, db, "perf_appraisal")
    try:
        for size in args.sizes:
            seconds, queries = measure(odoo, db, size)
            print(f"{size:>6} appraisees × 3 columns: import {seconds:6.2f} s, {queries:6d} queries "
                  f"({queries / (size / 100):.1f} per 100 rows)")
    finally:
        drop_database(odoo, args, db)


def measure(odoo, db: str, size: int) -> tuple[float, int]:
    import openpyxl

    from odoo import SUPERUSER_ID, api
    from odoo.tests import new_test_user

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        officer = new_test_user(env, f"bench_officer_{size}", groups="base.group_user,perf_appraisal.group_perf_officer")
        wards = env["hr.department"].create([{"name": f"W{size}-{w}"} for w in range(max(1, size // 30))])
        nurses = env["hr.employee"].create([{"name": f"N{size}-{i:05d}", "department_id": wards[i % len(wards)].id}
                                            for i in range(size)])
        for code, value in (("title", "nurse"), ("post", "ward_day"), ("bonus_base", 1000)):
            nurses.set_perf_attribute(code, value)
        scheme = env["perf.scheme"].search([("code", "=", "nursing"), ("is_preset", "=", True)])
        cycle = env["perf.cycle"].create({"name": f"bench {size}", "scheme_id": scheme.id, "date_from": "2024-05-01",
                                          "date_to": "2024-05-31", "employee_ids": [(6, 0, nurses.ids)]})
        cycle.with_user(officer).action_start()
        Wizard = env["perf.import.wizard"].with_user(officer)
        action = Wizard.create({"cycle_id": cycle.id}).action_export_template()
        raw = env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0])).raw
        book = openpyxl.load_workbook(io.BytesIO(raw))
        sheet = book.active
        keys = [cell.value for cell in sheet[2]]
        positions = [keys.index(column) for column in COLUMNS]
        for number, row in enumerate(sheet.iter_rows(min_row=3)):
            for column, position in enumerate(positions):
                row[position].value = 60 + (number * 7 + column * 13) % 41
        buffer = io.BytesIO()
        book.save(buffer)
        wizard = Wizard.create({"cycle_id": cycle.id, "data": base64.b64encode(buffer.getvalue()),
                                "filename": "bench.xlsx"})
        env.flush_all()
        queries = cr.sql_log_count
        start = time.perf_counter()
        wizard.action_import()
        env.flush_all()
        elapsed = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        rated = env["perf.score"].search_count([("cycle_id", "=", cycle.id), ("rated", "=", True)])
        assert rated == 3 * size, rated
        cr.rollback()
    return elapsed, queries


if __name__ == "__main__":
    main()
