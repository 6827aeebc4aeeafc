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


def _odoo(database, db_name: str, *args: str) -> subprocess.CompletedProcess:
    host, port, user = database
    addons = ",".join([*ODOO["addons"], str(ADDONS)])
    cmd = [ODOO_PYTHON, "-m", "odoo", "--addons-path", addons, "-d", db_name, "--db_host", host,
           "--db_port", str(port), "--without-demo", "all", "--stop-after-init", "--log-level", "test",
           "--http-port", str(_free_port()), *args]
    if user:
        cmd += ["--db_user", user]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=3600)


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
    assert not skipped, (f"{what}: tests were skipped (install Debian's chromium and `pip install websocket-client` "
                         "in the Odoo environment):\n" + "\n".join(skipped))


def _installable(module: str) -> bool:
    return (ADDONS / module / "__manifest__.py").exists()


@pytest.mark.parametrize("module", ["perf_appraisal", "perf_appraisal_payroll"])
def test_addon_installs_upgrades_and_passes_its_tests(database, module):
    if not _installable(module):
        pytest.skip(f"{module} is not in this tree yet")
    db_name = f"perf_ci_{module}_{uuid.uuid4().hex[:8]}"
    _check(_odoo(database, db_name, "-i", module, "--test-enable", "--test-tags", f"/{module}"),
           f"install of {module} with its tests")
    _check(_odoo(database, db_name, "-u", module), f"upgrade of {module}")
