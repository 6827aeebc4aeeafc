"""The scoring engine: ``evaluate(scheme, period_input) -> Evaluation``.

Pure functions over Decimal.  Two phases: ``bind`` checks a whole period input
against the scheme and raises one :class:`InputError` listing every problem;
``score`` then computes each subject and the group stage (distribution,
ranking, flags).  Every number written into a result carries its reason.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from perfcore.decimals import MAX_MAGNITUDE, ONE_HUNDRED, ZERO, D, engine_context, round_score
from perfcore.decimals import show as fmt
from perfcore.distribution import assign_cap, assign_forced, hamilton_counts
from perfcore.errors import InputError, Problem
from .formula import Formula, FormulaError, compile_formula, explain
from .crossperiod import apply_rules
from .pay import PayContext, pay_stage
from perfcore.period import EventInput, Period, PeriodInput, SubjectInput, parse_period, parse_period_input
from .pools import year_end_pools
from .result import Evaluation, SubjectResult, SubperiodResult
from perfcore.scheme import EventType, Indicator, RaterRole, Scheme, Worksheet, _default_aggregation
from perfcore.yamlio import Document

__all__ = ["check_attribute", "check_event", "check_score", "evaluate", "screen"]


class _Incomplete(Exception):
    """A subject cannot be scored (a required rater or score is missing)."""


# ---------------------------------------------------------------------------------------
# Compiled scheme: formulas compiled once, look-ups prepared once.


class _Compiled:
    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        names = scheme.known_names()
        self.formulas: dict[str, Formula] = {}

        def compile_(source: str) -> Formula:
            if source not in self.formulas:
                self.formulas[source] = compile_formula(source, names)
            return self.formulas[source]

        self.formula = compile_
        self.indicators = {i.code: i for i in scheme.all_indicators()}
        self.sub_codes = {i.code for s in (scheme.subperiods.indicators if scheme.subperiods else []) for i in s.walk()}
        self.inputs = {i.code: i for i in scheme.inputs}
        self.attributes = {a.code: a for a in scheme.attributes}
        self.events = {e.code: e for e in scheme.events}
        self.grade_index = {g.code: i for i, g in enumerate(scheme.grades)}
        self.grade_labels = {g.code: g.label for g in scheme.grades}
        self.params = scheme.parameter_values()


#: Compiled schemes, most recently used last; bounded so that a long-running process (the
#: Odoo addon) that sees many scheme versions does not keep every one of them.
_CACHE: OrderedDict[int, _Compiled] = OrderedDict()
_CACHE_SIZE = 32


def _compiled(scheme: Scheme) -> _Compiled:
    entry = _CACHE.get(id(scheme))
    if entry is None or entry.scheme is not scheme:
        entry = _Compiled(scheme)
        _CACHE[id(scheme)] = entry
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(id(scheme))
    return entry


# ---------------------------------------------------------------------------------------
# Binding: the input checked against the scheme.


@dataclass
class _Event:
    type: EventType
    count: Decimal
    points: Decimal | None  # per occurrence, explicit (ranged or free events)
    note: str | None
    path: str

    @property
    def total_points(self) -> Decimal:
        per = self.points if self.points is not None else (self.type.points or ZERO)
        return per * self.count


@dataclass
class _Bound:
    source: SubjectInput
    attributes: dict[str, Any]
    scores: dict[str, Any]
    inputs: dict[str, Any]
    events: list[_Event]
    subperiods: list[tuple[Period, dict[str, Any], dict[str, Any], list[_Event]]] = field(default_factory=list)


class _Binder:
    def __init__(self, compiled: _Compiled, document: Document, problems: list[Problem]):
        self.c = compiled
        self.doc = document
        self.problems = problems

    def problem(self, path: tuple[Any, ...], message: str, value: Any = ...) -> None:
        self.problems.append(self.doc.problem(path, message, value))

    def bind(self, subject: SubjectInput, path: tuple[Any, ...], period: Period | None) -> _Bound:
        self.check_history(subject, path)
        attributes = self.bind_attributes(subject, path)
        scores, inputs = self.bind_scores(subject.scores, path + ("scores",), subject.id, sub=False)
        events = self.bind_events(subject.events, path + ("events",), subject.id, sub=False)
        bound = _Bound(subject, attributes, scores, inputs, events)
        spec = self.c.scheme.subperiods
        if subject.subperiods and spec is None:
            self.problem(path + ("subperiods",), f"scheme {self.c.scheme.id!r} has no sub-periods", len(subject.subperiods))
        elif spec is not None:
            if spec.max_count is not None and len(subject.subperiods) > spec.max_count:
                self.problem(path + ("subperiods",), f"at most {spec.max_count} sub-periods of kind {spec.kind}",
                             len(subject.subperiods))
            seen: set[str] = set()
            for index, sub in enumerate(subject.subperiods):
                here = path + ("subperiods", index)
                try:
                    sub_period = parse_period(sub.period)
                except ValueError as exc:
                    self.problem(here + ("period",), str(exc), sub.period)
                    continue
                if sub_period.kind != spec.kind:
                    self.problem(here + ("period",), f"sub-periods of this scheme are of kind {spec.kind}", sub.period)
                elif period is not None and not period.overlaps(sub_period):
                    self.problem(here + ("period",), f"sub-period lies outside the period {period.text}", sub.period)
                if sub.period in seen:
                    self.problem(here + ("period",), "duplicate sub-period", sub.period)
                seen.add(sub.period)
                s_scores, s_inputs = self.bind_scores(sub.scores, here + ("scores",), subject.id, sub=True)
                s_events = self.bind_events(sub.events, here + ("events",), subject.id, sub=True)
                bound.subperiods.append((sub_period, s_scores, s_inputs, s_events))
        if self.c.scheme.kpi_card:
            self.check_kpis(subject, path, attributes)
        elif subject.kpis:
            self.problem(path + ("kpis",), f"scheme {self.c.scheme.id!r} has no KPI card", len(subject.kpis))
        return bound

    def check_history(self, subject: SubjectInput, path: tuple[Any, ...]) -> None:
        for index, entry in enumerate(subject.history):
            try:
                parse_period(entry.period)
            except ValueError as exc:
                self.problem(path + ("history", index, "period"), str(exc), entry.period)

    # attributes -------------------------------------------------------------------
    def bind_attributes(self, subject: SubjectInput, path: tuple[Any, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for code, value in subject.attributes.items():
            here = path + ("attributes", code)
            spec = self.c.attributes.get(code)
            if spec is None:
                self.problem(here, f"unknown attribute for scheme {self.c.scheme.id!r} "
                             f"(known: {', '.join(sorted(self.c.attributes)) or 'none'})", code)
                continue
            out[code] = self.typed(spec.type, value, here, spec.values, spec.min, spec.max)
        for spec in self.c.scheme.attributes:
            if spec.code not in out:
                if spec.required and spec.default is None:
                    self.problem(path + ("attributes",), f"subject {subject.id!r} lacks required attribute {spec.code!r}", None)
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
                self.problem(path, f"must be at least {fmt(minimum)}" if maximum is None else
                             f"must be at most {fmt(maximum)}" if minimum is None else
                             f"must lie within {fmt(minimum)}..{fmt(maximum)}", value)
            return number
        if kind == "list":
            items = value if isinstance(value, list) else [value]
            for item in items:
                if values is not None and item not in values:
                    self.problem(path, f"not one of {', '.join(values)}", item)
            return [str(item) for item in items]
        if kind == "bool":
            if isinstance(value, bool):
                return value
            self.problem(path, "expected true or false", value)
            return None
        text = str(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else value
        if not isinstance(text, str):
            self.problem(path, "expected text", value)
            return None
        if values is not None and text not in values:
            self.problem(path, f"not one of {', '.join(values)}", text)
        return text

    def number(self, value: Any, path: tuple[Any, ...]) -> Decimal | None:
        try:
            return D(value)
        except (TypeError, ValueError) as exc:
            self.problem(path, str(exc), value)
            return None

    # scores -------------------------------------------------------------------------
    def bind_scores(self, scores: Mapping[str, Any], path: tuple[Any, ...], subject_id: str, sub: bool
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
        indicator_codes = self.c.sub_codes if sub else (set(self.c.indicators) - self.c.sub_codes)
        out_scores: dict[str, Any] = {}
        out_inputs: dict[str, Any] = {}
        for code, value in scores.items():
            here = path + (code,)
            if code in indicator_codes:
                indicator = self.c.indicators[code]
                if indicator.resolved_source not in ("given", "given_or_items", "given_or_formula"):
                    self.problem(here, f"indicator {code!r} is computed ({indicator.resolved_source}); "
                                 "give its inputs instead", value)
                    continue
                bound = self.bind_rated(indicator, value, here)
                if bound is not None:
                    out_scores[code] = bound
            elif code in self.c.inputs and (self.c.inputs[code].scope in ("both", "subperiod" if sub else "period")):
                spec = self.c.inputs[code]
                values = value if isinstance(value, list) else [value]
                if isinstance(value, list) and not spec.list:
                    self.problem(here, f"input {code!r} takes one number, not a list", value)
                    continue
                numbers = [self.number(v, here) for v in values]
                if any(n is None for n in numbers):
                    continue
                for number in numbers:
                    if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
                        self.problem(here, f"input {code!r} must be at least {fmt(spec.min)}" if spec.max is None else
                                     f"input {code!r} must be at most {fmt(spec.max)}" if spec.min is None else
                                     f"input {code!r} must lie in {fmt(spec.min)}..{fmt(spec.max)}", value)
                out_inputs[code] = numbers if spec.list else numbers[0]
            else:
                known = sorted(indicator_codes | {c for c, s in self.c.inputs.items()
                                                  if s.scope in ("both", "subperiod" if sub else "period")})
                self.problem(here, f"unknown score code for scheme {self.c.scheme.id!r} of subject {subject_id!r} "
                             f"(known: {', '.join(known)})", code)
        return out_scores, out_inputs

    def bind_rated(self, indicator: Indicator, value: Any, path: tuple[Any, ...]) -> Any:
        roles = self.c.scheme.raters_of(indicator)
        if isinstance(value, dict):
            if not roles:
                self.problem(path, f"indicator {indicator.code!r} has no raters; give one number", value)
                return None
            allowed = {r.code for r in roles} | {m for r in roles for m in r.pool}
            out: dict[str, Any] = {}
            for rater, given in value.items():
                here = path + (rater,)
                if rater not in allowed:
                    self.problem(here, f"unknown rater for indicator {indicator.code!r} (raters: {', '.join(sorted(allowed))})", rater)
                    continue
                if isinstance(given, dict):
                    if indicator.worksheet is None:
                        self.problem(here, f"indicator {indicator.code!r} has no work sheet; give a number", given)
                        continue
                    out[rater] = self.bind_worksheet(indicator.worksheet, given, here)
                elif isinstance(given, list):
                    if not given:
                        self.problem(here, "an empty list of scores", given)
                        continue
                    numbers = [self.scaled(indicator, v, here + (i,)) for i, v in enumerate(given)]
                    if all(n is not None for n in numbers):
                        out[rater] = numbers
                else:
                    number = self.scaled(indicator, given, here)
                    if number is not None:
                        out[rater] = number
            return out
        if isinstance(value, list):
            self.problem(path, f"indicator {indicator.code!r}: a list needs a rater, e.g. {{peer: [80, 84]}}", value)
            return None
        if len(roles) > 1:
            self.problem(path, f"indicator {indicator.code!r} is rated by {', '.join(r.code for r in roles)}; "
                         "give {rater: score}", value)
            return None
        return self.scaled(indicator, value, path)

    def scaled(self, indicator: Indicator, value: Any, path: tuple[Any, ...]) -> Decimal | None:
        number = self.number(value, path)
        if number is None:
            return None
        low, high = indicator.resolved_scale
        if number < low or number > high:
            self.problem(path, f"score of {indicator.code!r} out of its scale {fmt(low)}..{fmt(high)}", value)
            return None
        return number

    def bind_worksheet(self, sheet: Worksheet, given: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any] | None:
        sections = {s.code: s for s in sheet.sections}
        extras = {e.code: e for e in sheet.extras}
        ok = True
        for key, value in given.items():
            if key in sections:
                if not isinstance(value, list) or len(value) > sections[key].count:
                    self.problem(path + (key,), f"a list of at most {sections[key].count} statuses", value)
                    ok = False
                    continue
                for index, status in enumerate(value):
                    if status not in sheet.statuses:
                        self.problem(path + (key, index), f"status must be one of {', '.join(sheet.statuses)}", status)
                        ok = False
            elif key in extras:
                number = self.number(value, path + (key,))
                if number is None or number < 0 or number != number.to_integral_value():
                    self.problem(path + (key,), "a whole count of at least 0", value)
                    ok = False
            else:
                self.problem(path + (key,), f"unknown work-sheet entry (known: {', '.join([*sections, *extras])})", key)
                ok = False
        return dict(given) if ok else None

    # events ---------------------------------------------------------------------------
    def bind_events(self, events: list[EventInput], path: tuple[Any, ...], subject_id: str, sub: bool) -> list[_Event]:
        out = []
        for index, entry in enumerate(events):
            here = path + (index,)
            etype = self.c.events.get(entry.code)
            if etype is None:
                self.problem(here + ("code",), f"unknown event code for scheme {self.c.scheme.id!r} "
                             f"(known: {', '.join(sorted(self.c.events)) or 'none'})", entry.code)
                continue
            if etype.scope != "both" and (etype.scope == "subperiod") != sub:
                where = "a sub-period" if etype.scope == "subperiod" else "the period itself"
                self.problem(here + ("code",), f"event {entry.code!r} belongs to {where}", entry.code)
                continue
            if entry.count <= 0 or entry.count != entry.count.to_integral_value():
                self.problem(here + ("count",), "count must be a whole number of at least 1", entry.count)
                continue
            most = etype.max_count or self.c.scheme.event_max_count
            if entry.count > most:
                self.problem(here + ("count",), f"count of event {entry.code!r} may be at most {most} in one entry",
                             entry.count)
                continue
            if (etype.note_required or self.c.scheme.event_note_required) and not (entry.note or "").strip():
                self.problem(here + ("note",), f"event {entry.code!r} requires a note (reason)", entry.note)
                continue
            points = entry.points
            if etype.kind == "points":
                if etype.points is not None:
                    if points is not None and points != etype.points:
                        self.problem(here + ("points",), f"event {entry.code!r} has fixed points {fmt(etype.points)} "
                                     "per occurrence; give count, not points", points)
                        continue
                    points = None
                elif points is None:
                    rng = f" within {fmt(etype.range[0])}..{fmt(etype.range[1])}" if etype.range else ""
                    self.problem(here + ("points",), f"event {entry.code!r} needs explicit points{rng}", None)
                    continue
                elif etype.range and not (etype.range[0] <= points <= etype.range[1]):
                    self.problem(here + ("points",), f"points of {entry.code!r} must lie within "
                                 f"{fmt(etype.range[0])}..{fmt(etype.range[1])}", points)
                    continue
                elif not etype.range and abs(points) > (etype.max_points or self.c.scheme.event_max_points):
                    most = etype.max_points or self.c.scheme.event_max_points
                    self.problem(here + ("points",), f"points of {entry.code!r} must lie within "
                                 f"-{fmt(most)}..{fmt(most)} per occurrence", points)
                    continue
            elif points is not None:
                self.problem(here + ("points",), f"event {entry.code!r} is a {etype.kind} event and takes no points", points)
                continue
            out.append(_Event(etype, entry.count, points, entry.note, f"{subject_id}:{entry.code}"))
        return out

    # KPIs -------------------------------------------------------------------------------
    def check_kpis(self, subject: SubjectInput, path: tuple[Any, ...], attributes: dict[str, Any]) -> None:
        card = self.c.scheme.kpi_card
        assert card is not None
        manager = bool(attributes.get(card.manager_attribute))
        low, high = card.manager_count if manager else card.other_count
        per_dimension: dict[str, int] = defaultdict(int)
        seen: set[str] = set()
        for index, kpi in enumerate(subject.kpis):
            here = path + ("kpis", index)
            if kpi.dimension not in card.dimensions:
                self.problem(here + ("dimension",), f"unknown dimension (known: {', '.join(card.dimensions)})", kpi.dimension)
            per_dimension[kpi.dimension] += 1
            if kpi.code in seen:
                self.problem(here + ("code",), "duplicate KPI code", kpi.code)
            seen.add(kpi.code)
        for dimension in card.dimensions:
            count = per_dimension.get(dimension, 0)
            if not low <= count <= high:
                role = "a manager" if manager else "a non-manager"
                expected = f"{low}" if low == high else f"{low}–{high}"
                self.problem(path + ("kpis",), f"subject {subject.id!r} ({role}) has {count} KPIs in dimension "
                             f"{dimension!r}, expected {expected}", count)


# ---------------------------------------------------------------------------------------
# Scoring one subject


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO) / len(values)


def _pct(weight: Decimal) -> str:
    return f"{fmt(weight)}%"


class _Scorer:
    """Scores one subject (or one sub-period of it) into a SubjectResult."""

    def __init__(self, c: _Compiled, result: SubjectResult, names: dict[str, Any]):
        self.c = c
        self.r = result
        self.names = names
        self.deductions_raw = ZERO
        self.event_points = ZERO
        #: What is being computed, for the reason of an error ("indicator 'quality'").
        self.where = ""

    def formula(self, source: str, extra: Mapping[str, Any] | None = None) -> Any:
        names = {**self.names, **extra} if extra else self.names
        try:
            return self.c.formula(source)(names)
        except FormulaError as exc:
            raise _Incomplete(f"{self.where}: {exc}" if self.where else str(exc)) from None

    def number(self, source: str, extra: Mapping[str, Any] | None = None) -> Decimal:
        """A formula that must give a number within perfcore's bounds."""
        value = self.formula(source, extra)
        try:
            return D(value)
        except (TypeError, ValueError) as exc:
            raise _Incomplete(f"{self.where}: formula {source!r} gives {exc}") from None

    # indicators ------------------------------------------------------------------------
    def indicator(self, indicator: Indicator, scores: dict[str, Any], events: list[_Event], prefix: str = "") -> Decimal:
        code = indicator.code
        label = f"{indicator.name} {code}".strip()
        source = indicator.resolved_source
        self.where = f"indicator {prefix}{code!r}"
        low, high = indicator.resolved_scale
        children: dict[str, Decimal] = {}
        if code in scores and source in ("given", "given_or_items", "given_or_formula"):
            value = self.rated(indicator, scores[code], prefix)
            roles = self.c.scheme.raters_of(indicator)
            how = f"given by {roles[0].code}" if isinstance(scores[code], Decimal) and roles else (
                "given" if isinstance(scores[code], Decimal) else "rater-weighted")
        elif source == "full":
            value, how = high, f"starts at full {fmt(high)} points"
        elif source in ("items", "given_or_items"):
            missing = [i.code for i in indicator.items if i.resolved_source == "given" and i.code not in scores]
            if missing and len(missing) == len(indicator.items) and source == "given_or_items":
                raise _Incomplete(f"no score for indicator {code!r} ({indicator.name or code}): give it, or its "
                                  f"items {', '.join(missing)}")
            if missing:
                raise _Incomplete(f"indicator {code!r} ({indicator.name or code}): no score for its items "
                                  f"{', '.join(missing)}")
            for item in indicator.items:
                children[item.code] = self.indicator(item, scores, events, prefix)
            value, how = self.aggregate(indicator.resolved_aggregation, indicator.items, children, label, prefix)
        elif source in ("formula", "given_or_formula"):
            assert indicator.formula is not None
            for item in indicator.items:
                children[item.code] = self.indicator(item, scores, events, prefix)
            value = self.number(indicator.formula, children)
            how = f"= {explain(indicator.formula, {**self.names, **children})}"
        elif source == "subperiod_mean":
            if "subperiod_mean" not in self.names:
                raise _Incomplete(f"no sub-periods for indicator {code!r}")
            value = self.names["subperiod_mean"]
            how = f"mean of {self.names['subperiod_count']} sub-period scores"
        else:
            raise _Incomplete(f"no score for indicator {code!r}")
        adjustments = [e for e in events if e.type.level == "indicator" and e.type.indicator == code]
        if adjustments:
            self.r.add("indicator", prefix + code, value, f"{label}: {fmt(value)} before events ({how})")
            value = value + self.apply_events(adjustments, prefix)
            clamped = max(low, min(high, value))
            if clamped != value:
                self.r.add("indicator", prefix + code, clamped,
                           f"{label}: {fmt(value)} after events, clamped to its scale {fmt(low)}..{fmt(high)}")
            value = clamped
            how = "after events"
        elif indicator.clamp:
            clamped = max(low, min(high, value))
            if clamped != value:
                how += f", clamped to {fmt(low)}..{fmt(high)}"
            value = clamped
        self.r.add("indicator", prefix + code, value, f"{label} = {fmt(value)} ({how})")
        self.r.indicators[prefix + code] = value
        self.names[code] = value
        return value

    def aggregate(self, how: str, items: list[Indicator], values: dict[str, Decimal], label: str, prefix: str
                  ) -> tuple[Decimal, str]:
        if how == "weighted":
            total = ZERO
            for item in items:
                assert item.weight is not None
                part = values[item.code] * item.weight / ONE_HUNDRED
                total += part
                self.r.add("weight", prefix + item.code, part,
                           f"{item.name or item.code} {fmt(values[item.code])} × {_pct(item.weight)} = {fmt(part)}")
            return total, "weighted sum of " + ", ".join(i.code for i in items)
        if how == "sum":
            return sum(values.values(), ZERO), "sum of " + ", ".join(i.code for i in items)
        return _mean(list(values.values())), "mean of " + ", ".join(i.code for i in items)

    def rated(self, indicator: Indicator, value: Any, prefix: str) -> Decimal:
        code = indicator.code
        if isinstance(value, Decimal):
            return value
        roles = self.c.scheme.raters_of(indicator)
        scores: dict[str, Decimal] = {}
        for role in roles:
            score = self.role_score(indicator, role, value, prefix)
            if score is not None:
                scores[role.code] = score
        for role in roles:  # validity rules may read other roles' scores (self → superior − 10)
            if role.max_valid is not None and role.code in scores and scores[role.code] > role.max_valid:
                if role.replace_with and role.replace_with in scores:
                    replaced = scores[role.replace_with] + role.replace_offset
                    self.r.add("rater", f"{prefix}{code}.{role.code}", replaced,
                               f"{role.code} score {fmt(scores[role.code])} above {fmt(role.max_valid)} is invalid; "
                               f"replaced by {role.replace_with} {fmt(scores[role.replace_with])} "
                               f"{'+' if role.replace_offset >= 0 else '−'} {fmt(abs(role.replace_offset))}")
                    scores[role.code] = replaced
                    if role.replace_flag:
                        self.r.flag(role.replace_flag, f"{role.code} score of {code} replaced")
                else:
                    raise _Incomplete(f"{role.code} score of {code!r} above {fmt(role.max_valid)} and no "
                                      f"{role.replace_with or 'replacement'} score to replace it")
        weights: dict[str, Decimal] = {}
        for role in roles:
            self.where = f"weight of rater {role.code!r} of indicator {prefix}{code!r}"
            weights[role.code] = self.number(role.weight) * ONE_HUNDRED if isinstance(role.weight, str) else role.weight
        present = {k: w for k, w in weights.items() if k in scores}
        for role in roles:
            if role.code not in scores and weights[role.code] != 0:
                if role.required:
                    raise _Incomplete(f"required rater {role.code!r} missing for indicator {code!r}")
                self.r.flag(f"rater_missing:{role.code}",
                            f"no {role.code} score for {code}; remaining raters re-weighted proportionally")
        weight_sum = sum(present.values(), ZERO)
        if weight_sum == 0:
            raise _Incomplete(f"no rater score for indicator {code!r}")
        total = ZERO
        for role_code, weight in present.items():
            share = weight / weight_sum
            part = scores[role_code] * share
            total += part
            note = "" if weight_sum == ONE_HUNDRED else f" (re-weighted {fmt(weight)}/{fmt(weight_sum)})"
            self.r.add("rater", f"{prefix}{code}.{role_code}", part,
                       f"{indicator.name or code}: {role_code} {fmt(scores[role_code])} × {fmt(share * 100)}%{note} = {fmt(part)}")
        return total

    def role_score(self, indicator: Indicator, role: RaterRole, given: dict[str, Any], prefix: str) -> Decimal | None:
        members = role.pool or [role.code]
        values = []
        for member in members:
            if member not in given:
                continue
            value = given[member]
            if isinstance(value, list):
                mean = _mean(value)
                if len(value) > 1:
                    self.r.add("rater", f"{prefix}{indicator.code}.{member}", mean,
                               f"{member}: mean of {len(value)} ratings {', '.join(fmt(v) for v in value)} = {fmt(mean)}")
                value = mean
            elif isinstance(value, dict):
                assert indicator.worksheet is not None
                value = self.worksheet(indicator.worksheet, value, f"{prefix}{indicator.code}.{member}")
            values.append(value)
        if not values:
            return None
        if role.pool:
            mean = _mean(values)
            self.r.add("rater", f"{prefix}{indicator.code}.{role.code}", mean,
                       f"{role.code}: mean of {', '.join(m for m in members if m in given)} = {fmt(mean)}")
            return mean
        return values[0]

    def worksheet(self, sheet: Worksheet, given: dict[str, Any], code: str) -> Decimal:
        total = ZERO
        parts = []
        for section in sheet.sections:
            statuses = given.get(section.code, [])
            earned = sum((sheet.statuses[s] * section.points for s in statuses), ZERO)
            total += earned
            parts.append(f"{section.code} {fmt(earned)}")
        for extra in sheet.extras:
            count = D(given.get(extra.code, 0))
            total += count * extra.points
            if count:
                parts.append(f"{extra.code} {fmt(count)} × {fmt(extra.points)}")
        self.r.add("rater", code, total, f"work sheet: {' + '.join(parts)} = {fmt(total)}")
        return total

    # events ------------------------------------------------------------------------------
    def apply_events(self, events: list[_Event], prefix: str) -> Decimal:
        by_type: dict[str, list[_Event]] = defaultdict(list)
        for event in events:
            by_type[event.type.code].append(event)
        total = ZERO
        for code, entries in by_type.items():
            etype = entries[0].type
            subtotal = ZERO
            for event in entries:
                points = event.total_points
                subtotal += points
                if points < 0:
                    self.deductions_raw -= points
                per = event.points if event.points is not None else (etype.points or ZERO)
                note = f" — {event.note}" if event.note else ""
                target = f" on {etype.indicator}" if etype.level == "indicator" else " on the total"
                self.r.add("event", prefix + code, points,
                           f"{etype.name or code}: {fmt(event.count)} × {fmt(per)} = {fmt(points)}{target}{note}")
            if etype.cap is not None and abs(subtotal) > etype.cap:
                capped = etype.cap if subtotal > 0 else -etype.cap
                self.r.add("event", prefix + code, capped,
                           f"{etype.name or code}: {fmt(subtotal)} capped at {fmt(capped)} for the period")
                subtotal = capped
            total += subtotal
        self.event_points += total
        return total

    # whole subject -------------------------------------------------------------------------
    def score(self, scores: dict[str, Any], events: list[_Event], prefix: str = "") -> Decimal | None:
        scheme = self.c.scheme
        indicators = scheme.subperiods.indicators if prefix else scheme.indicators
        if not prefix and scheme.direct_total and scheme.direct_total in self.names:
            total = D(self.names[scheme.direct_total])
            self.r.add("total", scheme.direct_total, total, f"total given directly ({scheme.direct_total})")
        elif indicators:
            values = {i.code: self.indicator(i, scores, events, prefix) for i in indicators}
            total, how = self.aggregate(_default_aggregation(indicators), indicators, values, "total", prefix)
            self.r.add("total", prefix + "indicators", total, f"indicator score = {fmt(total)} ({how})")
        else:
            return None
        total_events = [e for e in events if e.type.kind == "points" and e.type.level == "total"]
        if total_events:
            adjustment = self.apply_events(total_events, prefix)
            total += adjustment
            self.r.add("total", prefix + "events", total, f"after total-level events {fmt(adjustment)}: {fmt(total)}")
        for event in events:
            if event.type.kind in ("fine", "pay_percent", "count"):
                self.r.add("event", prefix + event.type.code, event.count,
                           f"{event.type.name or event.type.code}: {fmt(event.count)} × recorded ({event.type.kind}, no points)"
                           + (f" — {event.note}" if event.note else ""))
        return total


_ELIGIBILITY_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
    "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}


def _eligibility(c: _Compiled, attributes: dict[str, Any]) -> str | None:
    for rule in c.scheme.eligibility:
        value = attributes.get(rule.attribute)
        if value is None:
            value = rule.default
        if value is None:
            continue
        expected = rule.value
        if isinstance(value, Decimal) and not isinstance(expected, list):
            expected = D(expected)
        if _ELIGIBILITY_OPS[rule.op](value, expected):
            labels = next((a.labels for a in c.scheme.attributes if a.code == rule.attribute), {})
            shown = fmt(value) if isinstance(value, Decimal) else labels.get(value, value) if isinstance(value, str) \
                else value
            return rule.reason.format(value=shown)
    return None


def _grade(c: _Compiled, scorer: _Scorer, total: Decimal | None, rounded: Decimal | None, vetoed: bool
           ) -> tuple[str | None, str]:
    scheme = c.scheme
    if not scheme.grades:
        return None, ""
    if vetoed and scheme.veto_grade:
        return scheme.veto_grade, "veto (一票否决)"
    if all(g.min is None and g.when is None for g in scheme.grades):
        return None, "graded by forced distribution"
    for grade in scheme.grades:
        if grade.when is not None:
            if scorer.formula(grade.when):
                return grade.code, f"{grade.when}"
        elif grade.min is None:
            return grade.code, "below every band"
        elif rounded is not None and rounded >= grade.min:
            return grade.code, f"total {fmt(rounded, 2)} ≥ {fmt(grade.min)}"
    return None, "no grade applies"


# ---------------------------------------------------------------------------------------
# Public entry point


def evaluate(scheme: Scheme, period_input: PeriodInput | Document | Mapping[str, Any]) -> Evaluation:
    """Score, grade, distribute and rank every subject of a period input.

    Raises :class:`InputError` listing every problem when the input does not fit
    the scheme; nothing is computed in that case.
    """
    data, document = parse_period_input(period_input)
    c = _compiled(scheme)
    problems: list[Problem] = []
    period: Period | None = None
    try:
        period = parse_period(data.period)
        if period.kind not in scheme.periods:
            problems.append(document.problem(("period",), f"scheme {scheme.id!r} runs on periods of kind "
                                             f"{', '.join(scheme.periods)}, not {period.kind}", data.period))
    except ValueError as exc:
        problems.append(document.problem(("period",), str(exc), data.period))
    if data.scheme is not None and data.scheme != scheme.id:
        problems.append(document.problem(("scheme",), f"the file is for scheme {data.scheme!r}, not {scheme.id!r}",
                                         data.scheme))
    binder = _Binder(c, document, problems)
    seen: dict[str, int] = {}
    bound: list[_Bound] = []
    for index, subject in enumerate(data.subjects):
        if subject.id in seen:
            problems.append(document.problem(("subjects", index, "id"),
                                             f"duplicate subject id (first at subjects[{seen[subject.id]}])", subject.id))
        seen.setdefault(subject.id, index)
        bound.append(binder.bind(subject, ("subjects", index), period))
    _check_facts(data.facts, document, problems)
    if problems:
        raise InputError(problems)
    assert period is not None
    with engine_context():
        results = [_score_subject(c, b, period) for b in bound]
        rollup = scheme.annual_rollup is not None and period.kind == "year"
        _group_stage(c, results, distribute=not rollup)  # annual grades are not under the monthly quotas
        for result, b in zip(results, bound):
            _flag_rules(c, result, b)
        # Cross-period flags come before pay: they never change a total, but pay may read them.
        for result, b in zip(results, bound):
            apply_rules(scheme, period, result, b.source.history, c.formula)
        evaluation = Evaluation(scheme.id, data.period, results)
        _pay(c, evaluation, bound, data.facts, period, document)
    return evaluation


def _pay(c: _Compiled, evaluation: Evaluation, bound: list[_Bound], facts: dict[str, Any], period: Period,
         document: Document) -> None:
    spec = c.scheme.pay
    if spec is None:
        return
    contexts = []
    for index, (result, b) in enumerate(zip(evaluation.results, bound)):
        names = _base_names(c, b)
        names.update(_result_names(c, result))
        names.update(facts=facts, group=result.group, total_exact=result.total_exact, flags=list(result.flags))
        counts: dict[str, Decimal] = {code: ZERO for code in c.events}
        fines = percent = ZERO
        for event in [*b.events, *(e for sub in b.subperiods for e in sub[3])]:
            counts[event.type.code] += event.count
            if event.type.kind == "fine" and event.type.amount is not None:
                fines += event.type.amount * event.count
            if event.type.kind == "pay_percent" and event.type.percent is not None:
                percent += event.type.percent * event.count
        contexts.append(PayContext(result, names, counts, fines, percent, f"subjects[{index}]"))
    problems = pay_stage(c.scheme, period.kind, contexts, c.formula)
    pools = spec.year_end_pools
    if pools is not None and period.kind in pools.periods:
        unallocated, forfeited, pool_problems = year_end_pools(pools, [x for x in contexts if x.result.scored], facts)
        evaluation.unallocated.update(unallocated)
        evaluation.forfeited.update(forfeited)
        problems += pool_problems
    if problems:
        raise InputError([_problem_at(document, path, message) for path, message in problems])


def _problem_at(document: Document, path: str, message: str) -> Problem:
    keys: list[Any] = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        if part:
            keys.append(int(part) if part.isdigit() else part)
    return document.problem(tuple(keys), message)


def check_score(scheme: Scheme, code: str, value: Any, rater: str | None = None, *,
                subperiod: bool = False) -> list[Problem]:
    """Problems of one entered score or input, checked as :func:`evaluate` binds it: known code
    and rater, a finite number within the indicator's scale or the input's bounds.  ``[]`` when it fits.

    >>> from perfcore import load_preset
    >>> [p.message for p in check_score(load_preset("nursing"), "patient", 250, "patient")]
    ["score of 'patient' out of its scale 0..100"]
    """
    problems: list[Problem] = []
    binder = _Binder(_compiled(scheme), Document(None, None), problems)
    binder.bind_scores({code: {rater: value} if rater else value}, ("scores",), "", sub=subperiod)
    return problems


def check_event(scheme: Scheme, code: str, count: Any = 1, points: Any = None, note: str | None = None, *,
                subperiod: bool = False) -> list[Problem]:
    """Problems of one 加减分 ledger entry (known code, count and points within bounds, note)."""
    document = Document(None, None)
    entry = {"code": code, "count": count, "note": note, **({"points": points} if points is not None else {})}
    try:
        parsed = EventInput.model_validate(entry)
    except ValidationError as exc:
        return [document.problem(tuple(e["loc"]), e["msg"].removeprefix("Value error, "), e.get("input"))
                for e in exc.errors(include_url=False)]
    problems: list[Problem] = []
    _Binder(_compiled(scheme), document, problems).bind_events([parsed], (), "", sub=subperiod)
    return problems


def check_attribute(scheme: Scheme, code: str, value: Any) -> list[Problem]:
    """Problems of one attribute value: a declared attribute, of its type, allowed value and bounds."""
    c = _compiled(scheme)
    document = Document(None, None)
    spec = c.attributes.get(code)
    if spec is None:
        return [document.problem((code,), f"unknown attribute for scheme {scheme.id!r} "
                                 f"(known: {', '.join(sorted(c.attributes)) or 'none'})", code)]
    problems: list[Problem] = []
    _Binder(c, document, problems).typed(spec.type, value, (code,), spec.values, spec.min, spec.max)
    return problems


def screen(scheme: Scheme, period_input: PeriodInput | Document | Mapping[str, Any], *,
           exclude_invalid: bool = False) -> dict[str, str | None]:
    """Eligibility only (no scores needed): subject id → exclusion reason, or None when appraised.

    Attributes and history are checked as in :func:`evaluate`; their problems raise
    :class:`InputError` — or, with ``exclude_invalid``, become the reason that subject is not
    appraised ("lacks required attribute 'title'"), so that one person's data never stops the
    others.
    """
    data, document = parse_period_input(period_input)
    c = _compiled(scheme)
    problems: list[Problem] = []
    try:
        period = parse_period(data.period)
    except ValueError as exc:
        raise InputError([document.problem(("period",), str(exc), data.period)]) from None
    out: dict[str, str | None] = {}
    for index, subject in enumerate(data.subjects):
        own: list[Problem] = []
        binder = _Binder(c, document, own)
        binder.check_history(subject, ("subjects", index))
        b = _Bound(subject, binder.bind_attributes(subject, ("subjects", index)), {}, {}, [])
        if own and exclude_invalid:
            out[subject.id] = "; ".join(_reason(p) for p in own)
            continue
        problems += own
        if not own:
            out[subject.id] = _eligibility(c, b.attributes) or _history_eligibility(c, b, period)
    if problems:
        raise InputError(problems)
    return out


def _reason(problem: Problem) -> str:
    """A problem as the reason a subject is not appraised: its field (after the subject) and message."""
    field = problem.path.split("].", 1)[1] if "]." in problem.path else ""
    value = f" ({problem.value})" if problem.has_value and problem.value is not None else ""
    return f"{field}: {problem.message}{value}" if field else f"{problem.message}{value}"


def _check_facts(facts: Any, document: Document, problems: list[Problem], path: tuple[Any, ...] = ("facts",)) -> None:
    if isinstance(facts, float):
        problems.append(document.problem(path, "floats are not accepted, write the number as text", facts))
    elif isinstance(facts, (int, Decimal)) and not isinstance(facts, bool):
        try:
            D(facts)
        except ValueError as exc:
            problems.append(document.problem(path, str(exc), facts))
    elif isinstance(facts, dict):
        for key, value in facts.items():
            _check_facts(value, document, problems, path + (key,))
    elif isinstance(facts, list):
        for index, value in enumerate(facts):
            _check_facts(value, document, problems, path + (index,))


def _base_names(c: _Compiled, b: _Bound) -> dict[str, Any]:
    names: dict[str, Any] = dict(c.params)
    names.update(b.attributes)
    names.update({spec.code: spec.default for spec in c.scheme.inputs if spec.default is not None})
    names.update(b.inputs)
    names["vetoed"] = False
    return names


def _score_subject(c: _Compiled, b: _Bound, period: Period) -> SubjectResult:
    subject = b.source
    result = SubjectResult(id=subject.id, name=subject.name, group=subject.group)
    reason = _eligibility(c, b.attributes) or _history_eligibility(c, b, period)
    if reason is not None:
        result.eligible = False
        result.status = "excluded"
        result.excluded_reason = reason
        result.add("eligibility", "excluded", None, f"not appraised: {reason}")
        return result
    names = _base_names(c, b)
    scorer = _Scorer(c, result, names)
    if c.scheme.score_periods is not None and period.kind not in c.scheme.score_periods:
        result.add("total", "not_scored", None, f"no score in {period.kind} periods; pay only")
        return result
    if c.scheme.annual_rollup is not None and period.kind == "year":
        _annual_rollup(c, b, period, result)
        return result
    try:
        for name, source in c.scheme.variables.items():
            scorer.where = f"variable {name!r}"
            shown = explain(source, names)
            names[name] = scorer.number(source)
            result.add("input", name, names[name], f"{name} = {shown} = {fmt(names[name])}")
        _score_subperiods(c, b, scorer)
        total = scorer.score(b.scores, b.events)
        kpi_metrics = _kpi_metrics(c, b, result)
        names.update(kpi_metrics)
        names["deductions_raw"] = scorer.deductions_raw
        names["event_points"] = scorer.event_points
        vetoes = [e for e in b.events if e.type.kind == "veto"]
        for veto in vetoes:
            result.vetoed = True
            result.flag(f"veto:{veto.type.code}", f"veto (一票否决) {veto.type.name or veto.type.code}"
                        + (f" — {veto.note}" if veto.note else ""))
        names["vetoed"] = result.vetoed
        if total is not None and abs(total) >= MAX_MAGNITUDE:
            raise _Incomplete(f"total {fmt(total)} out of range (numbers must lie strictly within ±10^15)")
        scorer.where = "grade"
        if total is not None:
            result.total_exact = total
            result.total = round_score(total)
            names["total"] = result.total
            result.add("total", "total", result.total, f"total {fmt(total)} rounded half-up to {fmt(result.total, 2)}")
        grade, why = _grade(c, scorer, total, result.total, result.vetoed)
        if grade is None and why:
            result.add("grade", "", result.total, why)
        if grade is not None:
            grade = _apply_grade_caps(c, scorer, result, grade)
            result.add("grade", grade, result.total, f"grade {grade} {c.grade_labels.get(grade, '')}: {why}")
        result.grade = result.band_grade = grade
        result.grade_label = c.grade_labels.get(grade) if grade else None
        names["grade"] = grade
    except (ArithmeticError, RecursionError) as exc:
        # A safety net: bounded inputs and formulas should never get here.
        reason = f"{scorer.where or 'scoring'}: arithmetic out of range ({type(exc).__name__})"
        result.status = "incomplete"
        result.excluded_reason = reason
        result.total = result.total_exact = result.grade = result.band_grade = None
        result.flag("incomplete", reason)
    except _Incomplete as exc:
        result.status = "incomplete"
        result.excluded_reason = str(exc)
        result.total = result.total_exact = result.grade = result.band_grade = None
        result.flag("incomplete", str(exc))
    result.metrics = {k: v for k, v in names.items() if k in ("deductions_raw", "event_points")}
    return result


def _history_eligibility(c: _Compiled, b: _Bound, period: Period) -> str | None:
    for rule in c.scheme.history_eligibility:
        if period.kind != rule.period_kind:
            continue
        earlier = [(parse_period(h.period), h) for h in b.source.history]
        earlier = [(p, h) for p, h in earlier if p.kind == rule.from_kind and p.end < period.start]
        if not earlier:
            return f"{rule.reason}: no earlier {rule.from_kind} grade"
        last_period, last = max(earlier, key=lambda item: item[0].start)
        if last.grade not in rule.grades:
            return f"{rule.reason}: {last_period.text} grade {last.grade}"
    return None


def _annual_rollup(c: _Compiled, b: _Bound, period: Period, result: SubjectResult) -> None:
    """A year scored from the year's monthly history: mean of the monthly totals, then annual grades."""
    rollup = c.scheme.annual_rollup
    assert rollup is not None
    months = []
    flags: set[str] = set()
    for entry in b.source.history:
        p = parse_period(entry.period)
        if p.kind == "month" and p.start.year == period.start.year:
            flags.update(entry.flags)
            if entry.total is not None:
                months.append((p.text, entry.total))
    flags.update(e.type.code for e in b.events)
    if not months:
        result.status = "incomplete"
        result.excluded_reason = f"no monthly totals of {period.text} in history"
        result.flag("incomplete", result.excluded_reason)
        return
    total = _mean([t for _, t in months])
    result.add("total", "annual", total, f"mean of {len(months)} monthly totals "
               f"({', '.join(f'{p} {fmt(t)}' for p, t in sorted(months))}) = {fmt(total)}")
    result.total_exact, result.total = total, round_score(total)
    grade = next((g.code for g in rollup.grades if g.min is None or result.total >= g.min), None)
    why = f"total {fmt(result.total, 2)}"
    for flag, forced in rollup.flag_grades.items():
        if flag in flags:
            grade, why = forced, f"{flag} in the year"
            result.flag(flag, f"{flag} recorded in {period.text}")
    labels = {g.code: g.label for g in rollup.grades}
    result.grade = result.band_grade = grade
    result.grade_label = labels.get(grade) if grade else None
    result.add("grade", grade or "", result.total, f"annual grade {grade} {labels.get(grade, '')}: {why}")


def _apply_grade_caps(c: _Compiled, scorer: _Scorer, result: SubjectResult, grade: str) -> str:
    for cap in c.scheme.grade_caps:
        if c.grade_index[grade] < c.grade_index[cap.grade] and scorer.formula(cap.when):
            result.add("grade", cap.grade, None, f"grade capped at {cap.grade}: {cap.reason or cap.when}")
            grade = cap.grade
    return grade


def _score_subperiods(c: _Compiled, b: _Bound, scorer: _Scorer) -> None:
    spec = c.scheme.subperiods
    if spec is None or not b.subperiods:
        return
    totals = []
    for period, scores, inputs, events in sorted(b.subperiods, key=lambda s: s[0].start):
        prefix = f"{period.text}/"
        sub_names = dict(scorer.names)
        sub_names.update(inputs)
        sub_scorer = _Scorer(c, scorer.r, sub_names)
        total = sub_scorer.score(scores, events, prefix)
        assert total is not None
        rounded = round_score(total)
        grade = None
        if spec.graded:
            grade, why = _grade(c, sub_scorer, total, rounded, False)
            scorer.r.add("subperiod", period.text, rounded, f"{period.text}: {fmt(total)} → {fmt(rounded, 2)}, grade {grade} ({why})")
        else:
            scorer.r.add("subperiod", period.text, rounded, f"{period.text}: score {fmt(total)}")
        scorer.r.subperiods.append(SubperiodResult(period.text, rounded, total, grade))
        totals.append(total)
    scorer.names["subperiod_mean"] = _mean(totals)
    scorer.names["subperiod_count"] = Decimal(len(totals))


def _kpi_metrics(c: _Compiled, b: _Bound, result: SubjectResult) -> dict[str, Decimal]:
    if c.scheme.kpi_card is None:
        return {}
    met = missed = exceeded = 0
    for kpi in b.source.kpis:
        better = kpi.actual > kpi.target if kpi.direction == "higher_better" else kpi.actual < kpi.target
        ok = better or kpi.actual == kpi.target
        met += ok
        missed += not ok
        exceeded += better
        state = "exceeded" if better else ("met" if ok else "missed")
        result.add("kpi", kpi.code, kpi.actual, f"{kpi.dimension} {kpi.name or kpi.code}: actual {fmt(kpi.actual)} vs "
                   f"target {fmt(kpi.target)} ({kpi.direction}"
                   + (f", weight {fmt(kpi.weight)}%" if kpi.weight is not None else "") + f") → {state}")
    count = len(b.source.kpis)
    result.add("kpi", "summary", Decimal(met), f"{count} KPIs: {met} met ({exceeded} exceeded), {missed} missed")
    return {"kpi_count": Decimal(count), "kpi_met": Decimal(met), "kpi_missed": Decimal(missed),
            "kpi_exceeded": Decimal(exceeded)}


# ---------------------------------------------------------------------------------------
# Group stage: rank order, distribution, ranking flags


def _rank_key(c: _Compiled, result: SubjectResult) -> tuple[Any, ...]:
    assert result.total_exact is not None
    ties = tuple(-result.indicators.get(code, ZERO) for code in c.scheme.tie_break)
    return (-result.total_exact, *ties, result.id)


def _groups(results: list[SubjectResult], scope: str) -> dict[str | None, list[SubjectResult]]:
    groups: dict[str | None, list[SubjectResult]] = defaultdict(list)
    for result in results:
        groups[result.group if scope == "group" else None].append(result)
    return groups


def _group_stage(c: _Compiled, results: list[SubjectResult], distribute: bool = True) -> None:
    scheme = c.scheme
    ranked = [r for r in results if r.scored and r.total_exact is not None]
    ranking_scope = scheme.ranking.scope if scheme.ranking else "group"
    for group, members in _groups(ranked, ranking_scope).items():
        members.sort(key=lambda r: _rank_key(c, r))
        for position, result in enumerate(members, 1):
            result.rank = position
            where = f"group {group}" if group is not None else "all subjects"
            result.add("rank", str(position), result.total_exact, f"rank {position} of {len(members)} in {where}")
    if scheme.distribution and distribute:
        _distribute(c, ranked)
    if scheme.ranking:
        for group, members in _groups(ranked, ranking_scope).items():
            members.sort(key=lambda r: _rank_key(c, r))
            for flag in scheme.ranking.flags:
                pool = members
                if flag.among:
                    pool = [m for m in members if c.formula(flag.among)(_result_names(c, m))]
                chosen = pool[:flag.top] if flag.top else pool[-flag.bottom:] if flag.bottom else []
                where = f"top {flag.top}" if flag.top else f"bottom {flag.bottom}"
                among = f" among those with {flag.among}" if flag.among else ""
                for member in chosen:
                    member.flag(flag.flag, f"{where}{among} (rank {member.rank} of {len(members)})")


def _result_names(c: _Compiled, result: SubjectResult) -> dict[str, Any]:
    names: dict[str, Any] = dict(c.params)
    names.update(result.indicators)
    names.update(total=result.total, grade=result.grade, rank=result.rank, vetoed=result.vetoed)
    return names


def _distribute(c: _Compiled, ranked: list[SubjectResult]) -> None:
    spec = c.scheme.distribution
    assert spec is not None
    grades = [q.grade for q in spec.quotas]
    percents = [q.percent for q in spec.quotas]
    for group, members in _groups([r for r in ranked if not r.vetoed], spec.scope).items():
        members.sort(key=lambda r: _rank_key(c, r))
        counts = hamilton_counts(len(members), percents)
        where = f"group {group}" if group is not None else "all subjects"
        quota_text = ", ".join(f"{g} {n}" for g, n in zip(grades, counts))
        if spec.mode == "forced":
            assigned: list[str | None] = list(assign_forced(len(members), grades, counts))
        else:
            assigned = assign_cap([m.band_grade for m in members], grades, counts)
        for position, (member, grade) in enumerate(zip(members, assigned)):
            if spec.mode == "forced":
                reason = (f"forced distribution in {where} of {len(members)} (quotas {quota_text}): "
                          f"position {position + 1} → {grade}")
            elif grade != member.band_grade:
                reason = (f"cap distribution in {where} (quotas {quota_text}): {member.band_grade} is full, "
                          f"moved to {grade}")
            else:
                reason = f"cap distribution in {where} (quotas {quota_text}): keeps {grade}"
            member.add("distribution", grade or "", member.total, reason)
            member.grade = grade
            member.grade_label = c.grade_labels.get(grade) if grade else None
        for position in range(len(members) - 1):
            here, after = members[position], members[position + 1]
            crosses = assigned[position] != assigned[position + 1] and (
                spec.mode == "forced" or after.band_grade != assigned[position + 1])
            if crosses and here.total_exact == after.total_exact:
                for member in (here, after):
                    member.flag("tie_at_boundary", f"equal exact total {fmt(here.total_exact)} with "
                                f"{(after if member is here else here).id} across the {assigned[position]}/"
                                f"{assigned[position + 1]} quota boundary; order set by tie-break")


def _flag_rules(c: _Compiled, result: SubjectResult, b: _Bound) -> None:
    if not c.scheme.flag_rules or not result.scored:
        return
    names = _base_names(c, b)
    names.update(_result_names(c, result))
    names["group_size"] = None
    for rule in c.scheme.flag_rules:
        try:
            hit = c.formula(rule.when)(names)
        except FormulaError as exc:
            result.add("flag", rule.flag, None, f"rule not evaluated: {exc}")
            continue
        if hit:
            result.flag(rule.flag, rule.reason or rule.when)
