"""OCA's own linters over the addons: pylint-odoo (odoo_addon_perf/.pylintrc) and the
oca-odoo-pre-commit-hooks checks of XML, CSV and PO files; each also proven on a broken copy."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDONS_ROOT = ROOT / "odoo_addon_perf"
ADDONS = ["perf_appraisal", "perf_appraisal_payroll", "perf_appraisal_queue"]
PYLINTRC = ADDONS_ROOT / ".pylintrc"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def pylint(root: Path) -> subprocess.CompletedProcess[str]:
    return run(["-m", "pylint", f"--rcfile={PYLINTRC}", *ADDONS], cwd=root)


def oca_module_checks(root: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from oca_pre_commit_hooks.cli import main; sys.exit(main())"
    return run(["-c", code, *ADDONS], cwd=root)


def oca_po_checks(root: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from oca_pre_commit_hooks.cli_po import main; sys.exit(main())"
    po_files = sorted(str(p.relative_to(root)) for p in root.glob("*/i18n/*.po*"))
    assert po_files, "no translations found"
    return run(["-c", code, *po_files], cwd=root)


def output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


@pytest.fixture
def broken_copy(tmp_path: Path):
    """A copy of the addons with one edit (a regular expression applied once)."""
    def make(file: str, old: str, new: str) -> Path:
        root = tmp_path / "odoo_addon_perf"
        shutil.copytree(ADDONS_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
        target = root / file
        edited, count = re.subn(old, new, target.read_text(encoding="utf-8"), count=1, flags=re.DOTALL)
        assert count == 1, f"{old!r} not found in {file}"
        target.write_text(edited, encoding="utf-8")
        return root
    return make


def test_pylint_odoo_is_clean() -> None:
    result = pylint(ADDONS_ROOT)
    assert result.returncode == 0, output(result)


def test_pylint_odoo_catches_a_print_and_a_bad_version(broken_copy) -> None:
    root = broken_copy("perf_appraisal/models/perf_pay.py", r"(    def action_cancel\(self\):\n)",
                       r'\1        print("cancel")\n')
    (root / "perf_appraisal_payroll/__manifest__.py").write_text(
        re.sub(r'"18\.0\.\d+\.\d+\.\d+"', '"17.0.1.0.0"', (root / "perf_appraisal_payroll/__manifest__.py").read_text()))
    result = pylint(root)
    assert result.returncode != 0, output(result)
    assert re.search(r"perf_appraisal/models/perf_pay\.py:\d+: \[W8116\(print-used\)", result.stdout), output(result)
    assert re.search(r"perf_appraisal_payroll/__manifest__\.py:\d+: \[C8106\(manifest-version-format\)",
                     result.stdout), output(result)


def test_oca_module_checks_are_clean() -> None:
    result = oca_module_checks(ADDONS_ROOT)
    assert result.returncode == 0, output(result)


def test_oca_module_checks_catch_a_duplicate_record_id(broken_copy) -> None:
    root = broken_copy("perf_appraisal/views/perf_pay_views.xml", r'id="perf_pay_view_search"',
                       'id="perf_pay_view_list"')
    result = oca_module_checks(root)
    assert result.returncode != 0, output(result)
    assert "perf_pay_views.xml" in result.stdout and "xml-duplicate-record-id" in result.stdout, output(result)


def test_oca_po_checks_are_clean() -> None:
    result = oca_po_checks(ADDONS_ROOT)
    assert result.returncode == 0, output(result)


def test_oca_po_checks_catch_a_duplicate_message(broken_copy) -> None:
    # (a lost placeholder is not caught by OCA's po-msgstr-variables on Odoo 18 files: it reads
    # the "python-format" flag, which Odoo 18 exports as "#. odoo-python"; addon_checks does it)
    entry = '#. module: perf_appraisal\n#. odoo-python\n#: code:addons/perf_appraisal/models/perf_appraisal.py:0\n' \
            'msgid "%(grade)s is not a grade of this scheme (%(codes)s)."\nmsgstr "%(grade)s 不是本方案的等级（%(codes)s）。"\n'
    root = broken_copy("perf_appraisal/i18n/zh_CN.po", r"\Z", "\n" + entry)
    result = oca_po_checks(root)
    assert result.returncode != 0, output(result)
    assert "zh_CN.po" in result.stdout and "po-duplicate-message-definition" in result.stdout, output(result)
