"""Pay: the scheme's pay components for every scored subject, exact to the cent.

Each component is a formula (optionally guarded by ``when``) or a pool split by
weights; it is rounded once, ROUND_HALF_UP to 0.01, when it is computed; the
amount is the sum of the rounded components.  Later components may read earlier
ones by code.  Every step is written to the subject's breakdown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from perfcore.decimals import ONE_HUNDRED, ZERO, D, round_money
from perfcore.decimals import show as fmt
from .formula import FormulaError, explain
from perfcore.money import split_cents
from .result import Pay, SubjectResult
from perfcore.scheme import PayComponent, Scheme

__all__ = ["PayContext", "pay_stage"]


@dataclass
class PayContext:
    """What the pay stage needs of one subject, gathered by the engine."""

    result: SubjectResult
    names: dict[str, Any]
    event_counts: dict[str, Decimal]
    fines: Decimal
    pay_percent: Decimal
    path: str


class PayError(Exception):
    """A pay formula failed for one subject; the message names the formula and missing names."""


def _evaluate(formula: Callable[[str], Any], source: str, names: dict[str, Any], what: str,
              number: bool = False) -> Any:
    """Evaluate a pay formula; a failure names the formula and the names that had no value."""
    def failure(detail: str) -> PayError:
        missing = sorted(n for n in formula(source).names if names.get(n, 0) is None)
        hint = f" (no value for {', '.join(repr(m) for m in missing)})" if missing else ""
        return PayError(f"{what}: {detail}{hint}")

    try:
        value = formula(source)(names)
    except (FormulaError, TypeError, ValueError, ArithmeticError) as exc:
        raise failure(str(exc) if isinstance(exc, FormulaError) else f"formula {source!r}: {type(exc).__name__}") from None
    if not number:
        return value
    try:
        return D(value)
    except (TypeError, ValueError) as exc:
        raise failure(f"formula {source!r} gives {exc}") from None


def pay_stage(scheme: Scheme, period_kind: str, subjects: Sequence[PayContext],
              formula: Callable[[str], Any]) -> list[tuple[str, str]]:
    """Compute pay for every subject in place; returns (path, message) problems."""
    spec = scheme.pay
    if spec is None:
        return []
    problems: list[tuple[str, str]] = []
    scored = [s for s in subjects if s.result.scored]
    _group_statistics(scheme, scored)
    components = [c for c in spec.components if c.periods is None or period_kind in c.periods]
    splits = _splits(components, scored, formula, problems)
    for subject in scored:
        names = subject.names
        names.update(spec.tables)
        names["events"] = subject.event_counts
        names["fines"] = subject.fines
        names["pay_percent"] = subject.pay_percent
        names["subperiod_grades"] = Counter(s.grade for s in subject.result.subperiods if s.grade)
        try:
            _subject_pay(scheme, subject, components, splits, formula)
        except PayError as exc:
            problems.append((subject.path, f"subject {subject.result.id!r}: {exc}"))
        except ArithmeticError as exc:  # a safety net: bounded numbers should never get here
            problems.append((subject.path, f"subject {subject.result.id!r}: pay arithmetic out of range "
                             f"({type(exc).__name__})"))
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
        for member in members:
            names = member.names
            names.update(group_size=Decimal(len(members)), group_total=group_total, group_mean=mean)
            total = member.result.total
            if total is None:
                names["pay_score"] = None
            elif spec.basis == "relative":
                names["pay_score"] = total / mean * ONE_HUNDRED if mean else ZERO
                member.result.add("pay", "pay_score", names["pay_score"],
                                  f"relative pay basis: total {fmt(total)} / group mean {fmt(mean)} × 100 = "
                                  f"{fmt(names['pay_score'])}")
            else:
                names["pay_score"] = total


def _splits(components: Sequence[PayComponent], scored: Sequence[PayContext], formula: Callable[[str], Any],
            problems: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[Decimal, str]]:
    """Pre-compute split components: (component, subject id) → (amount, reason)."""
    out: dict[tuple[str, str], tuple[Decimal, str]] = {}
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
                pool = _evaluate(formula, split.pool, members[0].names, f"pool of {component.code}", number=True)
                weights = [_evaluate(formula, split.weight, m.names, f"weight of {component.code}", number=True)
                           for m in members]
                parts = split_cents(pool, weights) if sum(weights, ZERO) else [ZERO] * len(members)
            except (PayError, ValueError) as exc:
                problems.append((members[0].path, f"group {group!r}: {exc}"))
                continue
            weight_sum = sum(weights, ZERO)
            for member, weight, part in zip(members, weights, parts):
                out[(component.code, member.result.id)] = (
                    part, f"{component.name or component.code}: pool {fmt(round_money(pool), 2)} of "
                          f"{'group ' + group if group else 'all'} × {fmt(weight)} / {fmt(weight_sum)} = {fmt(part, 2)} "
                          f"(largest remainder on cents)")
    return out


def _subject_pay(scheme: Scheme, subject: PayContext, components: Sequence[PayComponent],
                 splits: dict[tuple[str, str], tuple[Decimal, str]], formula: Callable[[str], Any]) -> None:
    spec = scheme.pay
    assert spec is not None
    result, names = subject.result, subject.names
    if not components:
        return
    for name, source in spec.variables.items():
        shown = explain(source, names)
        names[name] = _evaluate(formula, source, names, f"pay variable {name}", number=True)
        result.add("pay", name, names[name], f"{name} = {shown} = {fmt(names[name])}")
    values: dict[str, Decimal] = {}
    for component in components:
        label = component.name or component.code
        if component.when and not _evaluate(formula, component.when, names, f"condition of {component.code}"):
            value = ZERO
            result.add("pay", component.code, value, f"{label}: 0 (applies when {component.when})")
        elif component.split is not None:
            value, reason = splits.get((component.code, result.id), (ZERO, f"{label}: no pool"))
            result.add("pay", component.code, value, reason)
        else:
            assert component.formula is not None
            exact = _evaluate(formula, component.formula, names, f"pay component {component.code}", number=True)
            value = round_money(exact)
            result.add("pay", component.code, value,
                       f"{label} = {explain(component.formula, names)} = {fmt(exact, grouped=True)} → "
                       f"{fmt(value, 2, grouped=True)} (half-up to 0.01)")
        values[component.code] = value
        names[component.code] = value
    amount = sum(values.values(), ZERO)
    result.pay = Pay(amount, values)
    result.add("pay", "amount", amount, "pay = " + " + ".join(f"{k} {fmt(v, 2, grouped=True)}" for k, v in values.items())
               + f" = {fmt(amount, 2, grouped=True)}")
