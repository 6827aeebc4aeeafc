"""Bind: a period input checked against a plan — every problem found at once, named by path —
and turned into the numbers the scorer reads.

The second stage of the engine (compile → bind → score → group → pay).  A period input given as
plain data (what a YAML or JSON file, or the Odoo addon, gives) is read here directly; pydantic
validates it only when something in it is not of the expected shape, so that its problems are
reported exactly as the schema says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .decimals import MAX_INT, ZERO, D
from .decimals import show as fmt
from .errors import InputError, Problem
from .i18n import Message, _, named
from .period import EventInput, Period, PeriodInput, SubjectInput, parse_period, parse_period_input
from .plan import IndicatorPlan, Plan
from .scheme import EventType, Worksheet
from .yamlio import Document

__all__ = ["Binder", "Bound", "Event", "RawSubject", "Unusual", "read_period_input", "read_subject"]

_DecimalType = Decimal


class Event:
    """One bound ledger entry."""

    __slots__ = ("type", "count", "points", "note", "path")

    def __init__(self, etype: EventType, count: Decimal, points: Decimal | None, note: str | None, path: str):
        self.type = etype
        self.count = count
        self.points = points  # per occurrence, explicit (ranged or free events)
        self.note = note
        self.path = path

    @property
    def total_points(self) -> Decimal:
        per = self.points if self.points is not None else (self.type.points or ZERO)
        return per * self.count


class Bound:
    """A subject's input, checked: typed attributes, scores by indicator, inputs, events, sub-periods."""

    __slots__ = ("source", "attributes", "scores", "inputs", "events", "subperiods")

    def __init__(self, source: Any, attributes: dict[str, Any], scores: dict[str, Any], inputs: dict[str, Any],
                 events: list[Event]):
        self.source = source
        self.attributes = attributes
        self.scores = scores
        self.inputs = inputs
        self.events = events
        self.subperiods: list[tuple[Period, dict[str, Any], dict[str, Any], list[Event]]] = []


def _range(minimum: Decimal | None, maximum: Decimal | None, dots: str = "..") -> str:
    return f"{fmt(minimum) if minimum is not None else '-∞'}{dots}{fmt(maximum) if maximum is not None else '∞'}"


def _outside(minimum: Decimal | None, maximum: Decimal | None, code: Any = None) -> Message:
    """Why a number is refused, one-sided bounds as people say them: "at least 0", not "0..∞"."""
    if code is None:
        if maximum is None:
            return _("must be at least {minimum}", minimum=fmt(minimum))
        if minimum is None:
            return _("must be at most {maximum}", maximum=fmt(maximum))
        return _("must lie within {range}", range=_range(minimum, maximum))
    if maximum is None:
        return _("input {code} must be at least {minimum}", code=code, minimum=fmt(minimum))
    if minimum is None:
        return _("input {code} must be at most {maximum}", code=code, maximum=fmt(maximum))
    return _("input {code} must lie in {range}", code=code, range=_range(minimum, maximum))


class Binder:
    def __init__(self, plan: Plan, document: Document, problems: list[Problem]):
        self.c = plan
        self.doc = document
        self.problems = problems

    def problem(self, path: tuple[Any, ...], message: Message | str, value: Any = ...) -> None:
        self.problems.append(self.doc.problem(path, message, value))

    def bind(self, subject: Any, path: tuple[Any, ...], period: Period | None) -> Bound:
        if subject.history:
            self.check_history(subject, path)
        attributes = self.bind_attributes(subject, path)
        scores, inputs = self.bind_scores(subject.scores, path + ("scores",), subject.id, sub=False)
        events = self.bind_events(subject.events, path + ("events",), subject.id, sub=False) if subject.events else []
        bound = Bound(subject, attributes, scores, inputs, events)
        spec = self.c.scheme.subperiods
        if subject.subperiods and spec is None:
            self.problem(path + ("subperiods",), _("scheme {scheme} has no sub-periods", scheme=repr(self.c.scheme.id)),
                         len(subject.subperiods))
        elif spec is not None:
            self.bind_subperiods(subject, path, period, bound)
        if self.c.scheme.kpi_card:
            self.check_kpis(subject, path, attributes)
        elif subject.kpis:
            self.problem(path + ("kpis",), _("scheme {scheme} has no KPI card", scheme=repr(self.c.scheme.id)),
                         len(subject.kpis))
        return bound

    def bind_subperiods(self, subject: Any, path: tuple[Any, ...], period: Period | None, bound: Bound) -> None:
        spec = self.c.scheme.subperiods
        assert spec is not None
        if spec.max_count is not None and len(subject.subperiods) > spec.max_count:
            self.problem(path + ("subperiods",), _("at most {count} sub-periods of kind {kind}", count=spec.max_count,
                                                   kind=spec.kind), len(subject.subperiods))
        seen: set[str] = set()
        for index, sub in enumerate(subject.subperiods):
            here = path + ("subperiods", index)
            try:
                sub_period = parse_period(sub.period)
            except ValueError as exc:
                self.problem(here + ("period",), exc.args[0], sub.period)
                continue
            if sub_period.kind != spec.kind:
                self.problem(here + ("period",), _("sub-periods of this scheme are of kind {kind}", kind=spec.kind),
                             sub.period)
            elif period is not None and not period.overlaps(sub_period):
                self.problem(here + ("period",), _("sub-period lies outside the period {period}", period=period.text),
                             sub.period)
            if sub.period in seen:
                self.problem(here + ("period",), _("duplicate sub-period"), sub.period)
            seen.add(sub.period)
            s_scores, s_inputs = self.bind_scores(sub.scores, here + ("scores",), subject.id, sub=True)
            s_events = self.bind_events(sub.events, here + ("events",), subject.id, sub=True)
            bound.subperiods.append((sub_period, s_scores, s_inputs, s_events))

    def check_history(self, subject: Any, path: tuple[Any, ...]) -> None:
        for index, entry in enumerate(subject.history):
            try:
                parse_period(entry.period)
            except ValueError as exc:
                self.problem(path + ("history", index, "period"), exc.args[0], entry.period)

    # attributes -------------------------------------------------------------------
    def bind_attributes(self, subject: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        specs = self.c.attributes
        allowed = self.c.attribute_values
        for code, value in subject.attributes.items():
            spec = specs.get(code)
            if spec is None:
                self.problem(path + ("attributes", code),
                             _("unknown attribute for scheme {scheme} (known: {known})", scheme=repr(self.c.scheme.id),
                               known=", ".join(sorted(specs)) or "none"), code)
                continue
            kind = spec.type
            if kind == "text" and type(value) is str:  # the common case, checked inline
                values = allowed[code]
                if values is not None and value not in values:
                    self.problem(path + ("attributes", code), _("not one of {values}", values=", ".join(spec.values or [])),
                                 value)
                out[code] = value
            else:
                out[code] = self.typed(kind, value, path + ("attributes", code), spec.values, spec.min, spec.max)
        if len(out) < len(specs):
            for spec in self.c.scheme.attributes:
                if spec.code not in out:
                    if spec.required and spec.default is None:
                        self.problem(path + ("attributes",), _("subject {subject} lacks required attribute {code}",
                                                               subject=named(repr(subject.id), subject.name),
                                                               code=named(repr(spec.code), spec.name)), None)
                    else:
                        out[spec.code] = spec.default
        return out

    def typed(self, kind: str, value: Any, path: tuple[Any, ...], values: list[str] | None = None,
              minimum: Decimal | None = None, maximum: Decimal | None = None) -> Any:
        if value is None:
            return None
        if kind == "number":
            number = self.number(value, path)
            if number is not None and ((minimum is not None and number < minimum) or (maximum is not None and number > maximum)):
                self.problem(path, _outside(minimum, maximum), value)
            return number
        if kind == "list":
            items = value if isinstance(value, list) else [value]
            for item in items:
                if values is not None and item not in values:
                    self.problem(path, _("not one of {values}", values=", ".join(values)), item)
            return [str(item) for item in items]
        if kind == "bool":
            if isinstance(value, bool):
                return value
            self.problem(path, _("expected true or false"), value)
            return None
        text = str(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else value
        if not isinstance(text, str):
            self.problem(path, _("expected text"), value)
            return None
        if values is not None and text not in values:
            self.problem(path, _("not one of {values}", values=", ".join(values)), text)
        return text

    def number(self, value: Any, path: tuple[Any, ...]) -> Decimal | None:
        # the common cases of D(), inline: a numeric string or a small int
        kind = type(value)
        if kind is str and "," not in value:
            try:
                number = _DecimalType(value)
            except InvalidOperation:
                number = None
            else:
                if number.is_finite() and (not number or number.adjusted() < 15):
                    return number
        elif kind is int and -MAX_INT < value < MAX_INT:
            return _DecimalType(value)
        elif kind is _DecimalType and value.is_finite() and (not value or value.adjusted() < 15):
            return value
        try:
            return D(value)
        except (TypeError, ValueError) as exc:
            self.problem(path, exc.args[0], value)
            return None

    # scores -------------------------------------------------------------------------
    def bind_scores(self, scores: Mapping[str, Any], path: tuple[Any, ...], subject_id: str, sub: bool
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
        indicator_codes = self.c.score_codes[sub]
        input_codes = self.c.input_codes[sub]
        plans = self.c.plans
        out_scores: dict[str, Any] = {}
        out_inputs: dict[str, Any] = {}
        for code, value in scores.items():
            if code in indicator_codes:
                plan = plans[code]
                if not plan.givable:
                    self.problem(path + (code,), _("indicator {code} is computed ({source}); give its inputs instead",
                                                   code=named(repr(code), plan.name), source=plan.source), value)
                    continue
                if plan.single_role or not plan.roles:
                    kind = type(value)
                    if kind is not dict and kind is not list:  # one number (the common case)
                        number = self.number(value, path + (code,))
                        if number is None:
                            continue
                        if number < plan.low or number > plan.high:
                            self.problem(path + (code,), _("score of {code} out of its scale {scale}", code=repr(code),
                                                           name=plan.name or code,
                                                           scale=f"{fmt(plan.low)}..{fmt(plan.high)}"), value)
                            continue
                        out_scores[code] = number
                        continue
                bound = self.bind_rated(plan, value, path + (code,))
                if bound is not None:
                    out_scores[code] = bound
            elif code in input_codes:
                spec = self.c.inputs[code]
                here = path + (code,)
                values = value if isinstance(value, list) else [value]
                if isinstance(value, list) and not spec.list:
                    self.problem(here, _("input {code} takes one number, not a list", code=named(repr(code), spec.name)), value)
                    continue
                numbers = [self.number(v, here) for v in values]
                if any(n is None for n in numbers):
                    continue
                for number in numbers:
                    assert number is not None
                    if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
                        self.problem(here, _outside(spec.min, spec.max, named(repr(code), spec.name)), value)
                out_inputs[code] = numbers if spec.list else numbers[0]
            else:
                known = sorted(indicator_codes | input_codes)
                self.problem(path + (code,), _("unknown score code for scheme {scheme} of subject {subject} (known: {known})",
                                               scheme=repr(self.c.scheme.id), subject=repr(subject_id),
                                               known=", ".join(known)), code)
        return out_scores, out_inputs

    def bind_rated(self, plan: IndicatorPlan, value: Any, path: tuple[Any, ...]) -> Any:
        roles = plan.roles
        if isinstance(value, dict):
            if not roles:
                self.problem(path, _("indicator {code} has no raters; give one number", code=named(repr(plan.code), plan.name)), value)
                return None
            allowed = plan.allowed_raters
            out: dict[str, Any] = {}
            for rater, given in value.items():
                here = path + (rater,)
                if rater not in allowed:
                    self.problem(here, _("unknown rater for indicator {code} (raters: {raters})", code=named(repr(plan.code), plan.name),
                                         raters=", ".join(sorted(allowed))), rater)
                    continue
                if isinstance(given, dict):
                    if plan.worksheet is None:
                        self.problem(here, _("indicator {code} has no work sheet; give a number", code=named(repr(plan.code), plan.name)),
                                     given)
                        continue
                    out[rater] = self.bind_worksheet(plan.worksheet, given, here)
                elif isinstance(given, list):
                    if not given:
                        self.problem(here, _("an empty list of scores"), given)
                        continue
                    numbers = [self.scaled(plan, v, here + (i,)) for i, v in enumerate(given)]
                    if all(n is not None for n in numbers):
                        out[rater] = numbers
                else:
                    number = self.scaled(plan, given, here)
                    if number is not None:
                        out[rater] = number
            return out
        if isinstance(value, list):
            self.problem(path, _("indicator {code}: a list needs a rater, e.g. {{peer: [80, 84]}}", code=named(repr(plan.code), plan.name)),
                         value)
            return None
        if len(roles) > 1:
            self.problem(path, _("indicator {code} is rated by {raters}; give {{rater: score}}", code=named(repr(plan.code), plan.name),
                                 raters=", ".join(r.code for r in roles)), value)
            return None
        return self.scaled(plan, value, path)

    def scaled(self, plan: IndicatorPlan, value: Any, path: tuple[Any, ...]) -> Decimal | None:
        number = self.number(value, path)
        if number is None:
            return None
        if number < plan.low or number > plan.high:
            self.problem(path, _("score of {code} out of its scale {scale}", code=repr(plan.code),
                                 name=plan.name or plan.code, scale=f"{fmt(plan.low)}..{fmt(plan.high)}"), value)
            return None
        return number

    def bind_worksheet(self, sheet: Worksheet, given: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any] | None:
        sections = {s.code: s for s in sheet.sections}
        extras = {e.code: e for e in sheet.extras}
        ok = True
        for key, value in given.items():
            if key in sections:
                if not isinstance(value, list) or len(value) > sections[key].count:
                    self.problem(path + (key,), _("a list of at most {count} statuses", count=sections[key].count), value)
                    ok = False
                    continue
                for index, status in enumerate(value):
                    if status not in sheet.statuses:
                        self.problem(path + (key, index), _("status must be one of {statuses}",
                                                            statuses=", ".join(sheet.statuses)), status)
                        ok = False
            elif key in extras:
                number = self.number(value, path + (key,))
                if number is None or number < 0 or number != number.to_integral_value():
                    self.problem(path + (key,), _("a whole count of at least 0"), value)
                    ok = False
            else:
                self.problem(path + (key,), _("unknown work-sheet entry (known: {known})",
                                              known=", ".join([*sections, *extras])), key)
                ok = False
        return dict(given) if ok else None

    # events ---------------------------------------------------------------------------
    def bind_events(self, events: list[Any], path: tuple[Any, ...], subject_id: str, sub: bool) -> list[Event]:
        out = []
        scheme = self.c.scheme
        for index, entry in enumerate(events):
            here = path + (index,)
            etype = self.c.events.get(entry.code)
            if etype is None:
                self.problem(here + ("code",), _("unknown event code for scheme {scheme} (known: {known})",
                                                 scheme=repr(scheme.id), known=", ".join(sorted(self.c.events)) or "none"),
                             entry.code)
                continue
            if etype.scope != "both" and (etype.scope == "subperiod") != sub:
                where = _("a sub-period") if etype.scope == "subperiod" else _("the period itself")
                self.problem(here + ("code",), _("event {code} belongs to {where}", code=named(repr(entry.code), etype.name), where=where),
                             entry.code)
                continue
            count = entry.count
            if count <= 0 or count != count.to_integral_value():
                self.problem(here + ("count",), _("count must be a whole number of at least 1"), count)
                continue
            most = etype.max_count or scheme.event_max_count
            if count > most:
                self.problem(here + ("count",), _("count of event {code} may be at most {most} in one entry",
                                                  code=named(repr(entry.code), etype.name), most=most), count)
                continue
            if (etype.note_required or scheme.event_note_required) and not (entry.note or "").strip():
                self.problem(here + ("note",), _("event {code} requires a note (reason)", code=named(repr(entry.code), etype.name)), entry.note)
                continue
            points = entry.points
            if etype.kind == "points":
                if etype.points is not None:
                    if points is not None and points != etype.points:
                        self.problem(here + ("points",), _("event {code} has fixed points {points} per occurrence; give "
                                                           "count, not points", code=named(repr(entry.code), etype.name),
                                                           points=fmt(etype.points)), points)
                        continue
                    points = None
                elif points is None:
                    if etype.range:
                        self.problem(here + ("points",), _("event {code} needs explicit points within {range}",
                                                           code=named(repr(entry.code), etype.name),
                                                           range=f"{fmt(etype.range[0])}..{fmt(etype.range[1])}"), None)
                    else:
                        self.problem(here + ("points",), _("event {code} needs explicit points", code=named(repr(entry.code), etype.name)),
                                     None)
                    continue
                elif etype.range and not (etype.range[0] <= points <= etype.range[1]):
                    self.problem(here + ("points",), _("points of {code} must lie within {range}", code=named(repr(entry.code), etype.name),
                                                       range=f"{fmt(etype.range[0])}..{fmt(etype.range[1])}"), points)
                    continue
                elif not etype.range and abs(points) > (etype.max_points or scheme.event_max_points):
                    most_points = etype.max_points or scheme.event_max_points
                    self.problem(here + ("points",), _("points of {code} must lie within {range} per occurrence",
                                                       code=named(repr(entry.code), etype.name),
                                                       range=f"-{fmt(most_points)}..{fmt(most_points)}"), points)
                    continue
            elif points is not None:
                self.problem(here + ("points",), _("event {code} is a {kind} event and takes no points",
                                                   code=named(repr(entry.code), etype.name), kind=etype.kind), points)
                continue
            out.append(Event(etype, count, points, entry.note, f"{subject_id}:{entry.code}"))
        return out

    # KPIs -------------------------------------------------------------------------------
    def check_kpis(self, subject: Any, path: tuple[Any, ...], attributes: dict[str, Any]) -> None:
        card = self.c.scheme.kpi_card
        assert card is not None
        manager = bool(attributes.get(card.manager_attribute))
        low, high = card.manager_count if manager else card.other_count
        per_dimension: dict[str, int] = defaultdict(int)
        seen: set[str] = set()
        for index, kpi in enumerate(subject.kpis):
            here = path + ("kpis", index)
            if kpi.dimension not in card.dimensions:
                self.problem(here + ("dimension",), _("unknown dimension (known: {known})",
                                                      known=", ".join(card.dimensions)), kpi.dimension)
            per_dimension[kpi.dimension] += 1
            if kpi.code in seen:
                self.problem(here + ("code",), _("duplicate KPI code"), kpi.code)
            seen.add(kpi.code)
        for dimension in card.dimensions:
            count = per_dimension.get(dimension, 0)
            if not low <= count <= high:
                role = _("a manager") if manager else _("a non-manager")
                expected = f"{low}" if low == high else f"{low}–{high}"
                self.problem(path + ("kpis",), _("subject {subject} ({role}) has {count} KPIs in dimension {dimension}, "
                                                 "expected {expected}", subject=repr(subject.id), role=role, count=count,
                                                 dimension=repr(dimension), expected=expected), count)


# ---------------------------------------------------------------------------------------------
# Reading the input: plain data directly when it has the expected shape, else pydantic.

class _Event:
    __slots__ = ("code", "count", "points", "date", "note")

    def __init__(self, code: str, count: Decimal, points: Decimal | None, note: str | None):
        self.code = code
        self.count = count
        self.points = points
        self.date = None
        self.note = note


class RawSubject:
    """A subject read from plain data (the attributes of pydantic's SubjectInput, without its cost)."""

    __slots__ = ("id", "name", "group", "attributes", "scores", "events", "kpis", "subperiods", "history")

    def __init__(self, id: str, name: str, group: str | None, attributes: dict[str, Any],  # noqa: A002
                 scores: dict[str, Any], events: list[Any]):
        self.id = id
        self.name = name
        self.group = group
        self.attributes = attributes
        self.scores = scores
        self.events = events
        self.kpis: list[Any] = []
        self.subperiods: list[Any] = []
        self.history: list[Any] = []


class _Period:
    """A period input read from plain data; its subjects stay plain data until bound (``raw``)."""

    __slots__ = ("scheme", "period", "facts", "subjects", "raw")

    def __init__(self, scheme: str | None, period: str, facts: dict[str, Any], subjects: list[Any]):
        self.scheme = scheme
        self.period = period
        self.facts = facts
        self.subjects = subjects
        self.raw = True


_SUBJECT_KEYS = frozenset({"id", "name", "group", "attributes", "scores", "events"})
_EVENT_KEYS = frozenset({"code", "count", "points", "note"})
_PERIOD_KEYS = frozenset({"scheme", "period", "facts", "subjects"})


class Unusual(Exception):
    """The input is not of the plain shape: pydantic reads it (and names its problems)."""


def _text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value
    if kind is int or kind is Decimal:
        return str(value)
    raise Unusual


def _plain_keys(mapping: Any) -> dict[str, Any]:
    if type(mapping) is not dict:
        raise Unusual
    for key in mapping:
        if type(key) is not str:
            raise Unusual
    return mapping


def _count(value: Any) -> Decimal:
    kind = type(value)
    if kind is int and -MAX_INT < value < MAX_INT:
        return Decimal(value)
    if kind is str or kind is Decimal:
        try:
            return D(value)
        except (TypeError, ValueError):
            raise Unusual from None
    raise Unusual


def read_subject(raw: Any) -> Any:
    """One subject of plain data as an object the binder reads; :class:`Unusual` when pydantic must."""
    if type(raw) is not dict:
        raise Unusual
    keys = raw.keys()
    if not keys <= _SUBJECT_KEYS:
        if any(raw.get(k) for k in keys - _SUBJECT_KEYS) or not keys <= _SUBJECT_KEYS | {"kpis", "subperiods", "history"}:
            try:  # KPIs, sub-periods, history: the schema reads them
                return SubjectInput.model_validate(raw)
            except ValueError:
                raise Unusual from None
    subject_id = _text(raw.get("id"))
    if not subject_id:
        raise Unusual
    name = raw.get("name", "")
    if type(name) is not str:
        raise Unusual
    group = raw.get("group")
    if group is not None:
        group = _text(group)
    events = []
    for entry in raw.get("events") or ():
        if type(entry) is not dict or not entry.keys() <= _EVENT_KEYS:
            raise Unusual
        note = entry.get("note")
        if note is not None and type(note) is not str:
            raise Unusual
        points = entry.get("points")
        events.append(_Event(_text(entry.get("code")), _count(entry.get("count", 1)),
                             None if points is None else _count(points), note))
    if type(raw.get("events", [])) is not list:
        raise Unusual
    return RawSubject(subject_id, name, group, _plain_keys(raw.get("attributes", {})),
                      _plain_keys(raw.get("scores", {})), events)


def read_period_input(source: Document | Mapping[str, Any] | PeriodInput) -> tuple[Any, Document]:
    """The period input and its document: plain data read as it is (its subjects are read one by
    one when bound, see :func:`read_subject`), else validated by pydantic (which raises
    :class:`InputError` naming every problem)."""
    if isinstance(source, PeriodInput):
        return source, Document(None, None)
    document = source if isinstance(source, Document) else Document(source, None)
    data = document.data
    try:
        if type(data) is not dict or not data.keys() <= _PERIOD_KEYS or "period" not in data:
            raise Unusual
        scheme = data.get("scheme")
        subjects = data.get("subjects")
        if type(subjects) is not list:
            raise Unusual
        return _Period(None if scheme is None else _text(scheme), _text(data["period"]),
                       _plain_keys(data.get("facts", {})), subjects), document
    except Unusual:
        return validated(document), document


def validated(document: Document) -> PeriodInput:
    """The period input as pydantic reads it; InputError naming every problem."""
    parsed, _document = parse_period_input(document)
    return parsed
