"""Period input (what the CLI reads and the addon builds) and period strings."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .decimals import D
from .errors import InputError, Problem, pydantic_message
from .yamlio import PERIOD_MAX_BYTES, Document, load_document
from .i18n import Message, _, p_

__all__ = [
    "EventInput",
    "HistoryEntry",
    "KpiInput",
    "Period",
    "PeriodInput",
    "SubjectInput",
    "SubperiodInput",
    "load_period_input",
    "parse_period",
    "parse_period_input",
    "period_kind_name",
]


def period_kind_name(kind: str) -> Message | str:
    """A period kind as a reader says it (年度, not year); an unknown kind as written."""
    names = {"week": p_("period kind", "week"), "month": p_("period kind", "month"),
             "quarter": p_("period kind", "quarter"), "half_year": p_("period kind", "half-year"),
             "year": p_("period kind", "year")}
    return names.get(kind, kind)

_PERIOD = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])|H([12])|W(0[1-9]|[1-4]\d|5[0-3])))?$")


@dataclass(frozen=True)
class Period:
    """A parsed period string: ``2024-05``, ``2024-Q2``, ``2024-H1``, ``2024``, ``2024-W18``."""

    text: str
    kind: str
    start: date
    end: date

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end


def parse_period(text: Any) -> Period:
    """Parse a period string; raises ValueError naming the text."""
    value = str(text).strip()
    match = _PERIOD.match(value)
    if not match:
        raise ValueError(_('period {value} is not one of 2024-05, 2024-Q2, 2024-H1, 2024, 2024-W18', value=repr(value)))
    year = int(match.group(1))
    month, quarter, half, week = match.group(2, 3, 4, 5)
    if month:
        m = int(month)
        return Period(value, "month", date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1]))
    if quarter:
        q = int(quarter)
        end_month = q * 3
        return Period(value, "quarter", date(year, end_month - 2, 1),
                      date(year, end_month, calendar.monthrange(year, end_month)[1]))
    if half:
        h = int(half)
        return Period(value, "half_year", date(year, 1 if h == 1 else 7, 1), date(year, 6 if h == 1 else 12, 30 if h == 1 else 31))
    if week:
        w = int(week)
        try:
            start = date.fromisocalendar(year, w, 1)
        except ValueError:
            raise ValueError(_('period {value}: {year} has no ISO week {w}', value=repr(value), year=year, w=w)) from None
        return Period(value, "week", start, start + timedelta(days=6))
    return Period(value, "year", date(year, 1, 1), date(year, 12, 31))


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError(_('floats are not accepted, write the number as text: {value}', value=repr(value)))
    return value


def _text(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    return value


def _number(value: Any) -> Decimal:
    try:
        return D(_no_float(value))
    except TypeError as exc:  # pydantic reports ValueErrors; a TypeError would escape it
        raise ValueError(exc.args[0]) from None


Num = Annotated[Decimal, BeforeValidator(_number)]
Text = Annotated[str, BeforeValidator(_text)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventInput(_Model):
    """One ledger entry: ``{code, count|points, date?, note?}``."""

    code: Text
    count: Num = Decimal(1)
    points: Num | None = None
    date: dt.date | None = None
    note: str | None = None


class KpiInput(_Model):
    code: Text
    dimension: Text
    target: Num
    actual: Num
    direction: Literal["higher_better", "lower_better"] = "higher_better"
    name: str = ""
    #: The KPI's weight on the card, as agreed (shown in the breakdown; the grade counts KPIs met).
    weight: Num | None = None


class SubperiodInput(_Model):
    period: Text
    scores: dict[Text, Any] = {}
    events: list[EventInput] = []


class HistoryEntry(_Model):
    period: Text
    total: Num | None = None
    grade: Text | None = None
    rank: int | None = None
    group_size: int | None = None
    flags: list[Text] = []


class SubjectInput(_Model):
    id: Text = Field(min_length=1)
    name: str = ""
    group: Text | None = None
    attributes: dict[Text, Any] = {}
    scores: dict[Text, Any] = {}
    events: list[EventInput] = []
    kpis: list[KpiInput] = []
    subperiods: list[SubperiodInput] = []
    history: list[HistoryEntry] = []


class PeriodInput(_Model):
    scheme: Text | None = None
    period: Text
    facts: dict[Text, Any] = {}
    subjects: list[SubjectInput]


def parse_period_input(source: Document | Mapping[str, Any] | PeriodInput) -> tuple[PeriodInput, Document]:
    """Validate the structure of a period input; all problems are raised together."""
    if isinstance(source, PeriodInput):
        return source, Document(None, None)
    document = source if isinstance(source, Document) else Document(source, None)
    if not isinstance(document.data, dict):
        raise InputError([document.problem((), _('a period file must be a mapping'), type(document.data).__name__)])
    try:
        return PeriodInput.model_validate(document.data), document
    except ValidationError as exc:
        problems: list[Problem] = []
        for error in exc.errors(include_url=False):
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and "[" in part))
            message = pydantic_message({**error, "loc": loc}, value_error_prefix=False)
            code = _event_code(document.data, loc)
            if code is not None:  # the line and path say where; the code says which event
                message = _("event {code}: {message}", code=repr(code), message=message)
            problems.append(document.problem(loc, message, error.get("input")))
        raise InputError(problems) from None


def _event_code(data: Any, loc: tuple[Any, ...]) -> str | None:
    """The code of the ledger entry a problem's location lies in (…, "events", 3, "count"), if any."""
    for index in range(len(loc) - 1):
        if loc[index] == "events" and isinstance(loc[index + 1], int):
            node = data
            try:
                for part in loc[:index + 2]:
                    node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
            code = node.get("code") if isinstance(node, dict) else None
            return code if isinstance(code, str) else None
    return None


def load_period_input(path: str | Path) -> tuple[PeriodInput, Document]:
    return parse_period_input(load_document(path, max_bytes=PERIOD_MAX_BYTES))
