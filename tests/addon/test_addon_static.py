"""The shipped addons pass every static check (no Odoo needed; see addon_checks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from addon_checks import CHECKS, load_repo, run_checks

ADDONS_ROOT = Path(__file__).resolve().parents[2] / "odoo_addon_perf"
REPO = load_repo(ADDONS_ROOT)


ADDONS = ["perf_appraisal", "perf_appraisal_payroll", "perf_appraisal_queue"]


def test_every_addon_is_found() -> None:
    assert sorted(REPO.addons) == ADDONS


def test_the_checker_reads_the_models_and_views() -> None:
    """Guards against a checker that passes because it sees nothing."""
    addon = REPO.addons["perf_appraisal"]
    created = {name for name, infos in addon.models.items() if any(i.new for i in infos)}
    assert {"perf.cycle", "perf.appraisal", "perf.score", "perf.pay", "perf.appeal"} <= created
    assert REPO.model_fields(addon, "perf.cycle")["appraisal_ids"] == "perf.appraisal"
    # related Many2one: perf.appraisal.user_id = employee_id.user_id
    assert REPO.model_fields(addon, "perf.appraisal")["user_id"] == "res.users"
    # hr.employee as extended by the mixin and the addon
    assert "perf_attribute_ids" in REPO.model_fields(addon, "hr.employee")
    assert "action_compute" in REPO.model_methods(addon, "perf.cycle")
    bridge = REPO.addons["perf_appraisal_payroll"]
    assert "payslip_id" in REPO.model_fields(bridge, "perf.pay")
    assert "payslip_id" not in REPO.model_fields(addon, "perf.pay")  # not visible upstream
    glue = REPO.addons["perf_appraisal_queue"]
    assert "step_progress" in REPO.model_fields(glue, "perf.cycle")
    assert "action_retry_step" in REPO.model_methods(glue, "perf.cycle")


@pytest.mark.parametrize("check", sorted(CHECKS))
@pytest.mark.parametrize("addon", ADDONS)
def test_addon_is_clean(addon: str, check: str) -> None:
    problems = run_checks(REPO, addon, [check])
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(map(str, problems))
