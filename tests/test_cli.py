"""The CLI commands on the shipped presets and examples."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import EXAMPLES
from perfcore import preset_ids


def test_schemes_lists_all_presets(cli):
    result = cli("schemes")
    assert result.exit_code == 0
    for scheme_id in preset_ids():
        assert scheme_id in result.stdout
    assert "护士绩效奖金" in result.stdout


def test_show_describes_a_preset(cli):
    result = cli("show", "nursing")
    assert result.exit_code == 0
    for text in ("head_nurse", "护士长考核", "30%", "excellent", "cap", "praise", "nd_points_per_failing_case"):
        assert text in result.stdout


@pytest.mark.parametrize("scheme_id", preset_ids())
def test_evaluate_json_for_every_preset(cli, scheme_id):
    result = cli("evaluate", scheme_id, EXAMPLES / f"{scheme_id}.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scheme"] == scheme_id and data["results"]
    for subject in data["results"]:
        assert {"id", "eligible", "excluded_reason", "total", "grade", "grade_label", "rank", "flags", "pay",
                "breakdown"} <= set(subject)
        if subject["total"] is not None:
            assert isinstance(subject["total"], str) and len(subject["total"].split(".")[1]) == 2
        assert all(line["reason"] for line in subject["breakdown"])


def test_evaluate_csv_and_output_file(cli, tmp_path):
    target = tmp_path / "out" / "nursing.csv"
    result = cli("evaluate", "nursing", EXAMPLES / "nursing.yaml", "--format", "csv", "--output", target)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["id"], r["total"], r["grade"]) for r in rows][:2] == [("N001", "102.10", "excellent"),
                                                                    ("N002", "94.10", "good")]
    assert not list(target.parent.glob(".*tmp"))  # no temporary file left behind


def test_failed_evaluation_writes_nothing(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text('period: "2024-05"\nsubjects:\n  - {id: A, scores: {patient: 300}}\n', encoding="utf-8")
    target = tmp_path / "out.json"
    result = cli("evaluate", "nursing", bad, "--format", "json", "--output", target)
    assert result.exit_code == 2 and not target.exists()


def test_explain_shows_every_step_of_one_subject(cli):
    result = cli("explain", "nursing", EXAMPLES / "nursing.yaml", "N002")
    assert result.exit_code == 0
    for text in ("hn_completion", "nursing_dept", "max(0, 100", "study_session", "3 × 0.5 = 1.5",
                 "excellent is full, moved to good", "total 94.10"):
        assert text in result.stdout


def test_explain_unknown_subject(cli):
    result = cli("explain", "nursing", EXAMPLES / "nursing.yaml", "N999")
    assert result.exit_code == 2 and "no subject 'N999'" in result.stderr


def test_validate_scheme_and_period_files(cli):
    assert cli("validate", EXAMPLES.parent / "schemes" / "nursing.yaml").exit_code == 0
    result = cli("validate", EXAMPLES / "nursing.yaml")
    assert result.exit_code == 0 and "valid period input for scheme nursing (7 subjects)" in result.stdout


def test_scheme_file_path_and_param_override(cli):
    scheme_file = EXAMPLES.parent / "schemes" / "budget-unit.yaml"
    result = cli("evaluate", scheme_file, EXAMPLES / "budget-unit.yaml", "--format", "json", "-p", "review_share=0.5")
    assert result.exit_code == 0
    b02 = next(r for r in json.loads(result.stdout)["results"] if r["id"] == "B02")
    # 0.5 × 84.5 + 0.5 × 90 = 42.25 + 45 = 87.25
    assert b02["total"] == "87.25"


def test_screen_reports_eligibility_without_scores():
    from perfcore import load_preset, screen

    reasons = screen(load_preset("sales-staff"), {"period": "2024-05", "subjects": [
        {"id": "A", "attributes": {"employment_status": "regular"}},
        {"id": "B", "attributes": {"employment_status": "intern"}}]})
    assert reasons == {"A": None, "B": "实习员工不参加考核"}  # intern, as the scheme labels it
