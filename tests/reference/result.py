"""Evaluation results: every number with its reason, and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from perfcore.decimals import fmt

__all__ = ["BreakdownLine", "Evaluation", "Pay", "SubjectResult", "SubperiodResult"]


@dataclass(slots=True)
class BreakdownLine:
    """One step of a subject's computation.

    ``kind`` is one of eligibility, input, rater, indicator, event, veto, total,
    grade, distribution, rank, flag, subperiod, pay.
    """

    kind: str
    code: str
    value: Decimal | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "value": fmt(self.value), "reason": self.reason}


@dataclass(slots=True)
class Pay:
    """The subject's money for the period: ``amount`` is what it receives."""

    amount: Decimal
    components: dict[str, Decimal] = field(default_factory=dict)
    installments: list[Decimal] | None = None
    forfeited: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"amount": fmt(self.amount, 2),
                               "components": {k: fmt(v, 2) for k, v in self.components.items()}}
        if self.installments is not None:
            out["installments"] = [fmt(v, 2) for v in self.installments]
        if self.forfeited is not None:
            out["forfeited"] = fmt(self.forfeited, 2)
        return out


@dataclass(slots=True)
class SubperiodResult:
    period: str
    total: Decimal | None
    total_exact: Decimal | None
    grade: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "total": fmt(self.total, 2) if self.total is not None else None,
                "grade": self.grade}


@dataclass(slots=True)
class SubjectResult:
    """The result of one subject (employee or unit) for the period."""

    id: str
    name: str = ""
    group: str | None = None
    eligible: bool = True
    status: str = "scored"  # scored | excluded | incomplete
    excluded_reason: str | None = None
    total_exact: Decimal | None = None
    total: Decimal | None = None
    grade: str | None = None
    grade_label: str | None = None
    band_grade: str | None = None
    rank: int | None = None
    vetoed: bool = False
    flags: list[str] = field(default_factory=list)
    pay: Pay | None = None
    indicators: dict[str, Decimal] = field(default_factory=dict)
    metrics: dict[str, Decimal] = field(default_factory=dict)
    subperiods: list[SubperiodResult] = field(default_factory=list)
    breakdown: list[BreakdownLine] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return self.status == "scored"

    def add(self, kind: str, code: str, value: Decimal | None, reason: str) -> None:
        self.breakdown.append(BreakdownLine(kind, code, value, reason))

    def flag(self, flag: str, reason: str) -> None:
        if flag not in self.flags:
            self.flags.append(flag)
        self.breakdown.append(BreakdownLine("flag", flag, None, reason))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "group": self.group,
            "eligible": self.eligible,
            "status": self.status,
            "excluded_reason": self.excluded_reason,
            "total": fmt(self.total, 2) if self.total is not None else None,
            "total_exact": fmt(self.total_exact),
            "grade": self.grade,
            "grade_label": self.grade_label,
            "band_grade": self.band_grade,
            "rank": self.rank,
            "flags": list(self.flags),
            "pay": self.pay.to_dict() if self.pay else None,
            "indicators": {k: fmt(v) for k, v in self.indicators.items()},
            "subperiods": [s.to_dict() for s in self.subperiods],
            "breakdown": [line.to_dict() for line in self.breakdown],
        }


@dataclass(slots=True)
class Evaluation:
    """What ``evaluate`` returns: all subjects of one scheme and period."""

    scheme: str
    period: str
    results: list[SubjectResult]
    unallocated: dict[str, Decimal] = field(default_factory=dict)
    forfeited: dict[str, Decimal] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def result(self, subject_id: str) -> SubjectResult:
        for result in self.results:
            if result.id == subject_id:
                return result
        raise KeyError(f"no subject {subject_id!r} in this evaluation")

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "period": self.period,
            "results": [r.to_dict() for r in self.results],
            "unallocated": {k: fmt(v, 2) for k, v in self.unallocated.items()},
            "forfeited": {k: fmt(v, 2) for k, v in self.forfeited.items()},
            "warnings": list(self.warnings),
        }
