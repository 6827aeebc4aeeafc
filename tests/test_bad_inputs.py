"""Bad input through the CLI: exit code 2, one message per problem naming file, field and value."""

from __future__ import annotations

import textwrap

import pytest

NURSE = ("  - {id: N1, attributes: {title: nurse, post: ward_day, bonus_base: 1000},"
         " scores: {head_nurse: 90, nursing_dept: 90, patient: 90}}\n")
GOOD_SCHEME = """\
id: tiny
title: tiny
periods: [month]
indicators:
  - {code: a, weight: 60}
  - {code: b, weight: 40}
grades:
  - {code: good, min: 80}
  - {code: poor}
"""


def period(body: str, period: str = "2024-05") -> str:
    return f'period: "{period}"\nsubjects:\n' + textwrap.dedent(body)


# (name, scheme, file name, file text, extra args, texts the error output must contain)
CASES = [
    ("weights-not-100", "scheme", "s.yaml", GOOD_SCHEME.replace("weight: 40", "weight: 35"), [],
     ["indicators", "sum to 95, expected 100"]),
    ("unknown-event-code", "nursing", "p.yaml", period(NURSE.replace("}}", "}, events: [{code: bribe}]}")), [],
     ["subjects[0].events[0].code", "unknown event code", "'bribe'"]),
    ("unknown-score-code", "nursing", "p.yaml", period(NURSE.replace("patient: 90", "patient: 90, charm: 5")), [],
     ["subjects[0].scores.charm", "unknown score code"]),
    ("out-of-range-score", "nursing", "p.yaml", period(NURSE.replace("patient: 90", "patient: 105")), [],
     ["subjects[0].scores.patient", "out of its scale 0..100", "105"]),
    ("ranged-event-without-points", "admin-dept", "p.yaml",
     period("  - {id: A, attributes: {position: driver}, scores: {vehicle_score: 90}, events: [{code: attitude_violation}]}\n"),
     [], ["subjects[0].events[0].points", "needs explicit points within -5..-2"]),
    ("ranged-event-outside-range", "admin-dept", "p.yaml",
     period("  - {id: A, attributes: {position: driver}, scores: {vehicle_score: 90}, events: [{code: attitude_violation, points: -7}]}\n"),
     [], ["subjects[0].events[0].points", "must lie within -5..-2", "-7"]),
    ("duplicate-subject-id", "nursing", "p.yaml", period(NURSE + NURSE), [],
     ["subjects[1].id", "duplicate subject id", "'N1'"]),
    ("not-a-number", "nursing", "p.yaml", period(NURSE.replace("patient: 90", "patient: ninety")), [],
     ["subjects[0].scores.patient", "not a number", "ninety"]),
    ("infinite-number", "nursing", "p.yaml", period(NURSE.replace("patient: 90", "patient: .inf")), [],
     ["p.yaml:3", "infinite or NaN"]),
    ("missing-required-rater", "scheme+input", "p.yaml",
     period("  - {id: R1, scores: {a: {self: 80}, b: 70}}\n"), ["--strict"],
     ["subjects[0]", "'R1' cannot be scored", "required rater 'boss' missing for indicator 'a'"]),
    ("malformed-yaml", "nursing", "p.yaml", 'period: "2024-05"\nsubjects: [\n  {id: N1\n', [],
     ["p.yaml:", "malformed YAML"]),
    ("unknown-preset", "no-such-scheme", "p.yaml", period(NURSE), [],
     ["unknown scheme 'no-such-scheme'", "nursing"]),
    ("unknown-attribute", "nursing", "p.yaml", period(NURSE.replace("bonus_base: 1000}", "bonus_base: 1000, hair: red}")), [],
     ["subjects[0].attributes.hair", "unknown attribute"]),
    ("attribute-not-in-values", "nursing", "p.yaml", period(NURSE.replace("title: nurse", "title: chief")), [],
     ["subjects[0].attributes.title", "not one of intermediate", "chief"]),
    ("attribute-above-max", "acquisition-bonus", "p.yaml",
     period("  - {id: A, attributes: {float_ratio: 0.35, current_wage: 1000}, scores: {score: 80}}\n"), [],
     ["subjects[0].attributes.float_ratio", "must lie within 0..0.3", "0.35"]),
    ("wrong-period-kind", "nursing", "p.yaml", period(NURSE, "2024-Q2"), [],
     ["period", "runs on periods of kind month, year, not quarter"]),
    ("bad-period-text", "nursing", "p.yaml", period(NURSE, "2024-13"), [],
     ["period", "'2024-13' is not one of"]),
    ("scheme-mismatch", "nursing", "p.yaml", "scheme: sales-staff\n" + period(NURSE), [],
     ["scheme", "for scheme 'sales-staff', not 'nursing'"]),
    ("fixed-event-with-points", "nursing", "p.yaml",
     period(NURSE.replace("}}", "}, events: [{code: praise, points: 12}]}")), [],
     ["subjects[0].events[0].points", "fixed points 10"]),
    ("note-required", "company-monthly", "p.yaml",
     period("  - {id: E, scores: {score: 80}, events: [{code: other, points: 2}]}\n"), [],
     ["subjects[0].events[0].note", "requires a note"]),
    ("count-not-whole", "nursing", "p.yaml",
     period(NURSE.replace("}}", "}, events: [{code: praise, count: 1.5}]}")), [],
     ["subjects[0].events[0].count", "whole number", "1.5"]),
    ("kpi-count-per-dimension", "retail-kpi", "p.yaml", period("""\
      - id: K
        attributes: {goal_achieved: true}
        kpis:
          - {code: a, dimension: financial, target: 1, actual: 1}
          - {code: b, dimension: financial, target: 1, actual: 1}
          - {code: c, dimension: customer, target: 1, actual: 1}
          - {code: d, dimension: process, target: 1, actual: 1}
          - {code: e, dimension: learning, target: 1, actual: 1}
    """, "2024-Q2"), [], ["subjects[0].kpis", "2 KPIs in dimension 'financial', expected 1"]),
    ("unknown-rater", "dept-quarterly", "p.yaml", period("""\
      - {id: Q, scores: {attitude: {team: 80, boss: 90}, performance: {team: 80}, ability: {team: 80}, growth: {team: 80}}}
    """, "2024-Q2"), [], ["subjects[0].scores.attitude.boss", "unknown rater"]),
    ("plain-number-for-two-raters", "dept-quarterly", "p.yaml", period("""\
      - {id: Q, scores: {attitude: 80, performance: {team: 80}, ability: {team: 80}, growth: {team: 80}}}
    """, "2024-Q2"), [], ["subjects[0].scores.attitude", "rated by team, leader"]),
    ("points-above-max", "finance-dept", "p.yaml", period("""\
      - {id: F, scores: {accuracy: 21, responsibility: 15, speed: 13, initiative: 12, knowledge: 10,
         judgment: 7, planning: 5, guidance: 5, discipline: 8, teamwork: 5}}
    """), [], ["subjects[0].scores.accuracy", "out of its scale 0..20", "21"]),
    ("subperiod-outside-period", "general-quarterly", "p.yaml", period("""\
      - id: G
        scores: {composite: {self: 80, peer: [80], committee: 80}}
        subperiods: [{period: "2024-09", scores: {work: {self: 80, finance: 80, superior: 80}}}]
    """, "2024-Q2"), [], ["subjects[0].subperiods[0].period", "outside the period 2024-Q2"]),
    ("typo-top-level-key", "nursing", "p.yaml", 'period: "2024-05"\nsubject:\n' + NURSE, [],
     ["unknown key 'subject'"]),
    ("list-for-single-input", "nursing", "p.yaml", period(NURSE.replace("nursing_dept: 90", "nd_failing_cases: [1, 2]")), [],
     ["subjects[0].scores.nd_failing_cases", "takes one number, not a list"]),
    ("file-not-found", "nursing", None, None, [], ["missing.yaml", "file not found"]),
    ("not-a-mapping", "nursing", "p.yaml", "- just\n- a list\n", [], ["a period file must be a mapping"]),
    ("unknown-parameter-override", "nursing", "p.yaml", period(NURSE), ["--param", "colour=blue"],
     ["no parameter named 'colour'"]),
    # -- hostile or absurd input: refused with a clean message, never a traceback --
    ("nan-score", "nursing", "p.yaml", period(NURSE.replace("patient: 90", "patient: .nan")), [],
     ["p.yaml:3: subjects[0].scores.patient", "infinite or NaN"]),
    ("nan-in-json", "nursing", "p.json",
     '{"period": "2024-05", "subjects": [{"id": "N1", "attributes": {"title": "nurse", "post": "ward_day", '
     '"bonus_base": 1000}, "scores": {"head_nurse": NaN, "nursing_dept": 90, "patient": 90}}]}', [],
     ["subjects[0].scores.head_nurse", "infinite or NaN"]),
    ("huge-score", "nursing", "p.yaml", period(NURSE.replace("patient: 90", "patient: 1e308")), [],
     ["subjects[0].scores.patient", "number too large", "±10^15"]),
    ("huge-attribute", "nursing", "p.yaml", period(NURSE.replace("bonus_base: 1000", "bonus_base: 1e39")), [],
     ["subjects[0].attributes.bonus_base", "number too large"]),
    ("event-count-beyond-any-number", "nursing", "p.yaml",
     period(NURSE.replace("}}", "}, events: [{code: praise, count: 1e999}]}")), [],
     ["subjects[0].events[0].count", "event 'praise': number too large", "1e999"]),
    ("huge-event-count", "nursing", "p.yaml",
     period(NURSE.replace("}}", "}, events: [{code: praise, count: 2147483648}]}")), [],
     ["subjects[0].events[0].count", "at most 100 in one entry", "2147483648"]),
    ("free-event-points-beyond-bound", "company-monthly", "p.yaml",
     period("  - {id: E, scores: {score: 80}, events: [{code: other, points: 5000, note: x}]}\n"), [],
     ["subjects[0].events[0].points", "within -100..100", "5000"]),
    ("history-period-not-a-period", "company-monthly", "p.yaml",
     period("  - {id: E, scores: {score: 80}, history: [{period: June, total: 80}]}\n"), [],
     ["subjects[0].history[0].period", "'June' is not one of"]),
    ("yaml-alias-bomb", "nursing", "p.yaml",
     'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
     'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n' + period(NURSE), [],
     ["p.yaml:1", "anchors and aliases are not allowed", "&a"]),
    ("yaml-nested-too-deep", "nursing", "p.yaml", period(NURSE) + "x: " + "[" * 200 + "]" * 200 + "\n", [],
     ["nested more than 64 levels deep"]),
    ("formula-too-long", "scheme", "s.yaml",
     GOOD_SCHEME + "variables:\n  v: \"" + "-" * 5000 + "1\"\n", [],
     ["variables.v", "5,001 characters long", "at most 2,000"]),
    ("formula-nested-too-deep", "scheme", "s.yaml",
     GOOD_SCHEME + "variables:\n  v: \"" + "-" * 300 + "1\"\n", [],
     ["variables.v", "nested 301 levels deep", "at most 100"]),
    ("formula-literal-overflows", "scheme", "s.yaml",
     GOOD_SCHEME + "variables:\n  v: \"a * 1e999999\"\n", [],
     ["variables.v", "literal 1e999999", "number too large"]),
    ("formula-result-overflows", "scheme-pay", "p.yaml",
     period("  - {id: P, scores: {a: 80, b: 90}}\n"), [],
     ["subjects[0]", "subject 'P'", "pay component bonus", "number too large"]),
]

OVERFLOWING_PAY_SCHEME = GOOD_SCHEME + """\
pay:
  components:
    - {code: bonus, formula: "total * 1e14 * 1e14"}
"""

NURSE_PAY = {"title": "nurse", "post": "ward_day", "bonus_base": 1000}

REQUIRED_RATER_SCHEME = """\
id: required-rater
title: required rater
periods: [month]
indicators:
  - code: a
    weight: 50
    raters: [{code: self, weight: 20}, {code: boss, weight: 80, required: true}]
  - {code: b, weight: 50}
"""


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_naming_the_field(cli, tmp_path, case):
    name, scheme, file_name, text, extra, expected = case
    target = tmp_path / (file_name or "missing.yaml")
    if text is not None:
        target.write_text(text, encoding="utf-8")
    if scheme == "scheme":
        result = cli("validate", target)
    else:
        if scheme in ("scheme+input", "scheme-pay"):
            scheme_file = tmp_path / "scheme.yaml"
            scheme_file.write_text(REQUIRED_RATER_SCHEME if scheme == "scheme+input" else OVERFLOWING_PAY_SCHEME,
                                   encoding="utf-8")
            scheme = scheme_file
        result = cli("evaluate", scheme, target, "--format", "json", *extra)
    assert result.exit_code == 2, result.output
    message = result.stderr
    for needle in expected:
        assert needle in message, f"{needle!r} not in {message!r}"
    assert "Traceback" not in result.output


def test_there_are_at_least_twenty_distinct_bad_inputs():
    assert len({c[0] for c in CASES}) >= 20


def test_every_problem_of_a_file_is_reported_at_once(cli, tmp_path):
    target = tmp_path / "p.yaml"
    target.write_text(period("""\
      - {id: N1, attributes: {title: nurse, post: ward_day, bonus_base: 1000}, scores: {head_nurse: 190, nursing_dept: 90, patient: 90}}
      - {id: N1, attributes: {title: nurse, post: ward_day, bonus_base: 1000}, scores: {head_nurse: 90, nursing_dept: 90, patient: 90}, events: [{code: nope}]}
    """), encoding="utf-8")
    result = cli("evaluate", "nursing", target)
    assert result.exit_code == 2
    assert "3 problem(s) found." in result.stderr
    # line numbers point at the offending lines
    assert "p.yaml:3: subjects[0].scores.head_nurse" in result.stderr
    assert "p.yaml:4: subjects[1].id" in result.stderr


def test_missing_required_rater_makes_the_subject_incomplete_in_the_library(tmp_path):
    from perfcore import evaluate, load_scheme

    path = tmp_path / "required.yaml"
    path.write_text(REQUIRED_RATER_SCHEME, encoding="utf-8")
    scheme = load_scheme(path)
    evaluation = evaluate(scheme, {"period": "2024-05", "subjects": [
        {"id": "R1", "scores": {"a": {"self": 80}, "b": 70}},
        {"id": "R2", "scores": {"a": {"self": 80, "boss": 90}, "b": 70}}]})
    r1, r2 = evaluation.results
    assert (r1.status, r1.total, r1.flags) == ("incomplete", None, ["incomplete"])
    # R2: a = 80×20% + 90×80% = 16 + 72 = 88; total = 88×50% + 70×50% = 44 + 35 = 79
    assert r2.total == __import__("decimal").Decimal("79.00")


def test_floats_from_python_are_refused():
    from perfcore import InputError, evaluate, load_preset

    with pytest.raises(InputError) as info:
        evaluate(load_preset("nursing"), {"period": "2024-05", "subjects": [
            {"id": "N1", "attributes": NURSE_PAY, "scores": {"head_nurse": 90, "nursing_dept": 90, "patient": 90.5}}]})
    assert "subjects[0].scores.patient" in str(info.value) and "floats are not accepted" in str(info.value)


def test_a_number_read_once_is_checked_against_each_scale_and_type():
    """The kernel's memo of parsed numbers never lets a value through another scale or type: "95" fits
    head_nurse (0..100) but not an item (0..10), and True / 90.0 never pass as the int 90 read before."""
    from perfcore import InputError, evaluate, load_preset

    nursing = load_preset("nursing")
    fine = {"id": "N1", "attributes": NURSE_PAY, "scores": {"head_nurse": "95", "nursing_dept": 90, "patient": "95"}}
    items = dict.fromkeys(["hn_completion", "hn_ability", "hn_efficiency", "hn_quality", "hn_discipline",
                           "hn_attitude", "hn_attendance", "hn_teamwork", "hn_incidents"], "9")
    for bad, where, why in [
            ({"hn_service": "95", **items}, "scores.hn_service", "out of its scale 0..10"),
            ({"head_nurse": True}, "scores.head_nurse", ""),
            ({"head_nurse": 90.0}, "scores.head_nurse", "floats are not accepted"),
            ({"head_nurse": "NaN"}, "scores.head_nurse", "not a finite number")]:
        scores = {"nursing_dept": 90, "patient": "95", **bad}
        with pytest.raises(InputError) as info:
            evaluate(nursing, {"period": "2024-05", "subjects": [fine, {"id": "N2", "attributes": NURSE_PAY,
                                                                        "scores": scores}]})
        assert f"subjects[1].{where}" in str(info.value) and why in str(info.value), str(info.value)
    # the memo holds the checked values: the same text twice is the same number, scored the same
    # N1 = 95×30% + 90×30% + 95×40% = 28.5 + 27 + 38 = 93.50
    twice = evaluate(nursing, {"period": "2024-05", "subjects": [fine, dict(fine, id="N2")]})
    assert [r.total for r in twice.results] == [__import__("decimal").Decimal("93.50")] * 2


def test_scheme_file_over_one_mebibyte_is_refused_unread(cli, tmp_path):
    """A scheme of more than 1 MiB is refused by size (a 50 MB scheme was accepted before)."""
    target = tmp_path / "big.yaml"
    target.write_text(GOOD_SCHEME + "# " + "x" * (1024 * 1024) + "\n", encoding="utf-8")
    result = cli("validate", target)
    assert result.exit_code == 2, result.output
    assert "big.yaml" in result.stderr and "at most 1,048,576 bytes" in result.stderr
    from perfcore import FileError, load_scheme

    with pytest.raises(FileError, match="at most 1,048,576 bytes"):
        load_scheme(target)


def test_period_file_limit_is_separate_and_checked_before_reading(tmp_path):
    """Period files may be larger than schemes (every subject of a period) but are bounded too."""
    from perfcore import FileError
    from perfcore.yamlio import PERIOD_MAX_BYTES, SCHEME_MAX_BYTES, load_document, parse_text

    assert PERIOD_MAX_BYTES > SCHEME_MAX_BYTES
    target = tmp_path / "p.yaml"
    target.write_text(period(NURSE) + "#" + "x" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(FileError, match="at most 4,096 bytes"):
        load_document(target, max_bytes=4096)
    with pytest.raises(FileError, match="at most 4,096 bytes"):
        parse_text("x: " + "汉" * 2000, "t.yaml", max_bytes=4096)  # counted in UTF-8 bytes, not characters


def test_alias_bomb_is_refused_before_expansion():
    """Seven levels of nine aliases (9^7 ≈ 4.8 million strings) are refused at the first anchor."""
    import time
    import tracemalloc

    from perfcore import FileError
    from perfcore.yamlio import parse_text

    levels = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 8)]
    text = "\n".join(levels) + "\n"
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(FileError) as info:
        parse_text(text, "bomb.yaml")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "bomb.yaml:1" in str(info.value) and "anchors and aliases are not allowed" in str(info.value)
    # generous bounds (the bomb took 8 s and 1.1 GB before); these are not timing goals
    assert elapsed < 2 and peak < 10 * 1024 * 1024


def test_arithmetic_out_of_range_while_scoring_names_subject_and_indicator():
    """A formula indicator that overflows makes its subject incomplete, naming the indicator."""
    from perfcore import evaluate, parse_scheme

    scheme = parse_scheme({"id": "big", "title": "big", "periods": ["month"],
                           "inputs": [{"code": "x"}],
                           "indicators": [{"code": "a", "weight": 50, "formula": "x * 1e14 * 1e14"},
                                          {"code": "b", "weight": 50}]})
    evaluation = evaluate(scheme, {"period": "2024-05", "subjects": [
        {"id": "S1", "scores": {"x": 5, "b": 70}}, {"id": "S2", "scores": {"x": 0, "b": 70}}]})
    s1, s2 = evaluation.results
    assert s1.status == "incomplete"
    assert "indicator 'a'" in s1.excluded_reason and "number too large" in s1.excluded_reason
    # S2: a = 0 × 10^28 = 0; total = 0 × 50% + 70 × 50% = 35
    assert (s2.status, str(s2.total)) == ("scored", "35.00")


def _nurse(subject_id: str, scores: dict) -> dict:
    return {"id": subject_id, "attributes": NURSE_PAY, "scores": scores}


def test_a_problem_is_located_as_data():
    """Where a problem stands is a tuple (subject index, field path), not a string to parse."""
    from perfcore import InputError, evaluate, load_preset

    with pytest.raises(InputError) as info:
        evaluate(load_preset("nursing"), {"period": "2024-05", "subjects": [
            _nurse("A", {"head_nurse": 90, "nursing_dept": 80, "patient": 70}),
            _nurse("B", {"head_nurse": 90, "nursing_dept": 80, "patient": "250", "charm": "5"})]})
    found = sorted((p.location, p.subject_index, p.field_path) for p in info.value.problems)
    assert found == [(("subjects", 1, "scores", "charm"), 1, "scores.charm"),
                     (("subjects", 1, "scores", "patient"), 1, "scores.patient")]
    patient = next(p for p in info.value.problems if p.location[-1] == "patient")
    assert patient.path == "subjects[1].scores.patient"  # as shown
    assert "250" in patient.detail("en") and "subjects" not in patient.detail("en")


def test_excluding_invalid_subjects_evaluates_the_others_and_returns_the_refused():
    """B's patient score is off the scale, D has an unknown score: both kept out, named by id with
    their problems where they stand in the input as given; A and C evaluated and ranked alone:
    A = 90×30% + 80×30% + 70×40% = 27 + 24 + 28 = 79, C = 90×30% + 90×30% + 90×40% = 90."""
    from decimal import Decimal

    from perfcore import InputError, evaluate, load_preset, refusal_reason, render

    scheme = load_preset("nursing")
    data = {"period": "2024-05", "subjects": [
        _nurse("A", {"head_nurse": 90, "nursing_dept": 80, "patient": 70}),
        _nurse("B", {"head_nurse": 90, "nursing_dept": 80, "patient": "250"}),
        _nurse("C", {"head_nurse": 90, "nursing_dept": 90, "patient": 90}),
        _nurse("D", {"head_nurse": 90, "nursing_dept": 90, "patient": 90, "charm": "5"})]}
    evaluation = evaluate(scheme, data, exclude_invalid=True)
    assert [(r.id, r.total, r.rank) for r in evaluation.results] == [("A", Decimal("79.00"), 2),
                                                                       ("C", Decimal("90.00"), 1)]
    assert {key: [p.location for p in problems] for key, problems in evaluation.refused.items()} == {
        "B": [("subjects", 1, "scores", "patient")], "D": [("subjects", 3, "scores", "charm")]}
    reason = render(refusal_reason(evaluation.refused["B"]), "en")
    assert reason.startswith("scores.patient: ") and "250" in reason
    assert evaluate(scheme, data | {"subjects": data["subjects"][:1]}, exclude_invalid=True).refused == {}
    # the period's own problem is nobody's: it still stops the evaluation, with every problem
    with pytest.raises(InputError) as info:
        evaluate(scheme, data | {"period": "2024-13"}, exclude_invalid=True)
    assert ("period",) in [p.location for p in info.value.problems]


def test_refused_subjects_of_a_file_keep_their_lines(tmp_path):
    """From a period file, a refused subject's problem still names its line in the file."""
    from perfcore import evaluate, load_period_input, load_preset

    path = tmp_path / "p.yaml"
    path.write_text(period(NURSE.replace("N1", "N0") + NURSE.replace("patient: 90", "patient: 105")), encoding="utf-8")
    _parsed, document = load_period_input(path)
    evaluation = evaluate(load_preset("nursing"), document, exclude_invalid=True)
    assert [r.id for r in evaluation.results] == ["N0"]
    [problem] = evaluation.refused["N1"]
    assert (problem.location, problem.line, problem.file) == (("subjects", 1, "scores", "patient"), 4, str(path))


def test_an_allocation_to_nobody_is_a_problem_not_a_crash():
    """The year-end pools' explicit allocation naming a subject the period does not have (FN9), or
    one not eligible for that part (the gm), is reported by path — it used to raise KeyError."""
    from perfcore import InputError, evaluate, load_period_input, load_preset
    from perfcore.presets import example_path

    _parsed, document = load_period_input(example_path("acquisition-bonus-year"))
    facts = dict(document.data["facts"])
    facts["allocations"] = {"commission": {"others_discretionary": {"FN9": 10000, "GM1": 5750}}}
    with pytest.raises(InputError) as info:
        evaluate(load_preset("acquisition-bonus"), {**document.data, "facts": facts})
    paths = {p.path: p.message for p in info.value.problems}
    assert paths["facts.allocations.commission.others_discretionary.FN9"] == "no such subject"
    assert "may not receive" in paths["facts.allocations.commission.others_discretionary.GM1"]
