"""Evaluation results: every number with its reason, and their JSON form (``to_dict``).

The numbers (totals, grades, ranks, flags, pay) are computed by :func:`perfcore.evaluate`; the
breakdown — every step with its reason — is a list of compact records (kind, code, value,
message) made when first asked for (``result.breakdown``, ``to_dict()``, ``perfcore explain``)
by running the same evaluation again with its trace on, and rendered to text in the reader's
locale only then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .decimals import fmt
from .errors import Problem
from .i18n import Message, render

__all__ = ["BreakdownLine", "Evaluation", "Pay", "SubjectResult", "SubperiodResult"]


class BreakdownLine:
    """One step of a subject's computation.

    ``kind`` is one of eligibility, input, rater, indicator, weight, event, veto, total, grade,
    distribution, rank, flag, subperiod, kpi, pay; ``message`` is the reason, rendered in a locale
    when read (``reason`` renders it in the current one).
    """

    __slots__ = ("kind", "code", "value", "message")

    def __init__(self, kind: str, code: str, value: Decimal | None, message: Message | str):
        self.kind = kind
        self.code = code
        self.value = value
        self.message = message

    @property
    def reason(self) -> str:
        return render(self.message)

    def __repr__(self) -> str:
        return f"BreakdownLine({self.kind!r}, {self.code!r}, {self.value!r}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BreakdownLine):
            return NotImplemented
        return (self.kind, self.code, self.value, self.reason) == (other.kind, other.code, other.value, other.reason)

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self, locale: str | None = None, messages: bool = False, reasons: bool = True) -> dict[str, Any]:
        """The step as data; ``reasons=False`` (with ``messages``) leaves out the rendered text of a
        message — a reader renders it in their own language — and saves its cost."""
        out = {"kind": self.kind, "code": self.code, "value": fmt(self.value)}
        if messages and isinstance(self.message, Message):
            out["message"] = self.message.to_json()
            if reasons:
                out["reason"] = render(self.message, locale)
        else:
            out["reason"] = render(self.message, locale)
        return out


class Pay:
    """The subject's money for the period: ``amount`` is what it receives, ``components`` its parts
    (code → amount, each rounded to the cent)."""

    __slots__ = ("amount", "_components", "installments", "forfeited")

    def __init__(self, amount: Decimal, components: dict[str, Decimal] | str | None = None,
                 installments: list[Decimal] | None = None, forfeited: Decimal | None = None):
        self.amount = amount
        #: the parts, or — kept compact by the kernel — the code of the one part that is the amount
        self._components: dict[str, Decimal] | str = components if components is not None else {}
        self.installments = installments
        self.forfeited = forfeited

    @property
    def components(self) -> dict[str, Decimal]:
        parts = self._components
        if type(parts) is str:  # one component, the whole amount: its dictionary made when first read
            parts = self._components = {parts: self.amount}
        return parts  # type: ignore[return-value]

    @components.setter
    def components(self, value: dict[str, Decimal]) -> None:
        self._components = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pay):
            return NotImplemented
        return (self.amount, self.components, self.installments, self.forfeited) == (
            other.amount, other.components, other.installments, other.forfeited)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Pay(amount={self.amount!r}, components={self.components!r}, installments={self.installments!r}, "
                f"forfeited={self.forfeited!r})")

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


# Shared empty values: most results raise no flag and have no sub-periods, and an empty tuple is
# one object for all of them (a list each would cost memory and the garbage collector's time).
_NO_FLAGS: Any = ()
_NO_SUBPERIODS: Any = ()


class SubjectResult:
    """The result of one subject (employee or unit) for the period."""

    __slots__ = ("id", "name", "group", "eligible", "status", "excluded_message", "total_exact", "total", "grade",
                 "grade_label", "band_grade", "rank", "vetoed", "flags", "pay", "indicators", "_metrics",
                 "subperiods", "_breakdown", "_explain", "_names", "_key")

    def __init__(self, id: str, name: str = "", group: str | None = None, *,  # noqa: A002 - the contract's name
                 trace: bool = False, explain: Callable[[], None] | None = None):
        self.id = id
        self.name = name
        self.group = group
        self.eligible = True
        self.status = "scored"  # scored | excluded | incomplete
        #: Why the subject is not scored (excluded or incomplete), as a message (``excluded_reason``
        #: is its text in the current locale).
        self.excluded_message: Message | str | None = None
        self.total_exact: Decimal | None = None
        self.total: Decimal | None = None
        self.grade: str | None = None
        self.grade_label: str | None = None
        self.band_grade: str | None = None
        self.rank: int | None = None
        self.vetoed = False
        #: Flag codes raised, in order (a list once the first is raised).
        self.flags: list[str] = _NO_FLAGS  # type: ignore[assignment]
        self.pay: Pay | None = None
        self.indicators: dict[str, Decimal] = {}
        #: (deductions_raw, event_points) of a scored subject (see ``metrics``).
        self._metrics: tuple[Decimal, Decimal] | None = None
        #: The sub-periods' results (a list once the first is added).
        self.subperiods: list[SubperiodResult] = _NO_SUBPERIODS  # type: ignore[assignment]
        #: The steps, when this result was traced (or once explained); None until then.
        self._breakdown: list[BreakdownLine] | None = [] if trace else None
        self._explain: Callable[[], None] | None = explain
        #: The names the scorer computed, kept for the pay stage only (then dropped).
        self._names: dict[str, Any] | None = None
        #: The rank order key (exact total, tie-breaks, id), for the group stage.
        self._key: tuple[Any, ...] | None = None

    @property
    def metrics(self) -> dict[str, Decimal]:
        """Raw deductions and event points of a scored subject (what flag rules and pay may read)."""
        if self._metrics is None:
            return {}
        return {"deductions_raw": self._metrics[0], "event_points": self._metrics[1]}

    @metrics.setter
    def metrics(self, value: dict[str, Decimal]) -> None:
        self._metrics = (value["deductions_raw"], value["event_points"]) if value else None

    @property
    def excluded_reason(self) -> str | None:
        return render(self.excluded_message) if self.excluded_message is not None else None

    @excluded_reason.setter
    def excluded_reason(self, value: Message | str | None) -> None:
        self.excluded_message = value

    @property
    def scored(self) -> bool:
        return self.status == "scored"

    @property
    def tracing(self) -> bool:
        return self._breakdown is not None and self._explain is None

    @property
    def breakdown(self) -> list[BreakdownLine]:
        """Every step with its reason; computed on first use (the evaluation runs again, traced)."""
        if self._explain is not None:
            self._explain()
        return self._breakdown if self._breakdown is not None else []

    def add(self, kind: str, code: str, value: Decimal | None, reason: Message | str) -> None:
        if self._breakdown is not None:
            self._breakdown.append(BreakdownLine(kind, code, value, reason))

    def flag(self, flag: str, reason: Message | str) -> None:
        if flag not in self.flags:
            if self.flags is _NO_FLAGS:
                self.flags = []
            self.flags.append(flag)
        if self._breakdown is not None:
            self._breakdown.append(BreakdownLine("flag", flag, None, reason))

    def to_dict(self, locale: str | None = None, messages: bool = False, reasons: bool = True) -> dict[str, Any]:
        """The result as JSON (what the CLI prints and the addon stores); reasons in ``locale`` (and as data with ``messages``; with
        ``reasons=False`` as data only, where a message can render them)."""
        out = {
            "id": self.id,
            "name": self.name,
            "group": self.group,
            "eligible": self.eligible,
            "status": self.status,
            "excluded_reason": render(self.excluded_message, locale) if self.excluded_message is not None else None,
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
            "breakdown": [line.to_dict(locale, messages, reasons) for line in self.breakdown],
        }
        if messages and isinstance(self.excluded_message, Message):
            out["excluded_message"] = self.excluded_message.to_json()
        return out


@dataclass(slots=True)
class Evaluation:
    """What ``evaluate`` returns: all subjects of one scheme and period."""

    scheme: str
    period: str
    results: list[SubjectResult]
    unallocated: dict[str, Decimal] = field(default_factory=dict)
    forfeited: dict[str, Decimal] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: ``evaluate(…, exclude_invalid=True)``: subject id → the problems of its own input that kept
    #: it out (the others were evaluated); see :func:`perfcore.refusal_reason` for the words.
    refused: dict[str, list[Problem]] = field(default_factory=dict)

    def result(self, subject_id: str) -> SubjectResult:
        for result in self.results:
            if result.id == subject_id:
                return result
        raise KeyError(f"no subject {subject_id!r} in this evaluation")

    def to_dict(self, locale: str | None = None, messages: bool = False) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "period": self.period,
            "results": [r.to_dict(locale, messages) for r in self.results],
            "unallocated": {k: fmt(v, 2) for k, v in self.unallocated.items()},
            "forfeited": {k: fmt(v, 2) for k, v in self.forfeited.items()},
            "warnings": [render(w, locale) for w in self.warnings],
        }
