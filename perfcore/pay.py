"""Pay: the scheme's pay components for every scored subject, exact to the cent.

Each component is a formula (optionally guarded by ``when``) or a pool split by
weights; it is rounded once, ROUND_HALF_UP to 0.01, when it is computed; the
amount is the sum of the rounded components.  Later components may read earlier
ones by code.  Every step is written to the subject's breakdown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .decimals import CENT, ONE_HUNDRED, ZERO, D, round_money
from .decimals import show as fmt
from .formula import FormulaError
from .i18n import Message, Seq, _, named
from .money import split_cents
from .result import Pay, SubjectResult
from .scheme import PayComponent, Scheme

__all__ = ["PayContext", "pay_stage"]


class PayContext:
    """What the pay stage needs of one subject, gathered by the engine."""

    __slots__ = ("result", "names", "event_counts", "fines", "pay_percent", "path")

    def __init__(self, result: SubjectResult, names: dict[str, Any], event_counts: dict[str, Decimal],
                 fines: Decimal, pay_percent: Decimal, path: str):
        self.result = result
        self.names = names
        self.event_counts = event_counts
        self.fines = fines
        self.pay_percent = pay_percent
        self.path = path


class PayError(Exception):
    """A pay formula failed for one subject; the message names the formula and missing names."""


def _evaluate(formula: Callable[[str], Any], source: str, names: dict[str, Any], what: Message,
              number: bool = False) -> Any:
    """Evaluate a pay formula; a failure names the formula and the names that had no value."""
    def failure(detail: Any) -> PayError:
        missing = sorted(n for n in formula(source).names if names.get(n, 0) is None)
        if missing:
            return PayError(_("{what}: {detail} (no value for {names})", what=what, detail=detail,
                              names=", ".join(repr(m) for m in missing)))
        return PayError(_("{what}: {detail}", what=what, detail=detail))

    try:
        value = formula(source).run(names)
    except (FormulaError, TypeError, ValueError, ArithmeticError) as exc:
        raise failure(exc.message if isinstance(exc, FormulaError) else
                      _("formula {source}: {error}", source=repr(source), error=type(exc).__name__)) from None
    if not number:
        return value
    try:
        return D(value)
    except (TypeError, ValueError) as exc:
        raise failure(_("formula {source} gives {error}", source=repr(source), error=exc.args[0])) from None


def pay_stage(scheme: Scheme, period_kind: str, subjects: Sequence[PayContext],
              formula: Callable[[str], Any]) -> list[tuple[str, Any]]:
    """Compute pay for every subject in place; returns (path, message) problems."""
    spec = scheme.pay
    if spec is None:
        return []
    problems: list[tuple[str, Any]] = []
    scored = [s for s in subjects if s.result.status == "scored"]
    _group_statistics(scheme, scored)
    components = [c for c in spec.components if c.periods is None or period_kind in c.periods]
    splits = _splits(components, scored, formula, problems)
    tables = spec.tables
    labels = scheme.term_names() if any(s.result._breakdown is not None for s in scored) else {}
    empty: Counter[str] = Counter()
    for subject in scored:
        names = subject.names
        names.update(tables)
        subperiods = subject.result.subperiods
        names["events"] = subject.event_counts
        names["fines"] = subject.fines
        names["pay_percent"] = subject.pay_percent
        names["subperiod_grades"] = Counter(s.grade for s in subperiods if s.grade) if subperiods else empty
        try:
            _subject_pay(scheme, subject, components, splits, formula, labels)
        except PayError as exc:
            problems.append((subject.path, _("subject {subject}: {error}", subject=repr(subject.result.id),
                                             error=exc.args[0])))
        except ArithmeticError as exc:  # a safety net: bounded numbers should never get here
            problems.append((subject.path, _("subject {subject}: pay arithmetic out of range ({error})",
                                             subject=repr(subject.result.id), error=type(exc).__name__)))
    return problems


def _group_statistics(scheme: Scheme, scored: Sequence[PayContext]) -> None:
    spec = scheme.pay
    assert spec is not None
    groups: dict[str | None, list[PayContext]] = defaultdict(list)
    for subject in scored:
        groups[subject.result.group].append(subject)
    for members in groups.values():
        totals = [m.result.total for m in members if m.result.total is not None]
        group_total = sum(totals, ZERO)
        mean = group_total / len(totals) if totals else None
        size = Decimal(len(members))
        relative = spec.basis == "relative"
        for member in members:
            names = member.names
            names["group_size"] = size
            names["group_total"] = group_total
            names["group_mean"] = mean
            total = member.result.total
            if total is None:
                names["pay_score"] = None
            elif relative:
                names["pay_score"] = total / mean * ONE_HUNDRED if mean else ZERO
                member.result.add("pay", "pay_score", names["pay_score"],
                                  _("relative pay basis: total {total} / group mean {mean} × 100 = {score}",
                                    total=fmt(total), mean=fmt(mean), score=fmt(names["pay_score"])))
            else:
                names["pay_score"] = total


def _splits(components: Sequence[PayComponent], scored: Sequence[PayContext], formula: Callable[[str], Any],
            problems: list[tuple[str, Any]]) -> dict[tuple[str, str], tuple[Decimal, Any]]:
    """Pre-compute split components: (component, subject id) → (amount, reason)."""
    out: dict[tuple[str, str], tuple[Decimal, Any]] = {}
    for component in components:
        split = component.split
        if split is None:
            continue
        groups: dict[str | None, list[PayContext]] = defaultdict(list)
        for subject in scored:
            groups[subject.result.group if split.scope == "group" else None].append(subject)
        for group, members in groups.items():
            members = sorted(members, key=lambda m: m.result.id)
            try:
                pool = _evaluate(formula, split.pool, members[0].names, _("pool of {code}", code=component.code),
                                 number=True)
                weights = [_evaluate(formula, split.weight, m.names, _("weight of {code}", code=component.code),
                                     number=True) for m in members]
                parts = split_cents(pool, weights) if sum(weights, ZERO) else [ZERO] * len(members)
            except (PayError, ValueError) as exc:
                problems.append((members[0].path, _("group {group}: {error}", group=repr(group), error=exc.args[0])))
                continue
            weight_sum = sum(weights, ZERO)
            of = _("group {group}", group=group) if group else _("all")
            for member, weight, part in zip(members, weights, parts):
                out[(component.code, member.result.id)] = (
                    part, _("{name}: pool {pool} of {of} × {weight} / {weight_sum} = {part} (largest remainder on cents)",
                            name=component.name or component.code, pool=fmt(round_money(pool), 2), of=of,
                            weight=fmt(weight), weight_sum=fmt(weight_sum), part=fmt(part, 2)))
    return out


def _subject_pay(scheme: Scheme, subject: PayContext, components: Sequence[PayComponent],
                 splits: dict[tuple[str, str], tuple[Decimal, Any]], formula: Callable[[str], Any],
                 labels: dict[str, str]) -> None:
    spec = scheme.pay
    assert spec is not None
    result, names = subject.result, subject.names
    if not components:
        return
    tr = result._breakdown is not None
    for name, source in spec.variables.items():
        if tr:  # the terms' numbers as they were before this variable got its own
            shown = formula(source).explain(names, labels)
        names[name] = _evaluate(formula, source, names, _("pay variable {name}", name=name), number=True)
        if tr:
            result.add("pay", name, names[name], _("{name} = {source} = {value}", name=named(name, labels.get(name)),
                                                   source=shown, value=fmt(names[name])))
    values: dict[str, Decimal] = {}
    for component in components:
        if not tr and component.plain:  # a formula, no condition: its value rounded once
            compiled = formula(component.formula)
            try:
                exact = compiled.run(names)
                if type(exact) is not Decimal or not exact.is_finite() or (exact and exact.adjusted() >= 15):
                    exact = D(exact)  # refuses what is not a number within ±10^15
            except (FormulaError, TypeError, ValueError, ArithmeticError):
                exact = _evaluate(formula, component.formula, names,  # again, to name the failure
                                  _("pay component {code}", code=component.code), number=True)
            value = exact.quantize(CENT, rounding=ROUND_HALF_UP)
            values[component.code] = names[component.code] = value
            continue
        label = component.name or component.code
        if component.when and not _evaluate(formula, component.when, names,
                                            _("condition of {code}", code=component.code)):
            value = ZERO
            if tr:
                result.add("pay", component.code, value, _("{name}: 0 (applies when {when})", name=label,
                                                           when=component.when))
        elif component.split is not None:
            value, reason = splits.get((component.code, result.id), (ZERO, None))
            if tr:
                result.add("pay", component.code, value, reason or _("{name}: no pool", name=label))
        else:
            assert component.formula is not None
            exact = _evaluate(formula, component.formula, names, _("pay component {code}", code=component.code),
                              number=True)
            value = round_money(exact)
            if tr:
                result.add("pay", component.code, value,
                           _("{name} = {formula} = {exact} → {value} (half-up to 0.01)", name=label,
                             formula=formula(component.formula).explain(names, labels),
                             exact=fmt(exact, grouped=True), value=fmt(value, 2, grouped=True)))
        values[component.code] = value
        names[component.code] = value
    amount = sum(values.values(), ZERO)
    result.pay = Pay(amount, values)
    if tr:
        names_of = {x.code: x.name for x in components}
        parts = Seq([_("{code} {amount}", code=named(k, names_of.get(k)), amount=fmt(v, 2, grouped=True)) for k, v in values.items()],
                    " + ")
        result.add("pay", "amount", amount, _("pay = {parts} = {amount}", parts=parts, amount=fmt(amount, 2, grouped=True)))
