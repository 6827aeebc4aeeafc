"""Score: one subject at a time — indicators, raters, 加减分 events, vetoes, the total, its
grade band — with every step written to the breakdown when the result is traced.

The third stage of the engine (compile → bind → score → group → pay).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .bind import Bound, Event
from .decimals import MAX_MAGNITUDE, ONE_HUNDRED, ZERO, D, round_score
from .decimals import show as fmt
from .formula import FormulaError
from .i18n import Message, _, named, scheme_text
from .period import Period, parse_period, period_kind_name
from .plan import IndicatorPlan, Plan
from .result import SubjectResult, SubperiodResult
from .scheme import RaterRole, Worksheet

__all__ = ["Incomplete", "Scorer", "base_names", "eligibility", "history_eligibility", "result_names", "score_subject"]


class Incomplete(Exception):
    """A subject cannot be scored (a required rater or score is missing); args[0] is the reason."""


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO) / len(values)


def _pct(weight: Decimal) -> str:
    return f"{fmt(weight)}%"


def _label(name: str, code: str) -> Message | str:
    """An indicator as reasons name it: 护士长考核 head_nurse (other languages: the name only)."""
    return _("{name} {code}", name=name, code=code) if name else code


def _name(name: str, code: str) -> str:
    return name or code


def _role_named(roles: list[RaterRole], code: str) -> Message | str:
    """A rater role of the same indicator by its name (上级), English by its code."""
    role = next((r for r in roles if r.code == code), None)
    return named(code, role.name if role is not None else None)


def _event_kind(kind: str) -> Message:
    return {"fine": _("fine"), "pay_percent": _("pay_percent"), "count": _("count")}[kind]


_GRADE = _("grade")


class Scorer:
    """Scores one subject (or one sub-period of it) into a SubjectResult."""

    __slots__ = ("c", "r", "names", "deductions_raw", "event_points", "where", "tr")

    def __init__(self, c: Plan, result: SubjectResult, names: dict[str, Any]):
        self.c = c
        self.r = result
        self.names = names
        self.deductions_raw = ZERO
        self.event_points = ZERO
        #: What is being computed, for the reason of an error: a message, or a factory of one.
        self.where: Any = None
        #: Whether steps are written (the result is traced).
        self.tr = result._breakdown is not None

    def _where(self) -> Message | None:
        where = self.where
        return where() if callable(where) else where

    def formula(self, source: str, extra: Mapping[str, Any] | None = None) -> Any:
        names = {**self.names, **extra} if extra else self.names
        try:
            return self.c.formula(source).run(names)
        except FormulaError as exc:
            where = self._where()
            raise Incomplete(_("{where}: {error}", where=where, error=exc.message) if where else exc.message) from None

    def number(self, source: str, extra: Mapping[str, Any] | None = None) -> Decimal:
        """A formula that must give a number within perfcore's bounds."""
        value = self.formula(source, extra)
        try:
            return D(value)
        except (TypeError, ValueError) as exc:
            raise Incomplete(_("{where}: formula {source} gives {error}", where=self._where(), source=repr(source),
                               error=exc.args[0])) from None

    # indicators ------------------------------------------------------------------------
    def indicator(self, p: IndicatorPlan, scores: dict[str, Any], events: list[Event], prefix: str = "") -> Decimal:
        code = p.code
        if p.plain and not self.tr:  # a number given for it, used as it is
            value = scores.get(code)
            if type(value) is Decimal:
                self.r.indicators[prefix + code if prefix else code] = value
                self.names[code] = value
                return value
        source = p.source
        self.where = lambda: _("indicator {prefix}{code}", prefix=prefix, code=repr(code))
        tr = self.tr
        how: Any = None
        given = scores.get(code) if p.givable else None
        if given is not None:
            if type(given) is Decimal:
                value = given
                if tr:
                    how = _("given by {role}", role=named(p.roles[0].code, p.roles[0].name)) if p.roles else _("given")
            else:
                value = self.rated(p, given, prefix)
                if tr:
                    how = _("rater-weighted")
        elif source == "full":
            value = p.high
            if tr:
                how = _("starts at full {points} points", points=fmt(p.high))
        elif source in ("items", "given_or_items"):
            missing = [i.code for i in p.items if i.source == "given" and i.code not in scores]
            if missing and len(missing) == len(p.items) and source == "given_or_items":
                raise Incomplete(_("no score for indicator {code} ({name}): give it, or its items {items}",
                                   code=repr(code), name=_name(p.name, code), items=", ".join(missing)))
            if missing:
                raise Incomplete(_("indicator {code} ({name}): no score for its items {items}", code=repr(code),
                                   name=_name(p.name, code), items=", ".join(missing)))
            children = {item.code: self.indicator(item, scores, events, prefix) for item in p.items}
            value, how = self.aggregate(p.aggregation, p.items, children, prefix)
        elif source in ("formula", "given_or_formula"):
            assert p.formula is not None
            children = {item.code: self.indicator(item, scores, events, prefix) for item in p.items}
            self.where = lambda: _("indicator {prefix}{code}", prefix=prefix, code=repr(code))
            value = self.number(p.formula.source, children)
            if tr:
                how = _("= {formula}", formula=p.formula.explain({**self.names, **children}, self.c.term_names))
        elif source == "subperiod_mean":
            if "subperiod_mean" not in self.names:
                raise Incomplete(_("no sub-periods for indicator {code}", code=named(repr(code), p.name)))
            value = self.names["subperiod_mean"]
            if tr:
                how = _("mean of {count} sub-period scores", count=self.names["subperiod_count"])
        else:
            raise Incomplete(_("no score for indicator {code}", code=named(repr(code), p.name)))
        if p.events:
            adjustments = [e for e in events if e.type.code in p.events]
        else:
            adjustments = None
        low, high = p.low, p.high
        if adjustments:
            if tr:
                self.r.add("indicator", prefix + code, value, _("{label}: {value} before events ({how})",
                                                                label=_label(p.name, code), value=fmt(value), how=how))
            value = value + self.apply_events(adjustments, prefix)
            clamped = max(low, min(high, value))
            if clamped != value and tr:
                self.r.add("indicator", prefix + code, clamped,
                           _("{label}: {value} after events, clamped to its scale {scale}", label=_label(p.name, code),
                             value=fmt(value), scale=f"{fmt(low)}..{fmt(high)}"))
            value = clamped
            if tr:
                how = _("after events")
        elif p.clamp:
            clamped = max(low, min(high, value))
            if clamped != value and tr:
                how = _("{how}, clamped to {scale}", how=how, scale=f"{fmt(low)}..{fmt(high)}")
            value = clamped
        if tr:
            self.r.add("indicator", prefix + code, value, _("{label} = {value} ({how})", label=_label(p.name, code),
                                                            value=fmt(value), how=how))
        self.r.indicators[prefix + code] = value
        self.names[code] = value
        return value

    def aggregate(self, how: str, items: list[IndicatorPlan], values: dict[str, Decimal], prefix: str
                  ) -> tuple[Decimal, Any]:
        tr = self.tr
        if how == "weighted":
            total = ZERO
            for item in items:
                assert item.weight is not None
                part = values[item.code] * item.weight / ONE_HUNDRED
                total += part
                if tr:
                    self.r.add("weight", prefix + item.code, part,
                               _("{name} {value} × {weight} = {part}", name=_name(item.name, item.code),
                                 value=fmt(values[item.code]), weight=_pct(item.weight), part=fmt(part)))
            return total, (_("weighted sum of {codes}", codes=[named(i.code, i.name) for i in items]) if tr else None)
        if how == "sum":
            return sum(values.values(), ZERO), (_("sum of {codes}", codes=[named(i.code, i.name) for i in items])
                                                if tr else None)
        return _mean(list(values.values())), (_("mean of {codes}", codes=[named(i.code, i.name) for i in items])
                                              if tr else None)

    def rated(self, p: IndicatorPlan, value: Any, prefix: str) -> Decimal:
        code = p.code
        roles = p.roles
        tr = self.tr
        scores: dict[str, Decimal] = {}
        for role in roles:
            score = self.role_score(p, role, value, prefix)
            if score is not None:
                scores[role.code] = score
        for role in roles:  # validity rules may read other roles' scores (self → superior − 10)
            if role.max_valid is not None and role.code in scores and scores[role.code] > role.max_valid:
                if role.replace_with and role.replace_with in scores:
                    replaced = scores[role.replace_with] + role.replace_offset
                    if tr:
                        self.r.add("rater", f"{prefix}{code}.{role.code}", replaced,
                                   _("{role} score {score} above {limit} is invalid; replaced by {other} {other_score} "
                                     "{sign} {offset}", role=named(role.code, role.name), score=fmt(scores[role.code]),
                                     limit=fmt(role.max_valid), other=_role_named(roles, role.replace_with),
                                     other_score=fmt(scores[role.replace_with]),
                                     sign="+" if role.replace_offset >= 0 else "−", offset=fmt(abs(role.replace_offset))))
                    scores[role.code] = replaced
                    if role.replace_flag:
                        self.r.flag(role.replace_flag, _("{role} score of {code} replaced", role=named(role.code, role.name),
                                                         code=named(code, p.name)))
                else:
                    raise Incomplete(_("{role} score of {code} above {limit} and no {other} score to replace it",
                                       role=named(role.code, role.name), code=named(repr(code), p.name), limit=fmt(role.max_valid),
                                       other=_role_named(roles, role.replace_with) if role.replace_with
                                       else _("replacement")))
        weights: dict[str, Decimal] = {}
        for role in roles:
            if isinstance(role.weight, str):
                self.where = _("weight of rater {role} of indicator {prefix}{code}", role=repr(role.code),
                               prefix=prefix, code=repr(code))
                weights[role.code] = self.number(role.weight) * ONE_HUNDRED
            else:
                weights[role.code] = role.weight
        present = {k: w for k, w in weights.items() if k in scores}
        for role in roles:
            if role.code not in scores and weights[role.code] != 0:
                if role.required:
                    raise Incomplete(_("required rater {role} missing for indicator {code}",
                                       role=named(repr(role.code), role.name), code=named(repr(code), p.name)))
                self.r.flag(f"rater_missing:{role.code}",
                            _("no {role} score for {code}; remaining raters re-weighted proportionally",
                              role=named(role.code, role.name), code=named(code, p.name)) if tr else "")
        weight_sum = sum(present.values(), ZERO)
        if weight_sum == 0:
            raise Incomplete(_("no rater score for indicator {code}", code=named(repr(code), p.name)))
        total = ZERO
        for role_code, weight in present.items():
            share = weight / weight_sum
            part = scores[role_code] * share
            total += part
            if tr:
                role = next(r for r in roles if r.code == role_code)
                if weight_sum == ONE_HUNDRED:
                    reason = _("{name}: {role} {score} × {share}% = {part}", name=_name(p.name, code),
                               role=named(role_code, role.name), score=fmt(scores[role_code]), share=fmt(share * 100),
                               part=fmt(part))
                else:
                    reason = _("{name}: {role} {score} × {share}% (re-weighted {weight}/{weight_sum}) = {part}",
                               name=_name(p.name, code), role=named(role_code, role.name), score=fmt(scores[role_code]),
                               share=fmt(share * 100), weight=fmt(weight), weight_sum=fmt(weight_sum), part=fmt(part))
                self.r.add("rater", f"{prefix}{code}.{role_code}", part, reason)
        return total

    def role_score(self, p: IndicatorPlan, role: RaterRole, given: dict[str, Any], prefix: str) -> Decimal | None:
        members = role.pool or [role.code]
        values = []
        for member in members:
            if member not in given:
                continue
            value = given[member]
            if isinstance(value, list):
                mean = _mean(value)
                if len(value) > 1 and self.tr:
                    self.r.add("rater", f"{prefix}{p.code}.{member}", mean,
                               _("{member}: mean of {count} ratings {values} = {mean}",
                                 member=named(member, role.name if member == role.code else None), count=len(value),
                                 values=", ".join(fmt(v) for v in value), mean=fmt(mean)))
                value = mean
            elif isinstance(value, dict):
                assert p.worksheet is not None
                value = self.worksheet(p.worksheet, value, f"{prefix}{p.code}.{member}")
            values.append(value)
        if not values:
            return None
        if role.pool:
            mean = _mean(values)
            if self.tr:
                self.r.add("rater", f"{prefix}{p.code}.{role.code}", mean,
                           _("{role}: mean of {members} = {mean}", role=named(role.code, role.name),
                             members=[named(m, role.pool_names.get(m)) for m in members if m in given], mean=fmt(mean)))
            return mean
        return values[0]

    def worksheet(self, sheet: Worksheet, given: dict[str, Any], code: str) -> Decimal:
        total = sheet.total(given)
        if self.tr:
            self.r.add("rater", code, total, sheet.explain(given))
        return total

    # events ------------------------------------------------------------------------------
    def apply_events(self, events: list[Event], prefix: str) -> Decimal:
        tr = self.tr
        if len(events) == 1 and events[0].type.cap is None and not tr:  # the common case
            points = events[0].total_points
            if points < 0:
                self.deductions_raw -= points
            self.event_points += points
            return points
        by_type: dict[str, list[Event]] = defaultdict(list)
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
                if tr:
                    per = event.points if event.points is not None else (etype.points or ZERO)
                    args = {"name": _name(etype.name, code), "count": fmt(event.count), "per": fmt(per),
                            "points": fmt(points)}
                    if etype.level == "indicator":
                        reason = _("{name}: {count} × {per} = {points} on {target}", target=etype.indicator or "", **args)
                    else:
                        reason = _("{name}: {count} × {per} = {points} on the total", **args)
                    if event.note:
                        reason = _("{reason} — {note}", reason=reason, note=event.note)
                    self.r.add("event", prefix + code, points, reason)
            if etype.cap is not None and abs(subtotal) > etype.cap:
                capped = etype.cap if subtotal > 0 else -etype.cap
                if tr:
                    self.r.add("event", prefix + code, capped,
                               _("{name}: {subtotal} capped at {capped} for the period", name=_name(etype.name, code),
                                 subtotal=fmt(subtotal), capped=fmt(capped)))
                subtotal = capped
            total += subtotal
        self.event_points += total
        return total

    # whole subject -------------------------------------------------------------------------
    def score(self, scores: dict[str, Any], events: list[Event], prefix: str = "") -> Decimal | None:
        c = self.c
        scheme = c.scheme
        tr = self.tr
        plans = c.sub if prefix else c.top
        if not prefix and scheme.direct_total and scheme.direct_total in self.names:
            total = D(self.names[scheme.direct_total])
            if tr:
                self.r.add("total", scheme.direct_total, total,
                           _("total given directly ({code})", code=scheme.direct_total))
        elif plans:
            values = {p.code: self.indicator(p, scores, events, prefix) for p in plans}
            total, how = self.aggregate(c.sub_aggregation if prefix else c.top_aggregation, plans, values, prefix)
            if tr:
                self.r.add("total", prefix + "indicators", total, _("indicator score = {total} ({how})",
                                                                    total=fmt(total), how=how))
        else:
            return None
        if events:
            if c.points_events:
                total_events = [e for e in events if e.type.kind == "points" and e.type.level == "total"]
                if total_events:
                    adjustment = self.apply_events(total_events, prefix)
                    total += adjustment
                    if tr:
                        self.r.add("total", prefix + "events", total, _("after total-level events {adjustment}: {total}",
                                                                        adjustment=fmt(adjustment), total=fmt(total)))
            if tr and c.recorded_events:
                for event in events:
                    if event.type.kind in ("fine", "pay_percent", "count"):
                        reason = _("{name}: {count} × recorded ({kind}, no points)",
                                   name=_name(event.type.name, event.type.code), count=fmt(event.count),
                                   kind=_event_kind(event.type.kind))
                        if event.note:
                            reason = _("{reason} — {note}", reason=reason, note=event.note)
                        self.r.add("event", prefix + event.type.code, event.count, reason)
        return total


_ELIGIBILITY_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
    "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}


def eligibility(c: Plan, attributes: dict[str, Any]) -> Message | str | None:
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
            # the scheme's own words: translated where the catalog has them, else as written; a
            # coded value reads as the scheme labels it (试用期, not probation)
            attribute = c.attributes.get(rule.attribute)
            shown = fmt(value) if isinstance(value, Decimal) else (
                attribute.labels.get(value, value) if attribute is not None and isinstance(value, str) else value)
            return scheme_text(rule.reason, value=shown)
    return None


def history_eligibility(c: Plan, b: Bound, period: Period) -> Message | None:
    for rule in c.scheme.history_eligibility:
        if period.kind != rule.period_kind:
            continue
        earlier = [(parse_period(h.period), h) for h in b.source.history]
        earlier = [(p, h) for p, h in earlier if p.kind == rule.from_kind and p.end < period.start]
        if not earlier:
            return _("{reason}: no earlier {kind} grade", reason=scheme_text(rule.reason),
                     kind=period_kind_name(rule.from_kind))
        last_period, last = max(earlier, key=lambda item: item[0].start)
        if last.grade not in rule.grades:
            return _("{reason}: {period} grade {grade}", reason=scheme_text(rule.reason), period=last_period.text,
                     grade=named(last.grade, c.grade_labels.get(last.grade)))
    return None


def grade_of(c: Plan, scorer: Scorer, total: Decimal | None, rounded: Decimal | None, vetoed: bool
             ) -> tuple[str | None, Any]:
    scheme = c.scheme
    if not scheme.grades:
        return None, ""
    if vetoed and scheme.veto_grade:
        return scheme.veto_grade, _("veto (一票否决)")
    if all(g.min is None and g.when is None for g in scheme.grades):
        return None, _("graded by forced distribution")
    for grade in scheme.grades:
        if grade.when is not None:
            if scorer.formula(grade.when):
                return grade.code, grade.when
        elif grade.min is None:
            return grade.code, _("below every band") if scorer.tr else ""
        elif rounded is not None and rounded >= grade.min:
            return grade.code, (_("total {total} ≥ {min}", total=fmt(rounded, 2), min=fmt(grade.min))
                                if scorer.tr else "")
    return None, _("no grade applies")


def base_names(c: Plan, b: Bound) -> dict[str, Any]:
    names: dict[str, Any] = dict(c.base_names)
    names.update(b.attributes)
    if c.input_defaults:
        names.update(c.input_defaults)
    if b.inputs:
        names.update(b.inputs)
    names["vetoed"] = False
    return names


def result_names(c: Plan, result: SubjectResult) -> dict[str, Any]:
    names: dict[str, Any] = dict(c.params)
    names.update(result.indicators)
    names.update(total=result.total, grade=result.grade, rank=result.rank, vetoed=result.vetoed)
    return names


def score_subject(c: Plan, b: Bound, period: Period, trace: bool) -> SubjectResult:
    subject = b.source
    result = SubjectResult(subject.id, subject.name, subject.group, trace=trace)
    scheme = c.scheme
    reason = (eligibility(c, b.attributes) if scheme.eligibility else None) or \
        (history_eligibility(c, b, period) if scheme.history_eligibility else None)
    if reason is not None:
        result.eligible = False
        result.status = "excluded"
        result.excluded_reason = reason
        result.add("eligibility", "excluded", None, _("not appraised: {reason}", reason=reason))
        return result
    names = base_names(c, b)
    result._names = names  # for the pay stage, which reads what the scorer knew
    scorer = Scorer(c, result, names)
    tr = scorer.tr
    if scheme.score_periods is not None and period.kind not in scheme.score_periods:
        result.add("total", "not_scored", None, _("no score in {kind} periods; pay only", kind=period.kind))
        return result
    if scheme.annual_rollup is not None and period.kind == "year":
        _annual_rollup(c, b, period, result)
        return result
    try:
        for name, source in scheme.variables.items():
            scorer.where = _("variable {name}", name=repr(name))
            shown = c.formula(source).explain(names, c.term_names) if scorer.tr else source
            names[name] = scorer.number(source)
            result.add("input", name, names[name], _("{name} = {source} = {value}", name=name, source=shown,
                                                     value=fmt(names[name])))
        if b.subperiods:
            _score_subperiods(c, b, scorer)
        total = scorer.score(b.scores, b.events)
        if scheme.kpi_card is not None:
            names.update(_kpi_metrics(c, b, result))
        names["deductions_raw"] = scorer.deductions_raw
        names["event_points"] = scorer.event_points
        if c.veto_events:
            for veto in b.events:
                if veto.type.kind != "veto":
                    continue
                result.vetoed = True
                reason = _("veto (一票否决) {name}", name=_name(veto.type.name, veto.type.code))
                if veto.note:
                    reason = _("{reason} — {note}", reason=reason, note=veto.note)
                result.flag(f"veto:{veto.type.code}", reason)
            names["vetoed"] = result.vetoed
        if total is not None and abs(total) >= MAX_MAGNITUDE:
            raise Incomplete(_("total {total} out of range (numbers must lie strictly within ±10^15)", total=fmt(total)))
        scorer.where = _GRADE
        if total is not None:
            result.total_exact = total
            result.total = rounded = round_score(total)
            names["total"] = rounded
            if tr:
                result.add("total", "total", rounded, _("total {exact} rounded half-up to {total}", exact=fmt(total),
                                                        total=fmt(rounded, 2)))
        grade, why = grade_of(c, scorer, total, result.total, result.vetoed)
        if grade is None and why:
            result.add("grade", "", result.total, why)
        if grade is not None:
            if scheme.grade_caps:
                grade = _apply_grade_caps(c, scorer, result, grade)
            if tr:
                result.add("grade", grade, result.total, _("grade {grade} {label}: {why}", grade=grade,
                                                           label=c.grade_labels.get(grade, ""), why=why))
        result.grade = result.band_grade = grade
        result.grade_label = c.grade_labels.get(grade) if grade else None
        names["grade"] = grade
    except (ArithmeticError, RecursionError) as exc:
        # A safety net: bounded inputs and formulas should never get here.
        where = scorer._where() or _("scoring")
        why = _("{where}: arithmetic out of range ({error})", where=where, error=type(exc).__name__)
        result.status = "incomplete"
        result.excluded_reason = why
        result.total = result.total_exact = result.grade = result.band_grade = None
        result.flag("incomplete", why)
    except Incomplete as exc:
        why = exc.args[0]
        result.status = "incomplete"
        result.excluded_reason = why
        result.total = result.total_exact = result.grade = result.band_grade = None
        result.flag("incomplete", why)
    result.metrics = {"deductions_raw": names["deductions_raw"], "event_points": names["event_points"]} \
        if "deductions_raw" in names else {}
    return result


def _annual_rollup(c: Plan, b: Bound, period: Period, result: SubjectResult) -> None:
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
        result.excluded_reason = _("no monthly totals of {period} in history", period=period.text)
        result.flag("incomplete", result.excluded_message)
        return
    total = _mean([t for _p, t in months])
    result.add("total", "annual", total, _("mean of {count} monthly totals ({months}) = {total}", count=len(months),
                                           months=", ".join(f"{p} {fmt(t)}" for p, t in sorted(months)),
                                           total=fmt(total)))
    result.total_exact, result.total = total, round_score(total)
    grade = next((g.code for g in rollup.grades if g.min is None or result.total >= g.min), None)
    why: Any = _("total {total}", total=fmt(result.total, 2))
    for flag, forced in rollup.flag_grades.items():
        if flag in flags:
            grade, why = forced, _("{flag} in the year", flag=flag)
            result.flag(flag, _("{flag} recorded in {period}", flag=flag, period=period.text))
    labels = {g.code: g.label for g in rollup.grades}
    result.grade = result.band_grade = grade
    result.grade_label = labels.get(grade) if grade else None
    result.add("grade", grade or "", result.total, _("annual grade {grade} {label}: {why}", grade=str(grade),
                                                     label=labels.get(grade, ""), why=why))


def _apply_grade_caps(c: Plan, scorer: Scorer, result: SubjectResult, grade: str) -> str:
    for cap in c.scheme.grade_caps:
        if c.grade_index[grade] < c.grade_index[cap.grade] and scorer.formula(cap.when):
            result.add("grade", cap.grade, None, _("grade capped at {grade}: {why}", grade=cap.grade,
                                                   why=scheme_text(cap.reason) if cap.reason else cap.when))
            grade = cap.grade
    return grade


def _score_subperiods(c: Plan, b: Bound, scorer: Scorer) -> None:
    spec = c.scheme.subperiods
    if spec is None or not b.subperiods:
        return
    totals = []
    for period, scores, inputs, events in sorted(b.subperiods, key=lambda s: s[0].start):
        prefix = f"{period.text}/"
        sub_names = dict(scorer.names)
        sub_names.update(inputs)
        sub_scorer = Scorer(c, scorer.r, sub_names)
        total = sub_scorer.score(scores, events, prefix)
        assert total is not None
        rounded = round_score(total)
        grade = None
        if spec.graded:
            grade, why = grade_of(c, sub_scorer, total, rounded, False)
            scorer.r.add("subperiod", period.text, rounded, _("{period}: {total} → {rounded}, grade {grade} ({why})",
                                                              period=period.text, total=fmt(total),
                                                              rounded=fmt(rounded, 2), grade=str(grade), why=why))
        else:
            scorer.r.add("subperiod", period.text, rounded, _("{period}: score {total}", period=period.text,
                                                              total=fmt(total)))
        if not scorer.r.subperiods:
            scorer.r.subperiods = []
        scorer.r.subperiods.append(SubperiodResult(period.text, rounded, total, grade))
        totals.append(total)
    scorer.names["subperiod_mean"] = _mean(totals)
    scorer.names["subperiod_count"] = Decimal(len(totals))


def _kpi_metrics(c: Plan, b: Bound, result: SubjectResult) -> dict[str, Decimal]:
    met = missed = exceeded = 0
    for kpi in b.source.kpis:
        better = kpi.actual > kpi.target if kpi.direction == "higher_better" else kpi.actual < kpi.target
        ok = better or kpi.actual == kpi.target
        met += ok
        missed += not ok
        exceeded += better
        state = _("exceeded") if better else (_("met") if ok else _("missed"))
        direction = _("higher_better") if kpi.direction == "higher_better" else _("lower_better")
        if kpi.weight is not None:
            reason = _("{dimension} {name}: actual {actual} vs target {target} ({direction}, weight {weight}%) → {state}",
                       dimension=kpi.dimension, name=_name(kpi.name, kpi.code), actual=fmt(kpi.actual),
                       target=fmt(kpi.target), direction=direction, weight=fmt(kpi.weight), state=state)
        else:
            reason = _("{dimension} {name}: actual {actual} vs target {target} ({direction}) → {state}",
                       dimension=kpi.dimension, name=_name(kpi.name, kpi.code), actual=fmt(kpi.actual),
                       target=fmt(kpi.target), direction=direction, state=state)
        result.add("kpi", kpi.code, kpi.actual, reason)
    count = len(b.source.kpis)
    result.add("kpi", "summary", Decimal(met), _("{count} KPIs: {met} met ({exceeded} exceeded), {missed} missed",
                                                 count=count, met=met, exceeded=exceeded, missed=missed))
    return {"kpi_count": Decimal(count), "kpi_met": Decimal(met), "kpi_missed": Decimal(missed),
            "kpi_exceeded": Decimal(exceeded)}
