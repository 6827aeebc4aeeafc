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
import subprocess
import sys
import time
import uuid
from pathlib import Path

ADDONS = Path(__file__).resolve().parent.parent / "odoo_addon_perf"
COLUMNS = ("head_nurse|superior|", "nursing_dept|nursing_dept|", "patient|patient|")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000])
    parser.add_argument("--db-host", default="")
    parser.add_argument("--db-port", default="")
    parser.add_argument("--db-user", default="")
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    addons = [str(Path(p) / "odoo" / "addons") for p in sys.path if (Path(p) / "odoo" / "addons").is_dir()]
    source_addons = Path(odoo.__file__).resolve().parent.parent / "addons"
    if source_addons.is_dir():
        addons.append(str(source_addons))
    addons.append(str(ADDONS))
    base = ["--addons-path", ",".join(addons), "--without-demo", "all"]
    for flag, value in (("--db_host", args.db_host), ("--db_port", args.db_port), ("--db_user", args.db_user)):
        if value:
            base += [flag, value]
    db = f"bench_import_{uuid.uuid4().hex[:6]}"
    subprocess.run([sys.executable, "-m", "odoo", *base, "-d", db, "-i", "perf_appraisal", "--stop-after-init",
                    "--log-level", "warn"], check=True)
    config.parse_config(base)
    try:
        for size in args.sizes:
            seconds, queries = measure(odoo, db, size)
            print(f"{size:>6} appraisees × 3 columns: import {seconds:6.2f} s, {queries:6d} queries "
                  f"({queries / (size / 100):.1f} per 100 rows)")
    finally:
        odoo.sql_db.close_db(db)  # Odoo's pool keeps connections: close them, or dropdb waits and fails
        dropdb = ["dropdb", "--if-exists", db]
        for flag, value in (("-h", args.db_host), ("-p", args.db_port), ("-U", args.db_user)):
            if value:
                dropdb[1:1] = [flag, value]
        subprocess.run(dropdb, check=False)


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
