"""perfcore's checks of one entered value (what the Odoo addon validates at entry)."""

from __future__ import annotations

from perfcore import check_attribute, check_event, check_score, load_preset

NURSING = load_preset("nursing")


def messages(problems):
    return [p.message for p in problems]


def test_score_within_scale_fits():
    assert check_score(NURSING, "patient", 90, "patient") == []
    assert check_score(NURSING, "nd_failing_cases", 2) == []


def test_score_outside_scale_names_indicator_and_scale():
    assert messages(check_score(NURSING, "patient", 250, "patient")) == ["score of 'patient' out of its scale 0..100"]


def test_non_finite_and_huge_scores_refused():
    assert "not a finite number" in messages(check_score(NURSING, "patient", "NaN", "patient"))[0]
    assert "number too large" in messages(check_score(NURSING, "patient", "1e308", "patient"))[0]


def test_unknown_code_or_rater():
    assert "unknown score code" in messages(check_score(NURSING, "charm", 5))[0]
    assert "unknown rater for indicator 'patient'" in messages(check_score(NURSING, "patient", 90, "boss"))[0]


def test_event_bounds():
    assert check_event(NURSING, "praise", 3) == []
    assert messages(check_event(NURSING, "praise", 2**31)) == ["count of event 'praise' may be at most 100 in one entry"]
    assert "unknown event code" in messages(check_event(NURSING, "bribe"))[0]
    assert "whole number" in messages(check_event(NURSING, "praise", "1.5"))[0]


def test_event_max_count_per_type_overrides_the_scheme_default():
    from perfcore import parse_scheme

    scheme = parse_scheme({"id": "ev", "title": "ev", "periods": ["month"], "event_max_count": 5,
                           "indicators": [{"code": "a", "weight": 100}],
                           "events": [{"code": "late", "points": -1, "max_count": 31}, {"code": "praise", "points": 2}]})
    assert check_event(scheme, "late", 31) == []
    assert messages(check_event(scheme, "praise", 6)) == ["count of event 'praise' may be at most 5 in one entry"]


def test_attribute_checks():
    assert check_attribute(NURSING, "title", "nurse") == []
    assert "not one of" in messages(check_attribute(NURSING, "title", "chief"))[0]
    assert "number too large" in messages(check_attribute(NURSING, "bonus_base", "1e39"))[0]
    assert "unknown attribute" in messages(check_attribute(NURSING, "hair", "red"))[0]


def test_screen_can_exclude_one_subject_instead_of_failing_all():
    """One nurse without her pay attributes is listed with the reason; the others are appraised."""
    from perfcore import InputError, screen

    data = {"period": "2024-05", "subjects": [
        {"id": "N1", "attributes": {"title": "nurse", "post": "ward_day", "bonus_base": 1000}},
        {"id": "N2", "attributes": {"title": "chief", "post": "ward_day"}}]}
    try:
        screen(NURSING, data)
    except InputError as exc:
        assert "lacks required attribute 'bonus_base'" in str(exc)
    else:
        raise AssertionError("screen without exclude_invalid must refuse the input")
    reasons = screen(NURSING, data, exclude_invalid=True)
    assert reasons["N1"] is None
    assert reasons["N2"] == ("attributes.title: not one of intermediate, senior_nurse, nurse, trainee (chief); "
                             "subject 'N2' lacks required attribute 'bonus_base'")
    # in Chinese the person and the attribute by their names, not their codes
    from perfcore.i18n import use_locale

    with use_locale("zh_CN"):
        named = screen(NURSING, {"period": "2024-05", "subjects": [
            {"id": "E26", "name": "赵敏", "attributes": {"title": "nurse", "post": "ward_day"}}]}, exclude_invalid=True)
        assert str(named["E26"]) == "考核对象 赵敏 缺少必填属性 奖金基数"


def test_missing_checklist_names_the_indicator_and_its_items():
    """The head-nurse review given neither as a score nor as its ten items: the reason names both."""
    from perfcore import evaluate

    pay = {"title": "nurse", "post": "ward_day", "bonus_base": 1000}
    evaluation = evaluate(NURSING, {"period": "2024-05", "subjects": [
        {"id": "N1", "attributes": pay, "scores": {"nursing_dept": 90, "patient": 90}},
        {"id": "N2", "attributes": pay, "scores": {"hn_completion": 9, "nursing_dept": 90, "patient": 90}}]})
    n1, n2 = evaluation.results
    assert n1.status == n2.status == "incomplete"
    assert n1.excluded_reason.startswith("no score for indicator 'head_nurse' (护士长考核): give it, or its items "
                                         "hn_completion, hn_ability")
    assert n2.excluded_reason.startswith("indicator 'head_nurse' (护士长考核): no score for its items hn_ability")
