"""Runs the Odoo addons' own tests against an Odoo 18 that is already importable.

Nothing here builds or installs Odoo.  Point ``ODOO_PYTHON`` at a Python where
``import odoo`` works (Odoo 18 source on its path, OCA ``payroll`` installed with
``--no-deps``).  Without it these tests are skipped, saying why.  When no database
server is reachable through ``PGHOST``, a private PostgreSQL cluster is created in a
temporary folder, started for the run and stopped afterwards.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "odoo_addon_perf"
LOG_RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ")
ODOO_PYTHON = os.environ.get("ODOO_PYTHON", "")

_PROBE = """
import json, os, sys, odoo
paths = [os.path.join(p, "odoo", "addons") for p in sys.path if os.path.isdir(os.path.join(p, "odoo", "addons"))]
source_addons = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons")
if os.path.isdir(source_addons):
    paths.append(source_addons)
print(json.dumps({"version": odoo.release.version, "addons": paths}))
"""


def _probe() -> dict | None:
    if not ODOO_PYTHON:
        return None
    done = subprocess.run([ODOO_PYTHON, "-c", _PROBE], capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 else None


ODOO = _probe()
pytestmark = pytest.mark.skipif(
    ODOO is None or not str(ODOO.get("version", "")).startswith("18."),
    reason="Odoo addon tests skipped: no Odoo 18 importable — set ODOO_PYTHON to a Python where `import odoo` "
    "works" + (f" (ODOO_PYTHON={ODOO_PYTHON} could not import odoo 18)" if ODOO_PYTHON else ""),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="module")
def database():
    """(host, port, user) of a PostgreSQL for the run: PGHOST's, or a private one started here."""
    if os.environ.get("PGHOST") and shutil.which("psql") and subprocess.run(
            ["psql", "-d", "postgres", "-Atc", "select 1"], capture_output=True).returncode == 0:
        yield os.environ["PGHOST"], os.environ.get("PGPORT", "5432"), os.environ.get("PGUSER", "")
        return
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        pytest.skip("Odoo addon tests skipped: no PostgreSQL server binaries (apt-get install postgresql)")
    bindir = Path(binaries[-1]).parent
    work = Path(tempfile.mkdtemp(prefix="perf-pg-"))
    data, sockets = work / "data", work / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
        shutil.chown(sockets, "postgres")
    port = str(_free_port())
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", user, "-A", "trust"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(work / "pg.log"), "-o",
                                 f"-k {sockets} -p {port} -c listen_addresses=''", "start"]),
                   check=True, capture_output=True)
    try:
        # Odoo refuses to connect as "postgres": give it a role of its own.
        subprocess.run(_as_postgres([str(bindir / "psql"), "-h", str(sockets), "-p", port, "-U", user, "-d", "postgres",
                                     "-c", "CREATE ROLE perf_ci SUPERUSER LOGIN"]), check=True, capture_output=True)
        yield str(sockets), port, "perf_ci"
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def _odoo(database, db_name: str, *args: str, addons: list[str] | None = None, env: dict | None = None,
          demo: bool = False) -> subprocess.CompletedProcess:
    host, port, user = database
    addons_path = ",".join(addons if addons is not None else [*ODOO["addons"], str(ADDONS)])
    cmd = [ODOO_PYTHON, "-m", "odoo", "--addons-path", addons_path, "-d", db_name, "--db_host", host,
           "--db_port", str(port), *([] if demo else ["--without-demo", "all"]), "--stop-after-init", "--log-level",
           "test", "--http-port", str(_free_port()), *args]
    if user:
        cmd += ["--db_user", user]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=env)


def _error_records(log: str) -> list[str]:
    """ERROR/CRITICAL log records with their continuation lines (a failing test's traceback)."""
    records: list[str] = []
    keep = False
    for line in log.splitlines():
        if LOG_RECORD_START.match(line):
            keep = " ERROR " in line or " CRITICAL " in line
        if keep:
            records.append(line)
    return records


SKIPPED = re.compile(r"INFO \S+ (\S+): skipped (\S+) : (.*)$")


def _check(done: subprocess.CompletedProcess, what: str) -> None:
    errors = _error_records(done.stderr)
    assert done.returncode == 0 and not errors, f"{what} failed:\n" + "\n".join(errors[-80:] or done.stderr.splitlines()[-40:])
    # A test Odoo skips (a browser tour without Chromium or websocket-client) has not passed.
    skipped = [f"{m.group(2)}: {m.group(3)}" for m in map(SKIPPED.search, done.stderr.splitlines()) if m]
    assert not skipped, (f"{what}: tests were skipped (install Debian's chromium and `pip install websocket-client "
                         "hypothesis` in the Odoo environment):\n" + "\n".join(skipped))


def _installable(module: str) -> bool:
    return (ADDONS / module / "__manifest__.py").exists()


#: OCA queue_job beside Odoo (``pip install --no-deps odoo-addon-queue_job``): the glue module needs it.
HAS_QUEUE_JOB = ODOO is not None and any((Path(p) / "queue_job" / "__manifest__.py").exists() for p in ODOO["addons"])


@pytest.mark.parametrize("module", ["perf_appraisal", "perf_appraisal_payroll", "perf_appraisal_queue"])
def test_addon_installs_upgrades_and_passes_its_tests(database, module):
    if not _installable(module):
        pytest.skip(f"{module} is not in this tree yet")
    if module == "perf_appraisal_queue" and not HAS_QUEUE_JOB:
        pytest.skip("perf_appraisal_queue skipped: OCA queue_job is not beside Odoo "
                    "(pip install --no-deps 'odoo-addon-queue_job==18.0.*' into ODOO_PYTHON's environment)")
    db_name = f"perf_ci_{module}_{uuid.uuid4().hex[:8]}"
    _check(_odoo(database, db_name, "-i", module, "--test-enable", "--test-tags", f"/{module}"),
           f"install of {module} with its tests")
    _check(_odoo(database, db_name, "-u", module), f"upgrade of {module}")


_WHERE = """
import json, sys, odoo
from odoo.modules.module import get_module_path
odoo.tools.config.parse_config(sys.argv[1:])
odoo.modules.module.initialize_sys_path()
db = odoo.tools.config["db_name"]
with odoo.registry(db).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    states = {m.name: m.state for m in env["ir.module.module"].search([("name", "like", "perf_appraisal%")])}
print(json.dumps({"states": states, "paths": {m: get_module_path(m) for m in states}}))
"""


def test_wheels_build_and_install_from_site_packages(database, tmp_path):
    """The addons build as OCA-style wheels (whool) from a clone, install with pip beside perfcore's
    wheel, and Odoo installs them from there — this tree is not on its addons path."""
    clone, dist, site = tmp_path / "clone", tmp_path / "dist", tmp_path / "site"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    built = subprocess.run([ODOO_PYTHON, "-m", "pip", "wheel", "--no-deps", "-w", str(dist),
                            str(clone / "odoo_addon_perf" / "perf_appraisal"),
                            str(clone / "odoo_addon_perf" / "perf_appraisal_payroll"),
                            str(clone / "odoo_addon_perf" / "perf_appraisal_queue"), str(clone)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    wheels = sorted(p.name for p in dist.glob("*.whl"))
    assert [w.split("-")[0] for w in wheels] == ["odoo_addon_perf_appraisal", "odoo_addon_perf_appraisal_payroll",
                                                "odoo_addon_perf_appraisal_queue", "perfcore"], wheels
    import zipfile

    def requires(name: str) -> set[str]:
        wheel = next(dist.glob(f"{name}-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            lines = archive.read(metadata).decode().splitlines()
        return {line.split(": ", 1)[1] for line in lines if line.startswith("Requires-Dist: ")}

    assert {"perfcore", "openpyxl", "odoo==18.0.*"} <= requires("odoo_addon_perf_appraisal")
    assert {"odoo-addon-perf_appraisal==18.0.*", "odoo-addon-payroll==18.0.*"} <= requires(
        "odoo_addon_perf_appraisal_payroll")
    assert {"odoo-addon-perf_appraisal==18.0.*", "odoo-addon-queue_job==18.0.*"} <= requires(
        "odoo_addon_perf_appraisal_queue")
    # Odoo itself is not a pip distribution in this environment: the wheels' own dependencies only
    installed = subprocess.run([ODOO_PYTHON, "-m", "pip", "install", "--no-deps", "--target", str(site),
                                *map(str, dist.glob("*.whl"))], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert (site / "odoo" / "addons" / "perf_appraisal" / "__manifest__.py").exists()
    assert (site / "perfcore" / "locale" / "zh_CN" / "LC_MESSAGES" / "perfcore.mo").exists()
    env = {**os.environ, "PYTHONPATH": str(site)}
    db_name = f"perf_ci_wheels_{uuid.uuid4().hex[:8]}"
    modules = ["perf_appraisal_payroll", *(["perf_appraisal_queue"] if HAS_QUEUE_JOB else [])]
    _check(_odoo(database, db_name, "-i", ",".join(modules), addons=ODOO["addons"], env=env),
           "install of the addons from their wheels")
    host, port, user = database
    where = subprocess.run([ODOO_PYTHON, "-c", _WHERE, "-d", db_name, "--db_host", host, "--db_port", str(port),
                            *(["--db_user", user] if user else []), "--addons-path", ",".join(ODOO["addons"])],
                           capture_output=True, text=True, env=env, cwd=tmp_path)
    assert where.returncode == 0, where.stderr[-3000:]
    found = json.loads(where.stdout.strip().splitlines()[-1])
    if not HAS_QUEUE_JOB:  # listed, but not installable without queue_job
        found["states"].pop("perf_appraisal_queue", None)
        found["paths"].pop("perf_appraisal_queue", None)
    assert found["states"] == {module: "installed" for module in
                               ("perf_appraisal", "perf_appraisal_payroll", *modules[1:])}
    for module, path in found["paths"].items():
        assert path.startswith(str(site)), (module, path)


_DEMO = """
import json, sys, odoo
odoo.tools.config.parse_config(sys.argv[1:])
with odoo.registry(odoo.tools.config["db_name"]).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    cycles = env["perf.cycle"].search([], order="date_from")
    print(json.dumps({
        "cycles": [(c.state, len(c.appraisal_ids)) for c in cycles],
        "published_pay": sorted("%.2f" % p.amount for p in cycles[:1].appraisal_ids.pay_ids),
        "appeals": env["perf.appeal"].search_count([]),
        "wards": sorted(env["hr.department"].search([("parent_id.name", "=", "护理部")]).mapped("name")),
        "logins": env["res.users"].search_count([("login", "like", "demo_nurse_%")]),
        "chatter": sorted({m.body.striptags() if hasattr(m.body, "striptags") else str(m.body)
                           for m in env["mail.message"].search([("model", "like", "perf.%")])}),
    }))
"""


def test_demo_data_gives_a_hospital(database):
    """Installed with demo data, the app shows a hospital's month: 护理部 with two wards, ten nurses with
    logins, last month published (with an appeal and its pay) and this month running."""
    db_name = f"perf_ci_demo_{uuid.uuid4().hex[:8]}"
    _check(_odoo(database, db_name, "-i", "perf_appraisal", "--load-language", "zh_CN", demo=True),
           "install of perf_appraisal with demo data")
    host, port, user = database
    done = subprocess.run([ODOO_PYTHON, "-c", _DEMO, "-d", db_name, "--db_host", host, "--db_port", str(port),
                           *(["--db_user", user] if user else []),
                           "--addons-path", ",".join([*ODOO["addons"], str(ADDONS)])], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["cycles"] == [["published", 10], ["running", 10]]
    assert (found["appeals"], found["wards"], found["logins"]) == (1, ["心内科病区", "急诊科"], 10)
    # the chatter written at install reads Chinese (已计算：已评分 10 …), not the labels of before the
    # module's translations were loaded (Scored 10, Appraisal Scheme 创建)
    english = [text for text in found["chatter"] if "Scored" in text or "Appraisal Scheme" in text]
    assert not english, english
    # 张晓红: 92 × 30 % + 95 × 30 % + 90 × 40 % = 92.10, +10 表扬 = 102.10; × 1.2 (主管护师) × 1.5 (夜班) ×
    # 1000 / 100 = 1837.80 — the nursing example's first nurse, as demo data
    assert "1837.80" in found["published_pay"]
