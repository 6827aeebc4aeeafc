"""A throw-away Odoo database for the benchmarks that need an importable Odoo 18.

    parser = argparse.ArgumentParser(); add_db_arguments(parser); args = parser.parse_args()
    odoo, options = odoo_options(args)
    create_database(options, db, "perf_appraisal")
    try: ... finally: drop_database(odoo, args, db)

Nothing here installs Odoo: it only runs the one that is importable.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

__all__ = ["add_db_arguments", "odoo_options", "create_database", "drop_database"]

ADDONS = Path(__file__).resolve().parent.parent / "odoo_addon_perf"


def add_db_arguments(parser) -> None:
    parser.add_argument("--db-host", default="")
    parser.add_argument("--db-port", default="")
    parser.add_argument("--db-user", default="")


def odoo_options(args):
    """(odoo, command-line options) with every addons folder and the connection, also set in
    Odoo's configuration for this process."""
    import odoo
    from odoo.tools import config

    # Every "<entry>/odoo/addons" on sys.path (Odoo's own, pip-installed OCA addons) and the
    # source tree's top-level addons folder, as tests/test_odoo_addons.py finds them.
    addons = [str(Path(p) / "odoo" / "addons") for p in sys.path if (Path(p) / "odoo" / "addons").is_dir()]
    source_addons = Path(odoo.__file__).resolve().parent.parent / "addons"
    if source_addons.is_dir():
        addons.append(str(source_addons))
    addons.append(str(ADDONS))
    options = ["--addons-path", ",".join(addons), "--without-demo", "all"]
    for flag, value in (("--db_host", args.db_host), ("--db_port", args.db_port), ("--db_user", args.db_user)):
        if value:
            options += [flag, value]
    config.parse_config(options)
    return odoo, options


def create_database(options, db: str, module: str) -> None:
    """A new database ``db`` with ``module`` installed (in a separate Odoo process)."""
    subprocess.run([sys.executable, "-m", "odoo", *options, "-d", db, "-i", module, "--stop-after-init",
                    "--log-level", "warn"], check=True)


def drop_database(odoo, args, db: str) -> None:
    odoo.sql_db.close_db(db)  # Odoo's pool keeps connections: close them, or dropdb waits and fails
    dropdb = ["dropdb", "--if-exists", db]
    for flag, value in (("-h", args.db_host), ("-p", args.db_port), ("-U", args.db_user)):
        if value:
            dropdb[1:1] = [flag, value]
    subprocess.run(dropdb, check=False)
