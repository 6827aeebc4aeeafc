"""Fault drill on real workers: kill -9 the worker running a part of a queued step, then finish it
from the cycle as HR would.

Run with a Python where Odoo 18 and OCA queue_job are importable (nothing here installs Odoo):

    ODOO_BIN=…/odoo-bin $ODOO_PYTHON benchmarks/kill_worker.py --db-host /var/run/postgresql --db-user odoo [--size 2000]

It creates a database with perf_appraisal_queue and SIZE nurses, starts Odoo with two workers and
the job runner (``--workers 2 --load web,queue_job``, channel ``root:2``), and, as an HR officer
over JSON-RPC, presses Start: the step runs as parts of ``--chunk`` nurses. When a part is
*started* it kills its worker (SIGKILL), waits until the cycle shows the part as failed ("its
worker stopped", after ``perf_appraisal_queue.stale_after`` seconds), presses Retry, and waits for
the step to end. The same for Compute, for Compute again with the kill in the step's finishing
job (ranks and the cycle's state), and for Publish. It prints what it saw and checks: one
appraisal with a result, one publication notice and one payable amount a nurse. Not a test (it
needs real processes): a drill.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from http.cookiejar import CookieJar

from odoo_db import add_db_arguments, create_database, drop_database, odoo_options


def main() -> None:
    parser = argparse.ArgumentParser()
    add_db_arguments(parser)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--stale-after", type=int, default=15, help="seconds (perf_appraisal_queue.stale_after)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    odoo, options = odoo_options(args)
    db = f"kill_worker_{uuid.uuid4().hex[:6]}"
    create_database(options, db, "perf_appraisal_queue")
    server = None
    try:
        cycle_id = prepare(odoo, db, args)
        port = free_port()
        env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS="root:2")
        # odoo-bin, not "-m odoo": the prefork server starts its gevent worker as sys.argv[0] again
        launcher = [sys.executable, os.environ["ODOO_BIN"]] if os.environ.get("ODOO_BIN") else [sys.executable, "-m", "odoo"]
        server = subprocess.Popen([*launcher, *options, "-d", db, "--db-filter", f"^{db}$",
                                   "--workers", "2", "--load", "web,queue_job", "--http-port", str(port),
                                   "--limit-time-real", "600", "--max-cron-threads", "0", "--log-level", "warn"],
                                  env=env)
        rpc = Rpc(port, db)
        rpc.wait_up()
        rpc.login("kill_officer", "kill_officer")
        drill(odoo, db, rpc, cycle_id, "action_start", "start", args)
        enter_scores(odoo, db, cycle_id)
        drill(odoo, db, rpc, cycle_id, "action_compute", "compute", args)
        drill(odoo, db, rpc, cycle_id, "action_compute", "compute again", args, job=FINISH_JOB)
        approve(odoo, db, cycle_id)
        drill(odoo, db, rpc, cycle_id, "action_publish", "publish", args)
        check(odoo, db, cycle_id, args.size)
    finally:
        if server:
            server.terminate()
            server.wait(30)
        if not args.keep:
            drop_database(odoo, args, db)


def prepare(odoo, db, args) -> int:
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        params = env["ir.config_parameter"]
        params.set_param("perf_appraisal_queue.threshold", "100")
        params.set_param("perf_appraisal_queue.chunk_size", str(args.chunk))
        params.set_param("perf_appraisal_queue.stale_after", str(args.stale_after))
        env["res.users"].create({"name": "HR", "login": "kill_officer", "password": "kill_officer",
                                 "groups_id": [(6, 0, [env.ref("base.group_user").id,
                                                       env.ref("perf_appraisal.group_perf_officer").id])]})
        wards = env["hr.department"].create([{"name": f"W{w}"} for w in range(max(1, args.size // args.chunk))])
        users = env["res.users"].create([{"name": f"N{i:05d}", "login": f"kill_nurse_{i}"} for i in range(args.size)])
        nurses = env["hr.employee"].create([{"name": u.name, "user_id": u.id, "department_id": wards[i % len(wards)].id}
                                            for i, u in enumerate(users)])
        for code, value in (("title", "nurse"), ("post", "ward_day"), ("bonus_base", 1000)):
            nurses.set_perf_attribute(code, value)
        scheme = env["perf.scheme"].search([("code", "=", "nursing"), ("is_preset", "=", True)])
        cycle = env["perf.cycle"].create({"name": "2024-05", "scheme_id": scheme.id, "date_from": "2024-05-01",
                                          "date_to": "2024-05-31", "employee_ids": [(6, 0, nurses.ids)]})
        return cycle.id


PART_JOB, FINISH_JOB = "_perf_chunk_job", "_perf_done_job"


def drill(odoo, db, rpc, cycle_id, action, step, args, job=PART_JOB) -> None:
    """Press ``action``, SIGKILL the worker once a ``job`` of it is started, Retry from the cycle."""
    t0 = time.monotonic()
    since = query(odoo, db, "SELECT coalesce(max(id), 0) FROM queue_job")[0][0]
    rpc.call("perf.cycle", action, [[cycle_id]])
    print(f"{step}: pressed, answered in {time.monotonic() - t0:.2f} s", flush=True)
    pid = None
    while pid is None and time.monotonic() - t0 < 300:
        row = query(odoo, db, "SELECT worker_pid FROM queue_job WHERE id > %s AND state = 'started' AND "
                    "method_name = %s AND worker_pid IS NOT NULL ORDER BY id LIMIT 1", (since, job))
        pid = row[0][0] if row else None
        time.sleep(0.02)
    if pid is None:
        raise SystemExit(f"{step}: no {job} was seen running")
    os.kill(pid, signal.SIGKILL)
    print(f"{step}: killed worker {pid} at {time.monotonic() - t0:.1f} s", flush=True)
    while True:
        [cycle] = rpc.call("perf.cycle", "read", [[cycle_id], ["step_running", "step_failure"]])
        if cycle["step_failure"] and "worker" in cycle["step_failure"]:
            break
        if not cycle["step_running"]:
            raise SystemExit(f"{step}: the step ended without the killed part (a part lost?)")
        time.sleep(1)
    print(f"{step}: the cycle says {cycle['step_failure']!r} at {time.monotonic() - t0:.1f} s", flush=True)
    rpc.call("perf.cycle", "action_retry_step", [[cycle_id]])
    while rpc.call("perf.cycle", "read", [[cycle_id], ["step_running"]])[0]["step_running"]:
        time.sleep(1)
    print(f"{step}: finished after Retry at {time.monotonic() - t0:.1f} s", flush=True)


def enter_scores(odoo, db, cycle_id) -> None:
    """Every line scored, in this process (not the drill)."""
    from odoo import SUPERUSER_ID, api
    from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        lines = env["perf.score"].search([("cycle_id", "=", cycle_id)])
        with workflow():
            for code, value in {"head_nurse": 90, "nursing_dept": 88, "patient": 92}.items():
                lines.filtered(lambda s, c=code: s.code == c).write({"value": value, "rated": True})
            lines.write({"settled": True})


def approve(odoo, db, cycle_id) -> None:
    """Calibration and approvals in this process (synchronously: not the drill)."""
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"queue_job__no_delay": True})
        cycle = env["perf.cycle"].browse(cycle_id)
        cycle.action_calibrate()
        cycle.action_to_approval()
        cycle.appraisal_ids.action_confirm()
        cycle.appraisal_ids.action_approve()


def check(odoo, db, cycle_id, size) -> None:
    appraisals = query(odoo, db, "SELECT count(*), count(DISTINCT employee_id) FROM perf_appraisal WHERE cycle_id = %s",
                       (cycle_id,))[0]
    scored = query(odoo, db, "SELECT count(*) FROM perf_appraisal WHERE cycle_id = %s AND total_exact IS NOT NULL "
                   "AND rank > 0", (cycle_id,))[0][0]
    published = query(odoo, db, "SELECT count(*) FROM perf_appraisal WHERE cycle_id = %s AND state = 'published'",
                      (cycle_id,))[0][0]
    notices = query(odoo, db, "SELECT res_id, count(*) FROM mail_message WHERE model = 'perf.appraisal' AND "
                    "message_type = 'comment' AND res_id IN (SELECT id FROM perf_appraisal WHERE cycle_id = %s) "
                    "GROUP BY res_id", (cycle_id,))
    pays = query(odoo, db, "SELECT appraisal_id, count(*) FROM perf_pay WHERE appraisal_id IN (SELECT id FROM "
                 "perf_appraisal WHERE cycle_id = %s) AND state != 'cancelled' GROUP BY appraisal_id", (cycle_id,))
    seen = {"appraisals": appraisals, "with a result and a rank": scored, "published": published, "notified": len(notices),
            "notices a person": sorted({n for _id, n in notices}), "pay a person": sorted({n for _id, n in pays})}
    print(json.dumps(seen))
    expected = {"appraisals": [size, size], "with a result and a rank": size, "published": size, "notified": size, "notices a person": [1],
                "pay a person": [1]}
    print("OK" if json.loads(json.dumps(seen)) == expected else f"NOT OK: expected {expected}")


def query(odoo, db, sql, params=()):
    with odoo.sql_db.db_connect(db).cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Rpc:
    def __init__(self, port, db):
        self.url, self.db = f"http://127.0.0.1:{port}", db
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(self.url + path, body, {"Content-Type": "application/json"})
        answer = json.loads(self.opener.open(request, timeout=600).read())
        if "error" in answer:
            raise SystemExit(f"{path}: {answer['error']['data']['message']}")
        return answer["result"]

    def wait_up(self):
        for _ in range(120):
            try:
                urllib.request.urlopen(self.url + "/web/login", timeout=5)
                return
            except OSError:
                time.sleep(1)
        raise SystemExit("Odoo did not start")

    def login(self, login, password):
        self.post("/web/session/authenticate", {"db": self.db, "login": login, "password": password})

    def call(self, model, method, args, kwargs=None):
        return self.post(f"/web/dataset/call_kw/{model}/{method}",
                         {"model": model, "method": method, "args": args, "kwargs": kwargs or {}})


if __name__ == "__main__":
    main()
