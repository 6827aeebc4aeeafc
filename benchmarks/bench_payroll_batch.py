"""Benchmark: OCA payroll's batch wizard for N employees, without and with perf_appraisal_payroll.

Run with a Python where Odoo 18 and OCA payroll are importable (nothing here installs Odoo):

    ODOO_PYTHON=/path/to/odoo-venv/bin/python
    $ODOO_PYTHON benchmarks/bench_payroll_batch.py --db-host /var/run/postgresql --db-user odoo [--employees 1000]

It creates two databases — payroll alone, and payroll with perf_appraisal_payroll — with N
employees on open contracts.  Both salary structures carry the same two rules, BASIC and a PERF
rule reading the payslip input PERF: in the first a plain rule with its input (OCA fills it with
0), in the second the bridge's rule, whose input carries one payable performance result per
employee.  So what differs is the bridge's own work (finding and summing the payable results,
the input lines it adds).  It then runs the "payslips by employees" wizard in the two databases
alternately (A B, B A, …; each run rolled back), after a warm-up of each, and prints every
round, the median seconds and queries of each, and the ratio of the medians.  The databases are
dropped at the end, also after a failure.  Not a test: a measurement.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

from odoo_db import add_db_arguments, create_database, drop_database, odoo_options
BASELINE, BRIDGE = "payroll only", "with perf_appraisal_payroll"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7, help="measured rounds per database (after one warm-up)")
    add_db_arguments(parser)
    args = parser.parse_args()

    odoo, options = odoo_options(args)
    tag = uuid.uuid4().hex[:6]
    runs = {BASELINE: ("payroll", f"bench_payroll_{tag}"), BRIDGE: ("perf_appraisal_payroll", f"bench_perf_{tag}")}
    try:
        for module, db in runs.values():
            create_database(options, db, module)
        for label, (module, db) in runs.items():
            prepare(odoo, db, args.employees, with_perf=label == BRIDGE)
        times: dict[str, list[float]] = {BASELINE: [], BRIDGE: []}
        queries: dict[str, list[int]] = {BASELINE: [], BRIDGE: []}
        for round_ in range(args.rounds + 1):
            order = (BASELINE, BRIDGE) if round_ % 2 else (BRIDGE, BASELINE)
            line = []
            for label in order:
                seconds, count = measure(odoo, runs[label][1], args.employees, with_perf=label == BRIDGE)
                line.append(f"{label}: {seconds:6.2f} s {count:6d} q")
                if round_:  # round 0 warms both up (registry, caches)
                    times[label].append(seconds)
                    queries[label].append(count)
            print(f"round {round_}{' (warm-up)' if not round_ else ''}: " + " | ".join(line), flush=True)
        medians = {label: (statistics.median(times[label]), statistics.median(queries[label])) for label in times}
        for label, (seconds, count) in medians.items():
            print(f"{label:>28}: median {seconds:6.2f} s  {count:8.0f} queries  ({args.employees} payslips)")
        (t0, q0), (t1, q1) = medians[BASELINE], medians[BRIDGE]
        print(f"ratio with/without (medians of {args.rounds} interleaved rounds): time {t1 / t0:.3f}, "
              f"queries {q1 / q0:.3f} (target time ratio ≤ 1.10)")
    finally:
        for _module, db in runs.values():
            drop_database(odoo, args, db)


def prepare(odoo, db: str, count: int, with_perf: bool) -> None:
    """Employees, contracts on a BASIC + PERF structure, and (bridge) their payable results; committed."""
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
        else:  # the same rule and input, plain: what a payroll without the bridge would carry
            perf_category = env["hr.salary.rule.category"].create({"name": "Performance Pay", "code": "PERF"})
            plain = env["hr.salary.rule"].create({
                "name": "Performance Pay", "code": "PERF", "sequence": 150, "category_id": perf_category.id,
                "condition_select": "python",
                "condition_python": "result = bool(inputs.PERF) and inputs.PERF.contract_id.id == contract.id",
                "amount_select": "code", "amount_python_compute": "result = inputs.PERF.amount if inputs.PERF else 0.0"})
            env["hr.rule.input"].create({"name": "Performance Pay", "code": "PERF", "input_id": plain.id})
            rules |= plain
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
        cr.commit()


def measure(odoo, db: str, count: int, with_perf: bool) -> tuple[float, int]:
    """One run of the batch wizard over every employee, rolled back afterwards."""
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        employees = env["hr.employee"].search([("name", "=like", "E%")])
        run = env["hr.payslip.run"].create({"name": "bench", "date_start": "2024-05-01", "date_end": "2024-05-31"})
        wizard = env["hr.payslip.employees"].create({"employee_ids": [(6, 0, employees.ids)]})
        env.flush_all()
        env.invalidate_all()
        queries = cr.sql_log_count
        start = time.perf_counter()
        wizard.with_context(active_id=run.id).compute_sheet()
        env.flush_all()
        elapsed = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        assert len(run.slip_ids) == count
        perf = sum(run.slip_ids.line_ids.filtered(lambda line: line.code == "PERF").mapped("total"))
        expected = sum(1000 + i % 500 for i in range(count)) if with_perf else 0
        assert round(perf, 2) == round(expected, 2), (perf, expected)
        cr.rollback()
    return elapsed, queries


if __name__ == "__main__":
    main()
