"""perfcore speaks the reader's language: every message has a zh_CN translation, reasons and
problems render in the locale asked for (the library's argument, the CLI's --lang or LANG), and
English stays the reference text."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from perfcore import InputError, Message, evaluate, load_preset, render, use_locale
from perfcore.i18n import locale_from_environment, normalize_locale
from perfcore.yamlio import load_document

from conftest import EXAMPLES

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import catalog  # noqa: E402


def test_every_message_has_a_zh_cn_translation():
    """The catalog holds every message of the code, translated, with only the fields the English has,
    and the shipped .mo is the .po compiled (tools/catalog.py --check)."""
    assert catalog.problems("zh_CN") == []
    assert len(catalog.extract()) > 300


def nursing():
    return evaluate(load_preset("nursing"), load_document(EXAMPLES / "nursing.yaml"))


def test_breakdown_in_chinese():
    """李四 (N002): 90 × 30% + 96 × 30% + 92 × 40% = 27 + 28.8 + 36.8 = 92.6; + 3 × 0.5 = 94.1; band 优秀, capped to 良好."""
    li = nursing().result("N002")
    reasons = [line.to_dict("zh_CN")["reason"] for line in li.breakdown]
    assert "护士长考核 90 × 30% = 27" in reasons
    assert "参加学习：3 × 0.5 = 1.5（计入总分）" in reasons
    assert "总分 94.1 四舍五入为 94.10" in reasons
    assert "等级 优秀：总分 94.10 ≥ 91" in reasons
    assert "ward-3组按比例上限分布（名额 优秀 1、良好 2、合格 1）：优秀名额已满，调整为良好" in reasons
    assert "患者满意度 = 92（由患者评分）" in reasons
    # no English template words left, no grade or role codes where the scheme has a name
    text = " ".join(reasons)
    for english in ("given by", "rounded", "distribution", "excellent", "superior", "on the total", "weighted sum"):
        assert english not in text, english


def test_messages_as_data_only_render_to_the_same_reasons():
    """to_dict(messages=True, reasons=False) stores each step's message without its text (the addon renders it
    for each reader): rendered, it is the reason to_dict gives — 李四's "护士长考核 90 × 30% = 27" included."""
    li = nursing().result("N002")
    full = li.to_dict("zh_CN", messages=True)
    lean = li.to_dict("zh_CN", messages=True, reasons=False)
    assert all("reason" not in line for line in lean["breakdown"] if "message" in line)
    rendered = [Message.from_json(line["message"]).render("zh_CN") if "message" in line else line["reason"]
                for line in lean["breakdown"]]
    assert rendered == [line["reason"] for line in full["breakdown"]]
    assert "护士长考核 90 × 30% = 27" in rendered


@pytest.mark.parametrize("example", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_every_stored_reason_renders_back_the_same(example):
    """For every shipped example: each step's message, stored as JSON and read back, renders the reason perfcore
    gave — in Chinese too, and with its own separators (the pay components' "; ", not the list's "、")."""
    document = load_document(EXAMPLES / f"{example}.yaml")
    evaluation = evaluate(load_preset(document.data["scheme"]), document)
    for result in evaluation.results:
        stored = json.loads(json.dumps(result.to_dict(messages=True, reasons=False), ensure_ascii=False))
        for line, step in zip(stored["breakdown"], result.breakdown):
            for locale in ("zh_CN", "en"):
                again = Message.from_json(line["message"]).render(locale) if "message" in line else line["reason"]
                assert again == render(step.message, locale), (example, result.id, line)


def test_english_is_unchanged():
    """The same step in English: the reference wording (codes included)."""
    li = nursing().result("N002")
    reasons = [line.reason for line in li.breakdown]
    assert "cap distribution in group ward-3 (quotas excellent 1, good 2, pass 1): excellent is full, moved to good" in reasons
    assert "患者满意度 patient = 92 (given by patient)" in reasons


def test_locale_of_the_block_and_messages_as_data():
    """use_locale() renders every message read inside it; a message survives JSON and renders again."""
    li = nursing().result("N002")
    line = li.breakdown[-1]
    with use_locale("zh_CN.UTF-8"):
        assert line.reason == "绩效工资 = 绩效奖金 1,317.40 = 1,317.40"
    assert line.reason == "pay = bonus 1,317.40 = 1,317.40"
    data = json.loads(json.dumps(line.message.to_json()))
    assert Message.from_json(data).render("zh_CN") == "绩效工资 = 绩效奖金 1,317.40 = 1,317.40"
    assert render(Message.from_json(data)) == "pay = bonus 1,317.40 = 1,317.40"


def test_problems_in_chinese():
    """An input problem names the same path and value, in the reader's language."""
    with pytest.raises(InputError) as caught:
        evaluate(load_preset("nursing"), {"period": "2024-05", "subjects": [
            {"id": "N1", "attributes": {"title": "nurse", "post": "ward_day", "bonus_base": 1000},
             "scores": {"patient": "120"}}]})
    problem = caught.value.problems[0]
    assert problem.render("zh_CN") == "<输入>: subjects[0].scores.patient: 患者满意度 的分数超出分值范围 0..100（得到 '120'）"
    assert str(problem) == "<input>: subjects[0].scores.patient: score of 'patient' out of its scale 0..100 (got '120')"
    with use_locale("zh_CN"):
        assert str(caught.value).startswith("1 个输入问题:")


def test_problems_name_inputs_and_indicators_as_the_scheme_does():
    """In Chinese a problem calls an input and an indicator by the scheme's names, not their codes
    (a clerk typed −1 failing cases; a nurse's satisfaction score came as a list)."""
    with pytest.raises(InputError) as caught:
        evaluate(load_preset("nursing"), {"period": "2024-05", "subjects": [
            {"id": "N1", "attributes": {"title": "nurse", "post": "ward_day", "bonus_base": 1000},
             "scores": {"nd_failing_cases": -1, "patient": [90, 91]}}]})
    shown = [p.render("zh_CN") for p in caught.value.problems]
    assert shown == ["<输入>: subjects[0].scores.nd_failing_cases: 录入项 护理部专项检查不合格例数 应不小于 0（得到 -1）",
                     "<输入>: subjects[0].scores.patient: 指标 患者满意度：多个分数需注明评分人，例如 {peer: [80, 84]}"
                     "（得到 [90, 91]）"], shown
    # English keeps the codes, the reference text
    assert any("input 'nd_failing_cases' must be at least 0" in str(p) for p in caught.value.problems)


def test_exclusions_read_as_the_scheme_labels_them():
    """An exclusion quoting a coded attribute shows its label; a history rule names the period kind and
    the grade (000 篇五: 年中考核 only for last year's 有待提高 / 急需提高)."""
    scheme = load_preset("semiannual-review")
    base = {"months_in_service": 12, "employment_status": "regular", "employment_type": "full_time"}
    result = evaluate(scheme, {"period": "2024-H1", "subjects": [
        {"id": "R1", "attributes": dict(base), "scores": {}},
        {"id": "R2", "attributes": dict(base), "scores": {},
         "history": [{"period": "2023", "grade": "good", "total": 85}]}]})
    with use_locale("zh_CN"):
        reasons = {r.id: str(r.excluded_reason) for r in result.results}
    assert reasons == {"R1": "年中考核只针对上年度考核为有待提高或急需提高的员工：此前没有年度等级",
                       "R2": "年中考核只针对上年度考核为有待提高或急需提高的员工：2023 等级为 良好"}, reasons
    sales = evaluate(load_preset("sales-staff"), {"period": "2024-05", "subjects": [
        {"id": "S9", "attributes": {"employment_status": "intern"}, "scores": {}}]})
    assert sales.results[0].excluded_reason == "实习员工不参加考核"  # intern's label is 实习


@pytest.mark.parametrize(("name", "expected"), [("zh_CN.UTF-8", "zh_CN"), ("zh-cn", "zh_CN"), ("zh", "zh_CN"),
                                               ("en_US.UTF-8", "en"), ("C", "en"), (None, "en"), ("fr_FR", "en")])
def test_locale_names(name, expected):
    assert normalize_locale(name) == expected


def test_locale_from_the_environment():
    """As gettext reads it: LANGUAGE, then LC_ALL, LC_MESSAGES, LANG."""
    assert locale_from_environment({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert locale_from_environment({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}) == "en"
    assert locale_from_environment({}) == "en"


def test_cli_follows_lang_and_the_option(cli, monkeypatch):
    """perfcore explain in Chinese by --lang, and by LANG when no --lang is given."""
    args = ("explain", "nursing", EXAMPLES / "nursing.yaml", "N002")
    result = cli("--lang", "zh_CN", *args)
    assert result.exit_code == 0, result.output
    assert "调整为良好" in result.output and "步骤" in result.output
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "调整为良好" in cli(*args).output
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert "moved to good" in cli(*args).output


def test_cli_json_reasons_in_the_language(cli):
    result = cli("--lang", "zh_CN", "evaluate", "nursing", EXAMPLES / "nursing.yaml", "--format", "json")
    data = json.loads(result.output)
    li = next(r for r in data["results"] if r["id"] == "N002")
    assert li["grade"] == "good"  # codes stay data
    assert any("调整为良好" in line["reason"] for line in li["breakdown"])


def test_cli_problems_in_chinese(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("period: '2024-05'\nsubjects:\n  - {id: N1, attributes: {title: nurse, post: ward_day, bonus_base: 1000},"
                   " scores: {patient: 120}}\n", encoding="utf-8")
    result = cli("--lang", "zh_CN", "evaluate", "nursing", bad)
    assert result.exit_code == 2
    assert "分数超出分值范围 0..100" in result.stderr and "共发现 1 个问题。" in result.stderr
