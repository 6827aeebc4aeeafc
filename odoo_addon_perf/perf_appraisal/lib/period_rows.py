"""A cycle's rows → one perfcore period input.

The rows are what ``search_read(…, load=None)`` returns for the cycle's appraisals and their score
lines, attribute snapshots, KPI cards and approved events; the ORM side reads them in a fixed
number of queries whatever the cycle's size, and nothing here reads the database."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .subject_key import SubjectKey

__all__ = ["PeriodRows", "attribute_text", "number_text", "period_input", "typed_attributes"]

_LIST_SEPARATORS = re.compile(r"[\s,，;；]+")
_ATTRIBUTE_LIST_SEPARATORS = re.compile(r"[,，;；]")


@dataclass
class PeriodRows:
    """Everything one period input is made of, as plain rows."""

    period: str
    unit: bool  #: the subjects are departments (a unit scheme), not employees
    appraisals: list[Mapping[str, Any]]  #: id, employee_id, department_id, group_name, subject_name
    scores: list[Mapping[str, Any]] = field(default_factory=list)  #: rated lines: appraisal_id, code,
    #: rater_role, value, value_list, is_list, subperiod, worksheet
    attributes: list[Mapping[str, Any]] = field(default_factory=list)  #: appraisal_id, code, value
    kpis: list[Mapping[str, Any]] = field(default_factory=list)  #: appraisal_id, code, name, dimension,
    #: target, actual, direction, weight
    events: list[Mapping[str, Any]] = field(default_factory=list)  #: approved: employee_id or
    #: department_id, code, count, points, note, date
    subperiods: list[tuple[str, Any]] = field(default_factory=list)  #: (text, perfcore Period)
    facts: Mapping[str, Any] = field(default_factory=dict)
    history: Mapping[str, list[dict]] = field(default_factory=dict)  #: subject key → earlier results
    departures: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)  #: subject id → attributes


def number_text(value: float) -> str:
    """A stored number (Float with 4 digits) as the text perfcore reads exactly: 90.0 → "90.0000"."""
    return "%.4f" % value


def attribute_text(value):
    """A typed attribute value as the text a snapshot keeps (false stays "false", not empty)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def typed_attributes(scheme, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Text attribute values → what the scheme expects (numbers stay text: perfcore reads them exactly)."""
    specs = {a.code: a for a in scheme.attributes}
    out: dict[str, Any] = {}
    for code, value in raw.items():
        spec = specs.get(code)
        if spec is None or value in (None, False, ""):
            continue
        if spec.type == "bool":
            out[code] = str(value).strip().lower() in ("1", "true", "yes", "y", "是")
        elif spec.type == "list":
            out[code] = [v.strip() for v in _ATTRIBUTE_LIST_SEPARATORS.split(str(value)) if v.strip()]
        else:
            out[code] = str(value)
    return out


def _score_value(line: Mapping[str, Any]) -> Any:
    if line["is_list"]:
        return [v for v in _LIST_SEPARATORS.split(line["value_list"] or "") if v]
    if line["worksheet"]:  # perfcore scores the sheet itself, and explains it
        return line["worksheet"]
    return number_text(line["value"])


class _Ratings(dict):
    """{role: [values]} of one indicator (a work sheet is a dict too, but a value)."""


def _scores(bucket: Mapping[str, Any]) -> dict[str, Any]:
    """Scores of one subject (or sub-period) as perfcore reads them: one rating of a role as a
    number, several (peers) as a list."""
    return {code: ({role: (v[0] if len(v) == 1 else v) for role, v in value.items()} if isinstance(value, _Ratings)
                   else value) for code, value in bucket.items()}


def period_input(scheme, rows: PeriodRows) -> tuple[dict[str, Any], dict[int, str]]:
    """(perfcore period input, {appraisal id: subject key}): one subject per appraisal, in the
    order of ``rows.appraisals``."""
    ids = [row["id"] for row in rows.appraisals]
    subject_field = "department_id" if rows.unit else "employee_id"
    keys = {row["id"]: SubjectKey.text(rows.unit, row[subject_field]) for row in rows.appraisals}
    # {appraisal: {sub-period or False: {code: value or {role: [values]}}}}
    scores: dict[int, dict[Any, dict[str, Any]]] = {i: {} for i in ids}
    rated_roles = {i.code: bool(scheme.raters_of(i)) for i in scheme.all_indicators()}
    for line in rows.scores:
        if line["appraisal_id"] not in scores:
            continue
        bucket = scores[line["appraisal_id"]].setdefault(line["subperiod"] or False, {})
        value = _score_value(line)
        if line["rater_role"] and rated_roles.get(line["code"]):
            bucket.setdefault(line["code"], _Ratings()).setdefault(line["rater_role"], []).append(value)
        else:
            bucket[line["code"]] = value
    attributes: dict[int, dict[str, Any]] = {i: {} for i in ids}
    for line in rows.attributes:
        if line["appraisal_id"] in attributes:
            attributes[line["appraisal_id"]][line["code"]] = line["value"]
    kpis: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for kpi in rows.kpis:
        if kpi["appraisal_id"] in kpis:
            kpis[kpi["appraisal_id"]].append({
                "code": kpi["code"], "name": kpi["name"] or "", "dimension": kpi["dimension"],
                "target": number_text(kpi["target"]), "actual": number_text(kpi["actual"]),
                "direction": kpi["direction"], **({"weight": number_text(kpi["weight"])} if kpi["weight"] else {})})
    events: dict[int, dict[Any, list[dict[str, Any]]]] = {}
    for event in rows.events:
        # (the date placed the event in its sub-period here: perfcore does not need it)
        entry: dict[str, Any] = {"code": event["code"], "count": event["count"] or 1}
        if event["note"]:
            entry["note"] = event["note"]
        if event["points"]:
            entry["points"] = number_text(event["points"])
        etype = scheme.event(event["code"])
        # a sub-period event (a training missed in April) goes to the sub-period of its date
        where = next((text for text, p in rows.subperiods if p.start <= event["date"] <= p.end), False) \
            if etype is not None and etype.scope == "subperiod" else False
        events.setdefault(event[subject_field], {}).setdefault(where, []).append(entry)
    subjects = []
    for row in rows.appraisals:
        key, subject_id = keys[row["id"]], row[subject_field]
        by_subperiod = scores[row["id"]]
        subject_events = events.get(subject_id, {})
        subject: dict[str, Any] = {
            "id": key, "name": row["subject_name"] or key,
            **({"group": row["group_name"]} if row["group_name"] else {}),
            "attributes": typed_attributes(scheme, {**attributes[row["id"]], **rows.departures.get(subject_id, {})}),
            "scores": _scores(by_subperiod.get(False, {})), "events": subject_events.get(False, []),
        }
        if rows.history.get(key):  # (only when there is one: a subject of the plain shape takes perfcore's fast path)
            subject["history"] = rows.history[key]
        sub = [{"period": text, "scores": _scores(by_subperiod.get(text, {})), "events": subject_events.get(text, [])}
               for text, _p in rows.subperiods if by_subperiod.get(text) or subject_events.get(text)]
        if sub:
            subject["subperiods"] = sub
        if kpis[row["id"]]:
            subject["kpis"] = kpis[row["id"]]
        subjects.append(subject)
    return {"period": rows.period, "facts": dict(rows.facts), "subjects": subjects}, keys
