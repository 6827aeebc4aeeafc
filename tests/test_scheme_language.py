"""Scheme validation (all problems at once, with path, line and value) and the formula language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfcore import FormulaError, SchemeError, compile_formula, load_preset, load_scheme, parse_scheme, preset_ids
from perfcore.presets import preset_path
from perfcore.yamlio import dump_text, load_document, parse_text


def scheme(**overrides):
    base = {"id": "x", "title": "x", "periods": ["month"],
            "indicators": [{"code": "a", "weight": 60}, {"code": "b", "weight": 40}],
            "grades": [{"code": "good", "min": 80}, {"code": "poor"}]}
    base.update(overrides)
    return base


def problems_of(data) -> list[str]:
    with pytest.raises(SchemeError) as info:
        parse_scheme(data)
    return [str(p) for p in info.value.problems]


def test_all_eighteen_presets_load():
    ids = preset_ids()
    assert len(ids) == 18
    for scheme_id in ids:
        assert load_preset(scheme_id).id == scheme_id


def test_every_assumption_parameter_cites_its_source():
    for scheme_id in preset_ids():
        for name, parameter in load_preset(scheme_id).parameters.items():
            if parameter.assumption:
                assert parameter.source, f"{scheme_id}.{name} is (A) without a source"


def test_every_parameter_reads_in_chinese_to_hr():
    """The scheme summary shows each parameter's name and note to HR: Chinese, no English sentence,
    no citation of a file outside the project."""
    import re
    for scheme_id in preset_ids():
        for name, parameter in load_preset(scheme_id).parameters.items():
            where = f"{scheme_id}.{name}"
            assert re.search(r"[\u4e00-\u9fff]", parameter.name or ""), f"{where} has no Chinese name"
            assert re.search(r"[\u4e00-\u9fff]", parameter.source), f"{where}: note {parameter.source!r}"
            assert not re.search(r"[A-Za-z]{3,}", parameter.source), f"{where}: English in {parameter.source!r}"


def test_all_semantic_problems_are_reported_together():
    found = problems_of(scheme(
        indicators=[{"code": "a", "weight": 60}, {"code": "b", "weight": 35}],
        events=[{"code": "e", "level": "indicator", "indicator": "zzz"}, {"code": "v", "kind": "veto"}],
        distribution={"mode": "cap", "quotas": [{"grade": "good", "percent": 70}, {"grade": "meh", "percent": 20}]},
    ))
    text = "\n".join(found)
    assert "indicator weights sum to 95, expected 100" in text
    assert "events[0].indicator: event 'e' names an unknown indicator (got 'zzz')" in text
    assert "veto event 'v' needs the scheme's veto_grade" in text
    assert "quota percentages of scheme 'x' sum to 90, expected 100" in text
    assert "distribution.quotas[1].grade: unknown grade (got 'meh')" in text
    assert len(found) == 5


def test_structural_problems_name_path_and_value():
    found = problems_of(scheme(periods=["month", "decade"], colour="red",
                               indicators=[{"code": "A b", "weight": 100}]))
    text = "\n".join(found)
    assert "periods[1]" in text and "'decade'" in text
    assert "unknown key 'colour'" in text
    assert "indicators[0].code" in text and "'A b'" in text


def test_points_must_sum_to_the_scheme_maximum():
    found = problems_of(scheme(total_max=100, indicators=[{"code": "a", "max": 30}, {"code": "b", "max": 60}]))
    assert any("maximum points sum to 90, expected 100" in p for p in found)


def test_rater_weights_must_sum_to_100():
    found = problems_of(scheme(raters=[{"code": "self", "weight": 30}, {"code": "boss", "weight": 60}]))
    assert any("rater weights of 'a' sum to 90, expected 100" in p for p in found)


def test_a_pool_names_only_its_members():
    found = problems_of(scheme(raters=[{"code": "functional", "pool": ["finance", "admin"],
                                        "pool_names": {"finance": "财务部", "hr": "人事部"}}]))
    assert any("raters[0].pool_names.hr: names a member not in the pool finance, admin (got 'hr')" in p for p in found)


def test_bad_formula_rejected_at_load_with_position():
    found = problems_of(scheme(indicators=[{"code": "a", "weight": 60, "formula": "b +* 2"},
                                           {"code": "b", "weight": 40, "formula": "__import__('os')"}]))
    text = "\n".join(found)
    assert "indicators[0].formula: formula 'b +* 2': syntax error" in text
    assert "indicators[1].formula" in text and "call of '__import__' is not allowed" in text


def test_unknown_name_in_formula_rejected():
    found = problems_of(scheme(indicators=[{"code": "a", "weight": 60, "formula": "b * salary"},
                                           {"code": "b", "weight": 40}]))
    assert any("unknown name 'salary'" in p and "column 5" in p for p in found)


def test_unknown_parameter_reference():
    found = problems_of(scheme(indicators=[{"code": "a", "weight": "$nope"}, {"code": "b", "weight": 40}]))
    assert any("indicators[0].weight: unknown parameter $nope" in p for p in found)


def test_problems_carry_file_and_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("id: x\ntitle: x\nperiods: [month]\nindicators:\n  - {code: a, weight: 60}\n"
                    "  - {code: b, weight: 35}\n", encoding="utf-8")
    with pytest.raises(SchemeError) as info:
        load_scheme(path)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.path) == (str(path), 4, "indicators")


def test_parameter_override_changes_the_scheme():
    nursing = load_preset("nursing", {"nd_points_per_failing_case": "5"})
    assert nursing.parameters["nd_points_per_failing_case"].value == Decimal(5)
    with pytest.raises(SchemeError):
        load_preset("nursing", {"nd_points_per_failing_case": "five"})


# -- formula language ----------------------------------------------------------------------

def test_formula_literals_are_exact_decimals():
    # 0.1 + 0.2 is exactly 0.3 in Decimal (it would be 0.30000000000000004 in float)
    assert compile_formula("0.1 + 0.2")({}) == Decimal("0.3")
    assert compile_formula("clamp(x * 1.5, 0, 100)")({"x": Decimal(80)}) == Decimal(100)
    assert compile_formula("round_half_up(2.345, 2)")({}) == Decimal("2.35")
    assert compile_formula("t[k]")({"t": {"a": Decimal(7)}, "k": "a"}) == Decimal(7)
    assert compile_formula("p if x in ['a', 'b'] else q")({"x": "b", "p": 1, "q": 2}) == 1


@pytest.mark.parametrize("source, message", [
    ("x.__class__", "Attribute is not allowed"),
    ("open('f')", "call of 'open' is not allowed"),
    ("(lambda: 1)()", "not allowed"),
    ("[i for i in x]", "ListComp is not allowed"),
    ("x ** 2", "Pow is not allowed"),
    ("x = 1", "syntax error"),
    ("max(x, key=abs)", "keyword arguments are not allowed"),
    ("", "empty formula"),
])
def test_formula_rejects_unsafe_or_malformed(source, message):
    with pytest.raises(FormulaError) as info:
        compile_formula(source)
    assert message in str(info.value)


def test_formula_division_by_zero_is_a_formula_error():
    with pytest.raises(FormulaError, match="division by zero"):
        compile_formula("a / b")({"a": Decimal(1), "b": Decimal(0)})


@pytest.mark.parametrize("scheme_id", preset_ids())
def test_every_preset_survives_dump_and_parse(scheme_id):
    """dump_text writes a document that reads back as the same scheme (numbers exact, $refs kept)."""
    document = load_document(preset_path(scheme_id))
    text = dump_text(document.data)
    again = parse_text(text, "dumped")
    assert again.data == document.data
    assert parse_scheme(again) == parse_scheme(document)


def test_dump_writes_numbers_as_written():
    """0.30 stays 0.30 (a float would print 0.3 and 0.1 + 0.2 would not be 0.3)."""
    text = dump_text({"a": Decimal("0.30"), "b": Decimal("30"), "c": "$rate", "d": "护士长"})
    assert text == "a: 0.30\nb: 30\nc: $rate\nd: 护士长\n"
    assert parse_text(text, "x").data == {"a": Decimal("0.30"), "b": Decimal("30"), "c": "$rate", "d": "护士长"}
