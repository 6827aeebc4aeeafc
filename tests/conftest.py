from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from perfcore import evaluate, load_preset
from perfcore.cli import app
from perfcore.result import Evaluation
from perfcore.yamlio import load_document

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"


def run_example(scheme_id: str) -> Evaluation:
    return evaluate(load_preset(scheme_id), load_document(EXAMPLES / f"{scheme_id}.yaml"))


#: Pay attributes for synthetic subjects of presets whose pay needs them.
PAY_ATTRIBUTES: dict[str, dict[str, Any]] = {
    "nursing": {"title": "nurse", "post": "outpatient", "bonus_base": 1000},
    "dept-quarterly": {"bonus_base": 1000},
}


def with_pay(scheme_id: str, subjects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    extra = PAY_ATTRIBUTES.get(scheme_id, {})
    return [{**s, "attributes": {**extra, **s.get("attributes", {})}} for s in subjects]


def run(scheme_id: str, data: dict[str, Any]) -> Evaluation:
    return evaluate(load_preset(scheme_id), {**data, "subjects": with_pay(scheme_id, data["subjects"])})


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return invoke


@pytest.fixture(autouse=True)
def english_by_default():
    """Tests read English unless they ask for another language (the CLI's --lang sets the process's)."""
    from perfcore.i18n import set_default_locale

    set_default_locale("en")
    yield
    set_default_locale("en")
