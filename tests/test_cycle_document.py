"""The addon's money path without Odoo: the ERP's rows → perfcore's period input → evaluate →
the values an appraisal stores (``odoo_addon_perf/perf_appraisal/lib``, which never imports Odoo).

CI has no Odoo: these tests are what guards the adapter there. The rows are shaped as the models'
``search_read(…, load=None)`` returns them (numbers as the Float columns hold them)."""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import perfcore
from perfcore.presets import example_ids, example_path

LIB = Path(__file__).resolve().parents[1] / "odoo_addon_perf" / "perf_appraisal" / "lib"


def _load_lib():
    """The addon's lib as a package of its own (the addon's ``__init__`` imports Odoo)."""
    name = "perf_appraisal_lib"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, LIB / "__init__.py", submodule_search_locations=[str(LIB)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return (importlib.import_module(f"{name}.period_rows"), importlib.import_module(f"{name}.result_values"),
            importlib.import_module(f"{name}.subject_key"))


period_rows, result_values, subject_key = _load_lib()
PeriodRows, SubjectKey = period_rows.PeriodRows, subject_key.SubjectKey


def score_row(appraisal_id, code, value, role=False, subperiod=False, is_list=False):
    return {"appraisal_id": appraisal_id, "code": code, "rater_role": role, "subperiod": subperiod,
            "is_list": is_list, "value_list": ",".join(str(v) for v in value) if is_list else False,
            "value": 0.0 if is_list or isinstance(value, dict) else float(value),
            "worksheet": value if isinstance(value, dict) else False}


def nurse(appraisal_id, name, group="心内科"):
    return {"id": appraisal_id, "employee_id": 100 + appraisal_id, "department_id": False, "group_name": group,
            "subject_name": name}


def test_a_ward_from_its_rows_to_its_pay():
    """Two nurses of 心内科 and one whose patient score is off the scale, as the ORM holds them:
    张三 (护士 1.0, 白班 1.4, 基数 1000): 90×30% + 80×30% + 70×40% = 27 + 24 + 28 = 79, 表扬 +10 → 89,
    良好 (80 ≤ 89 < 91), pay 89/100 × 1.0 × 1.4 × 1000 = 1246.00;
    李四 (护师 1.2, 夜班 1.5): 95×30% + 90×30% + 90×40% = 28.5 + 27 + 36 = 91.5, 优秀 (the ward's
    30 % of 2 seats is 0.6 → 1 by largest remainder), pay 91.5/100 × 1.2 × 1.5 × 1000 = 1647.00;
    王五's 250 refuses her alone, with perfcore's words."""
    scheme = perfcore.load_preset("nursing")
    attributes = {1: ("nurse", "ward_day"), 2: ("senior_nurse", "ward_night"), 3: ("nurse", "ward_day")}
    rows = PeriodRows(
        period="2024-05", unit=False,
        appraisals=[nurse(1, "张三"), nurse(2, "李四"), nurse(3, "王五")],
        scores=[score_row(1, "head_nurse", 90, "superior"), score_row(1, "nursing_dept", 80, "nursing_dept"),
                score_row(1, "patient", 70, "patient"),
                score_row(2, "head_nurse", 95, "superior"), score_row(2, "nursing_dept", 90, "nursing_dept"),
                score_row(2, "patient", 90, "patient"),
                score_row(3, "head_nurse", 90, "superior"), score_row(3, "nursing_dept", 90, "nursing_dept"),
                score_row(3, "patient", 250, "patient")],
        attributes=[{"appraisal_id": a, "code": code, "value": value} for a, (title, post) in attributes.items()
                    for code, value in (("title", title), ("post", post), ("bonus_base", "1000"))],
        events=[{"employee_id": 101, "code": "praise", "count": 1, "points": 0.0, "note": False,
                 "date": perfcore.parse_period("2024-05").start}])
    data, keys = period_rows.period_input(scheme, rows)
    assert keys == {1: "E101", 2: "E102", 3: "E103"}
    assert data["subjects"][0]["scores"] == {"head_nurse": {"superior": "90.0000"},
                                             "nursing_dept": {"nursing_dept": "80.0000"},
                                             "patient": {"patient": "70.0000"}}
    assert data["subjects"][0]["events"] == [{"code": "praise", "count": 1}]
    evaluation = perfcore.evaluate(scheme, data, exclude_invalid=True)
    values = {r.id: result_values.result_values(r) for r in evaluation.results}
    assert {k: (v["total_exact"], v["grade"], v["rank"], v["pay_amount"]) for k, v in values.items()} == {
        "E101": ("89", "good", 2, 1246.0), "E102": ("91.5", "excellent", 1, 1647.0)}
    assert json.loads(values["E101"]["result_json"])["pay"]["amount"] == "1246.00"
    # a wage-read pay lives in the pay result only
    hidden = result_values.result_values(evaluation.result("E101"), confidential=True)
    assert (hidden["pay_amount"], json.loads(hidden["result_json"])["pay"]) == (0.0, None)
    # the refused one: her own problem, in words, nothing of a result
    [(key, problems)] = evaluation.refused.items()
    refused = result_values.refused_values(perfcore.render(perfcore.refusal_reason(problems), "en"))
    assert key == "E103" and (refused["status"], refused["total_exact"], refused["pay_amount"]) == ("incomplete", False, 0.0)
    assert refused["status_reason"].startswith("scores.patient") and "250" in refused["status_reason"]


def test_the_subject_key_is_built_in_one_place():
    class Record:  # what the models hand it: an hr.employee or hr.department record
        def __init__(self, name, record_id):
            self._name, self.id = name, record_id

    assert str(SubjectKey.of(Record("hr.employee", 42))) == "E42" == SubjectKey.text(False, 42)
    assert str(SubjectKey.of(Record("hr.department", 7))) == "D7" == SubjectKey.text(True, 7)
    assert SubjectKey.of(Record("hr.department", 7)).field == "department_id"
    with pytest.raises(KeyError):
        SubjectKey.of(Record("res.users", 1))


# -- every preset: its example, as rows, evaluates as the example itself ------------------------------

def _number(value):
    return float(Decimal(str(value)))


def _rows_of_example(scheme, document):
    """The rows the ORM would hold for an example period input (one appraisal a subject)."""
    data = document.data
    unit = scheme.subject == "unit"
    field = "department_id" if unit else "employee_id"
    appraisals, scores, attributes, kpis, events, history, subperiods = [], [], [], [], [], {}, []
    period = perfcore.parse_period(str(data["period"]))

    def add_scores(appraisal_id, given, subperiod=False):
        for code, value in (given or {}).items():
            indicator = scheme.indicator(code)
            roles = {r.code for r in scheme.raters_of(indicator)} if indicator else set()
            if isinstance(value, dict) and set(value) <= roles:
                for role, rating in value.items():
                    for one in rating if isinstance(rating, list) else [rating]:
                        scores.append(score_row(appraisal_id, code, one, role, subperiod))
            elif isinstance(value, list):
                scores.append(score_row(appraisal_id, code, value, subperiod=subperiod, is_list=True))
            else:
                scores.append(score_row(appraisal_id, code, value, subperiod=subperiod))

    def add_events(subject_id, given, where):
        for event in given or []:
            events.append({field: subject_id, "code": event["code"], "count": event.get("count") or 1,
                           "points": _number(event["points"]) if "points" in event else 0.0,
                           "note": event.get("note") or False, "date": where.start})

    for index, subject in enumerate(data["subjects"]):
        appraisal_id, subject_id = index + 1, 1000 + index
        appraisals.append({"id": appraisal_id, "employee_id": False if unit else subject_id,
                           "department_id": subject_id if unit else False,
                           "group_name": subject.get("group") or False, "subject_name": subject.get("name") or False})
        add_scores(appraisal_id, subject.get("scores"))
        add_events(subject_id, subject.get("events"), period)
        for sub in subject.get("subperiods") or []:
            text = str(sub["period"])
            if text not in [t for t, _p in subperiods]:
                subperiods.append((text, perfcore.parse_period(text)))
            add_scores(appraisal_id, sub.get("scores"), text)
            add_events(subject_id, sub.get("events"), perfcore.parse_period(text))
        attributes += [{"appraisal_id": appraisal_id, "code": code, "value": period_rows.attribute_text(value)}
                       for code, value in (subject.get("attributes") or {}).items()]
        kpis += [{"appraisal_id": appraisal_id, "code": k["code"], "name": k.get("name") or False,
                  "dimension": k["dimension"], "target": _number(k["target"]), "actual": _number(k["actual"]),
                  "direction": k.get("direction", "higher_better"), "weight": _number(k["weight"]) if "weight" in k else 0.0}
                 for k in subject.get("kpis") or []]
        if subject.get("history"):
            history[SubjectKey.text(unit, subject_id)] = subject["history"]
    subperiods.sort(key=lambda item: item[1].start)
    # the cycle's facts name subjects by their key (a pool's explicit allocations)
    keys = {str(subject["id"]): SubjectKey.text(unit, 1000 + index) for index, subject in enumerate(data["subjects"])}
    facts = dict(data.get("facts") or {})
    if isinstance(facts.get("allocations"), dict):
        facts["allocations"] = {pool: {part: {keys[str(k)]: v for k, v in given.items()} for part, given in parts.items()}
                                for pool, parts in facts["allocations"].items()}
    return PeriodRows(period=str(data["period"]), unit=unit, appraisals=appraisals, scores=scores,
                      attributes=attributes, kpis=kpis, events=events, subperiods=subperiods,
                      facts=facts, history=history)


def _stored(values):
    return {k: v for k, v in values.items() if k != "result_json"}


@pytest.mark.parametrize("example", example_ids())
def test_every_presets_example_from_rows_evaluates_as_the_example(example):
    """Each shipped example, flattened into the rows the ORM holds, gives every subject the same
    stored values (total, grades, rank, flags, pay, status) as perfcore gives the example itself —
    the golden tests derive those numbers by hand; this guards the way there from the rows."""
    _parsed, document = perfcore.load_period_input(example_path(example))
    scheme = perfcore.resolve_scheme(str(document.data["scheme"]))
    direct = perfcore.evaluate(scheme, document)
    data, keys = period_rows.period_input(scheme, _rows_of_example(scheme, document))
    via_rows = perfcore.evaluate(scheme, data, exclude_invalid=True)
    assert via_rows.refused == {}
    assert len(via_rows.results) == len(direct.results)
    for index, (theirs, ours) in enumerate(zip(direct.results, via_rows.results)):
        assert ours.id == keys[index + 1]
        assert _stored(result_values.result_values(ours)) == _stored(result_values.result_values(theirs)), theirs.id
        assert [line.value for line in ours.breakdown] == [line.value for line in theirs.breakdown], theirs.id
    key_of = {str(s["id"]): keys[index + 1] for index, s in enumerate(document.data["subjects"])}
    for ours, theirs in ((via_rows.unallocated, direct.unallocated), (via_rows.forfeited, direct.forfeited)):
        assert ours == {key_of.get(k, k): v for k, v in theirs.items()}
