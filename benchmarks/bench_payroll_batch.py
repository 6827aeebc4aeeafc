"""Benchmark: OCA payroll's batch wizard for N employees, without and with perf_appraisal_payroll.

Run with a Python where Odoo 18 and OCA payroll are importable (nothing here installs Odoo):

    ODOO_PYTHON=/path/to/odoo-venv/bin/python
    $ODOO_PYTHON benchmarks/bench_payroll_batch.py --db-host /var/run/postgresql --db-user root [--employees 1000]

It creates two databases (payroll alone; payroll + perf_appraisal_payroll), fills each with N
employees on open contracts (and, in the second, one payable performance result each), runs the
"payslips by employees" wizard in each, prints seconds and SQL queries, the ratio, and drops the
databases.  Not a test: a measurement.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import uuid
from pathlib import Path

ADDONS = Path(__file__).resolve().parent.parent / "odoo_addon_perf"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--db-host", default="")
    parser.add_argument("--db-port", default="")
    parser.add_argument("--db-user", default="")
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    # Every "<entry>/odoo/addons" on sys.path (Odoo's own, pip-installed OCA addons) and the
    # source tree's top-level addons folder, as tests/test_odoo_addons.py finds them.
    addons = [str(Path(p) / "odoo" / "addons") for p in sys.path if (Path(p) / "odoo" / "addons").is_dir()]
    source_addons = Path(odoo.__file__).resolve().parent.parent / "addons"
    if source_addons.is_dir():
        addons.append(str(source_addons))
    addons.append(str(ADDONS))
    base = ["--addons-path", ",".join(addons), "--without-demo", "all"]
    for flag, value in (("--db_host", args.db_host), ("--db_port", args.db_port), ("--db_user", args.db_user)):
        if value:
            base += [flag, value]
    tag = uuid.uuid4().hex[:6]
    runs = {"payroll only": ("payroll", f"bench_payroll_{tag}"),
            "with perf_appraisal_payroll": ("perf_appraisal_payroll", f"bench_perf_{tag}")}
    for module, db in runs.values():
        subprocess.run([sys.executable, "-m", "odoo", *base, "-d", db, "-i", module, "--stop-after-init",
                        "--log-level", "warn"], check=True)
    config.parse_config(base)
    results = {}
    try:
        for label, (module, db) in runs.items():
            results[label] = measure(odoo, db, args.employees, with_perf=module != "payroll")
            print(f"{label:>28}: {results[label][0]:8.2f} s  {results[label][1]:8d} queries  "
                  f"({args.employees} payslips)")
    finally:
        for _module, db in runs.values():
            subprocess.run(["dropdb", *(["-h", args.db_host] if args.db_host else []),
                            *(["-U", args.db_user] if args.db_user else []), "--if-exists", db])
    (t0, q0), (t1, q1) = results["payroll only"], results["with perf_appraisal_payroll"]
    print(f"ratio with/without: time {t1 / t0:.3f}, queries {q1 / q0:.3f} (target time ratio ≤ 1.10)")


def measure(odoo, db: str, count: int, with_perf: bool) -> tuple[float, int]:
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        module = "perf_appraisal_payroll" if with_perf else "payroll"
        state = env["ir.module.module"].search([("name", "=", module)]).state
        if state != "installed":
            raise SystemExit(f"{db}: {module} is {state or 'missing'}, not installed — check the addons path")
        category = env["hr.salary.rule.category"].create({"name": "Basic", "code": "BASIC"})
        rules = env["hr.salary.rule"].create({
            "name": "Basic", "code": "BASIC", "sequence": 1, "category_id": category.id,
            "condition_select": "none", "amount_select": "code", "amount_python_compute": "result = contract.wage"})
        if with_perf:
            rules |= env.ref("perf_appraisal_payroll.hr_salary_rule_perf")
        structure = env["hr.payroll.structure"].create({"name": "Bench", "code": "BENCH", "rule_ids": [(6, 0, rules.ids)]})
        employees = env["hr.employee"].create([{"name": f"E{i:05d}"} for i in range(count)])
        env["hr.contract"].create([{"name": f"C{e.id}", "employee_id": e.id, "wage": 5000, "struct_id": structure.id,
                                    "date_start": "2024-01-01", "state": "open"} for e in employees])
        if with_perf:
            from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

            with workflow():  # results as a published cycle leaves them (nobody creates pay by hand)
                env["perf.pay"].create([{"employee_id": e.id, "company_id": env.company.id, "period": "2024-05",
                                        "date_from": "2024-05-01", "date_to": "2024-05-31", "pay_date": "2024-05-31",
                                        "amount": 1000 + i % 500, "state": "to_pay"} for i, e in enumerate(employees)])
        run = env["hr.payslip.run"].create({"name": "bench", "date_start": "2024-05-01", "date_end": "2024-05-31"})
        wizard = env["hr.payslip.employees"].create({"employee_ids": [(6, 0, employees.ids)]})
        env.flush_all()
        queries = cr.sql_log_count
        start = time.perf_counter()
        wizard.with_context(active_id=run.id).compute_sheet()
        env.flush_all()
        elapsed = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        assert len(run.slip_ids) == count
        if with_perf:
            perf = sum(run.slip_ids.line_ids.filtered(lambda line: line.code == "PERF").mapped("total"))
            assert round(perf, 2) == round(sum(1000 + i % 500 for i in range(count)), 2), perf
        cr.rollback()
    return elapsed, queries


if __name__ == "__main__":
    main()
