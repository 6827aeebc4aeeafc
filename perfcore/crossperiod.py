"""Cross-period rules: flags from ``history`` plus the current period (never the total)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from .formula import FormulaError
from .i18n import _, scheme_text
from .period import HistoryEntry, Period, parse_period
from .result import SubjectResult
from .scheme import CrossPeriodRule, Scheme

__all__ = ["Record", "apply_rules", "previous_period"]


class Record:
    """One period of a subject: a history entry or the current result."""

    __slots__ = ("period", "total", "grade", "flags", "rank")

    def __init__(self, period: Period, total: Any, grade: str | None, flags: Sequence[str], rank: int | None):
        self.period, self.total, self.grade, self.flags, self.rank = period, total, grade, list(flags), rank

    def names(self) -> dict[str, Any]:
        return {"total": self.total, "grade": self.grade, "flags": self.flags, "rank": self.rank,
                "period": self.period.text}


def previous_period(period: Period, step: str = "period") -> str:
    """The period before ``period`` (same kind), or the same period one year earlier."""
    year = period.start.year
    if step == "year" or period.kind == "year":
        suffix = period.text[4:]
        return f"{year - 1}{suffix}"
    if period.kind == "month":
        month = period.start.month
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    if period.kind == "quarter":
        quarter = (period.start.month - 1) // 3 + 1
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    if period.kind == "half_year":
        return f"{year - 1}-H2" if period.start.month == 1 else f"{year}-H1"
    before = period.start - timedelta(days=7)
    iso_year, week, _ = before.isocalendar()
    return f"{iso_year}-W{week:02d}"


def apply_rules(scheme: Scheme, period: Period, result: SubjectResult, history: Sequence[HistoryEntry],
                formula: Callable[[str], Any]) -> None:
    if not scheme.cross_period or result.status != "scored":
        return
    records: dict[str, Record] = {}
    for entry in history:
        p = parse_period(entry.period)
        records[p.text] = Record(p, entry.total, entry.grade, entry.flags, entry.rank)
    current = Record(period, result.total, result.grade, result.flags, result.rank)
    records[period.text] = current
    params = scheme.parameter_values()
    for rule in scheme.cross_period:
        if rule.only_in and period.text.split("-")[-1] not in rule.only_in:
            continue
        window = _window(rule, period, records)
        if window is None:
            continue

        def matches(record: Record) -> bool:
            if rule.skip_flag and rule.skip_flag in record.flags:
                return False
            try:
                return bool(formula(rule.where).run({**params, **record.names()}))
            except FormulaError:  # e.g. a history record without a total: it cannot match
                return False

        hits = [r for r in window if matches(r)]
        if rule.window == "consecutive":
            fired = len(window) == rule.size and len(hits) == rule.size
        else:
            fired = len(hits) >= rule.at_least
        if fired:
            periods = ", ".join(r.period.text for r in sorted(hits, key=lambda r: r.period.start))
            what = scheme_text(rule.reason) if rule.reason else rule.where
            if rule.window == "rolling":
                scope = _("in the last {size} periods", size=rule.size)
            elif rule.window == "calendar_year":
                scope = _("in {year} so far", year=period.start.year)
            elif rule.step == "year":
                scope = _("in {size} consecutive years", size=rule.size)
            else:
                scope = _("in {size} consecutive periods", size=rule.size)
            if rule.skip_flag:
                reason = _("{what}: {count} × {where} {scope} ({periods}), records flagged {skip} not counted", what=what,
                           count=len(hits), where=rule.where, scope=scope, periods=periods, skip=rule.skip_flag)
            else:
                reason = _("{what}: {count} × {where} {scope} ({periods})", what=what, count=len(hits),
                           where=rule.where, scope=scope, periods=periods)
            result.flag(rule.flag, reason)


def _window(rule: CrossPeriodRule, period: Period, records: dict[str, Record]) -> list[Record] | None:
    if rule.window == "calendar_year":
        return [r for r in records.values()
                if r.period.kind == period.kind and r.period.start.year == period.start.year
                and r.period.start <= period.start]
    texts = [period.text]
    cursor = period
    for _ in range(rule.size - 1):
        cursor = parse_period(previous_period(cursor, rule.step))
        texts.append(cursor.text)
    return [records[t] for t in texts if t in records]
