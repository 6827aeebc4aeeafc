"""The scheme language: pydantic models of a scheme file and its load-time checks.

A scheme is validated once, when it is loaded.  Structural problems (wrong
types, unknown keys) come from pydantic, all at once; when the structure is
sound, the semantic checks (weights adding up, codes that exist, formulas
that compile) also report all their problems at once.  Each problem names the
file, the path inside it, its line and the bad value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .decimals import D, ONE_HUNDRED, ZERO, show
from .errors import Problem, SchemeError, pydantic_message
from .formula import Formula, FormulaError, compile_formula
from .yamlio import Document, load_document
from .i18n import Message, Seq, _, named, scheme_text

__all__ = [
    "Attribute",
    "Distribution",
    "EligibilityRule",
    "EventType",
    "FlagRule",
    "Grade",
    "GradeCap",
    "Indicator",
    "InputSpec",
    "KpiCard",
    "Parameter",
    "PayComponent",
    "PaySpec",
    "PaySplit",
    "YearEndPools",
    "CrossPeriodRule",
    "HistoryEligibility",
    "AnnualRollup",
    "Quota",
    "RankFlag",
    "Ranking",
    "RaterRole",
    "Scheme",
    "SubperiodSpec",
    "Worksheet",
    "load_scheme",
    "parse_scheme",
]


def _number(value: Any) -> Decimal:
    return D(value)


Num = Annotated[Decimal, BeforeValidator(_number)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
PeriodKind = Literal["week", "month", "quarter", "half_year", "year"]
_PARAM_REF = re.compile(r"^\$([a-z][a-z0-9_]*)$")

#: Names every formula may read besides the scheme's own codes.
BUILTIN_NAMES = frozenset({
    "total", "total_exact", "grade", "rank", "group", "group_size", "group_mean", "group_total",
    "pay_score", "facts", "events", "fines", "pay_percent", "subperiod_grades", "flags",
    "subperiod_mean", "subperiod_count",
    "deductions_raw", "event_points", "kpi_count", "kpi_met", "kpi_missed", "kpi_exceeded",
    "vetoed", "True", "False",
})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameter(_Model):
    """A named value of a preset; ``assumption`` marks a default the source documents do not state (A)."""

    value: Any
    #: What a reader calls it where a formula shows it (护理部每例不合格扣分).
    name: str = ""
    assumption: bool = False
    source: str = ""
    description: str = ""


class Attribute(_Model):
    """A subject attribute the scheme reads (the addon maps HR fields onto these)."""

    code: Code
    name: str = ""
    type: Literal["number", "text", "bool", "list"] = "text"
    values: list[str] | None = None
    #: What people read for each value (职称: senior_nurse → 主管护师); the code stays the data.
    labels: dict[str, str] = {}
    min: Num | None = None
    max: Num | None = None
    required: bool = False
    default: Any = None


class InputSpec(_Model):
    """A numeric input of ``scores`` that is not itself an indicator (counts, hours …)."""

    code: Code
    name: str = ""
    min: Num | None = None
    max: Num | None = None
    list: bool = False
    scope: Literal["period", "subperiod", "both"] = "period"
    default: Num | None = None


class EligibilityRule(_Model):
    """Exclude a subject when ``attribute <op> value``; ``reason`` may use ``{value}``."""

    attribute: Code
    op: Literal["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge"]
    value: Any
    reason: str
    default: Any = None


class RaterRole(_Model):
    """A rater role of an indicator; ``weight`` is a percentage or a formula."""

    code: Code
    name: str = ""
    weight: Num | str = ONE_HUNDRED
    required: bool = False
    pool: list[Code] = []
    pool_names: dict[str, str] = {}
    max_valid: Num | None = None
    replace_with: Code | None = None
    replace_offset: Num = ZERO
    replace_flag: str | None = None


class WorksheetSection(_Model):
    """``count`` planned items of one kind (常规工作 5 × 8 points), each given a status."""

    code: Code
    name: str = ""
    count: int = Field(ge=1)
    points: Num


class WorksheetExtra(_Model):
    """Items beyond the plan (其他工作, 合理化建议被采纳), counted, ``points`` each."""

    code: Code
    name: str = ""
    points: Num


class Worksheet(_Model):
    """A rater's score computed from a work sheet (item statuses plus extras).

    A filled sheet is ``{section: [status, …], extra: count}``: each status earns its share of
    the section's points (完成 1, 进行中 ½, 未开始 0), each extra its points.
    """

    statuses: dict[str, Num]
    status_names: dict[str, str] = {}
    sections: list[WorksheetSection]
    extras: list[WorksheetExtra] = []
    max: Num | None = None

    def earned(self, given: Mapping[str, Any]) -> list[tuple[WorksheetSection | WorksheetExtra, Decimal]]:
        """The points each section and extra of a filled (bound) sheet earns, in the sheet's order."""
        parts: list[tuple[WorksheetSection | WorksheetExtra, Decimal]] = []
        for section in self.sections:
            parts.append((section, sum((self.statuses[s] * section.points for s in given.get(section.code, [])), ZERO)))
        for extra in self.extras:
            parts.append((extra, D(given.get(extra.code, 0)) * extra.points))
        return parts

    def total(self, given: Mapping[str, Any]) -> Decimal:
        """The score of a filled (bound) sheet: the sum of what its sections and extras earn."""
        return sum((points for _part, points in self.earned(given)), ZERO)

    def explain(self, given: Mapping[str, Any]) -> Message:
        """The sheet's score with its parts named: 常规工作 36 + 阶段工作 35 + 其他工作 1 × 8 = 79."""
        parts = []
        for part, points in self.earned(given):
            if isinstance(part, WorksheetSection):
                parts.append(scheme_text("{part} {points}", part=named(part.code, part.name), points=show(points)))
            elif given.get(part.code):
                parts.append(scheme_text("{part} {count} × {points}", part=named(part.code, part.name),
                                         count=show(D(given[part.code])), points=show(part.points)))
        return _("work sheet: {parts} = {total}", parts=Seq(parts, " + "), total=show(self.total(given)))


class Indicator(_Model):
    """An indicator, item or measure; a node of the indicator tree."""

    code: Code
    name: str = ""
    weight: Num | None = None
    max: Num | None = None
    scale: tuple[Num, Num] | None = None
    source: Literal["given", "items", "given_or_items", "formula", "given_or_formula",
                    "full", "subperiod_mean"] | None = None
    formula: str | None = None
    clamp: bool = False
    raters: list[RaterRole] | None = None
    worksheet: Worksheet | None = None
    aggregation: Literal["weighted", "mean", "sum"] | None = None
    items: list[Indicator] = []

    @property
    def resolved_source(self) -> str:
        if self.source:
            return self.source
        if self.formula:
            return "formula"
        return "items" if self.items else "given"

    @property
    def resolved_scale(self) -> tuple[Decimal, Decimal]:
        if self.scale is not None:
            return self.scale
        if self.max is not None:
            return (ZERO, self.max)
        return (ZERO, ONE_HUNDRED)

    @property
    def resolved_aggregation(self) -> str:
        return self.aggregation or _default_aggregation(self.items)

    def walk(self) -> Iterator[Indicator]:
        yield self
        for item in self.items:
            yield from item.walk()


def _default_aggregation(items: list[Indicator]) -> str:
    if items and all(i.weight is not None for i in items):
        return "weighted"
    if items and all(i.max is not None for i in items):
        return "sum"
    return "mean"


class EventType(_Model):
    """A 加减分 event, veto, money fine or pay-percentage event."""

    code: Code
    name: str = ""
    kind: Literal["points", "veto", "fine", "pay_percent", "count"] = "points"
    points: Num | None = None
    range: tuple[Num, Num] | None = None
    amount: Num | None = None
    percent: Num | None = None
    level: Literal["total", "indicator"] = "total"
    indicator: Code | None = None
    cap: Num | None = None
    note_required: bool = False
    scope: Literal["period", "subperiod", "both"] = "period"
    #: Most occurrences one ledger entry may count; default: the scheme's ``event_max_count``.
    max_count: int | None = Field(default=None, ge=1)
    #: Largest points (either sign) one occurrence of a free event may give; default: the
    #: scheme's ``event_max_points``.  Ranged events are bounded by their range.
    max_points: Num | None = None


class Grade(_Model):
    """A grade: a band (inclusive lower bound ``min``) or a condition ``when``."""

    code: Code
    label: str = ""
    min: Num | None = None
    when: str | None = None


class GradeCap(_Model):
    """When ``when`` holds, the grade may be no better than ``grade``."""

    when: str
    grade: Code
    reason: str = ""


class Quota(_Model):
    grade: Code
    percent: Num


class Distribution(_Model):
    """Forced distribution (强制分布) per group: ``forced`` or ``cap``."""

    mode: Literal["forced", "cap"]
    quotas: list[Quota]
    scope: Literal["group", "all"] = "group"


class RankFlag(_Model):
    """Flag the top or bottom N of the ranking (optionally among those matching ``among``)."""

    flag: str
    top: int | None = Field(default=None, ge=1)
    bottom: int | None = Field(default=None, ge=1)
    among: str | None = None


class Ranking(_Model):
    scope: Literal["group", "all"] = "group"
    flags: list[RankFlag] = []


class FlagRule(_Model):
    """Raise ``flag`` on a scored subject when the formula ``when`` holds."""

    flag: str
    when: str
    reason: str = ""


class KpiCard(_Model):
    """Balanced-scorecard KPIs: dimensions and how many KPIs each subject has per dimension."""

    dimensions: list[Code]
    manager_attribute: Code = "is_manager"
    manager_count: tuple[int, int] = (1, 3)
    other_count: tuple[int, int] = (1, 1)


class SubperiodSpec(_Model):
    """Sub-periods (weeks of a month, months of a quarter) scored on their own."""

    kind: Literal["week", "month"]
    max_count: int | None = None
    indicators: list[Indicator]
    graded: bool = False


class PaySplit(_Model):
    """A pool per group (``pool`` formula) split among its members by ``weight`` (cents exact)."""

    pool: str
    weight: str
    scope: Literal["group", "all"] = "group"


class PayComponent(_Model):
    """A named part of the pay: a formula (optionally only ``when`` …) or a pool split."""

    code: Code
    name: str = ""
    formula: str | None = None
    split: PaySplit | None = None
    when: str | None = None
    periods: list[PeriodKind] | None = None

    @property
    def plain(self) -> bool:
        """A formula without a condition (the pay stage's fast path)."""
        return self.formula is not None and self.split is None and not self.when


class CommissionTier(_Model):
    """``rate`` percent on the whole profit when profit ≤ ``up_to`` (< when not ``inclusive``)."""

    up_to: Num | None = None
    inclusive: bool = True
    rate: Num


class YearEndPools(_Model):
    """The acquisition-bonus year-end pools (001 篇1): contracts, consulting, profit commission."""

    periods: list[PeriodKind] = ["year"]
    contract_values: dict[str, Num]
    split: dict[Literal["gm", "market", "others"], Num]
    market_split: dict[Literal["manager", "discretionary", "equal"], Num]
    others_split: dict[Literal["equal", "discretionary"], Num]
    consulting_saving_rate: Num
    consulting_profit_rate: Num
    commission_tiers: list[CommissionTier]
    installments: int = Field(default=4, ge=1)


class PaySpec(_Model):
    """How performance becomes money; every component is rounded once, half-up, to 0.01.

    ``name`` is what the money is called where it is not performance pay (a clinic's 补助, a unit's
    公用经费调整); empty for performance pay itself."""

    name: str = ""
    basis: Literal["absolute", "relative"] = "absolute"
    tables: dict[Code, dict[str, Num]] = {}
    variables: dict[Code, str] = {}
    #: What a reader calls the tables and variables where a formula shows them (title_coef: 职称系数).
    names: dict[Code, str] = {}
    components: list[PayComponent] = []
    year_end_pools: YearEndPools | None = None


class CrossPeriodRule(_Model):
    """A rule over ``history`` plus the current period that raises a flag (never changes the total).

    ``window``: ``rolling`` (the current period and the ``size − 1`` before it), ``calendar_year``
    (this year up to now) or ``consecutive`` (the last ``size`` periods, stepping by ``step``, all
    matching).  ``where`` is a formula over one record (total, grade, flags, rank); records flagged
    ``skip_flag`` are not counted.  ``only_in`` restricts the rule to periods ending a year (``H2``,
    ``12``) and the like.
    """

    flag: str
    window: Literal["rolling", "calendar_year", "consecutive"]
    size: int = Field(default=1, ge=1)
    step: Literal["period", "year"] = "period"
    where: str
    at_least: int = Field(default=1, ge=1)
    skip_flag: str | None = None
    only_in: list[str] | None = None
    reason: str = ""


class HistoryEligibility(_Model):
    """In periods of ``period_kind``, appraise only subjects whose last ``from_kind`` grade is listed."""

    period_kind: PeriodKind
    from_kind: PeriodKind
    grades: list[Code]
    reason: str


class AnnualRollup(_Model):
    """A year period scored from the year's monthly history: mean of the monthly totals."""

    grades: list["Grade"]
    flag_grades: dict[str, Code] = {}


class Scheme(_Model):
    """A whole appraisal scheme, as read from ``data/schemes/<id>.yaml``."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    title: str
    seed: str = ""
    description: str = ""
    subject: Literal["employee", "unit"] = "employee"
    periods: list[PeriodKind] = Field(min_length=1)
    parameters: dict[Code, Parameter] = {}
    attributes: list[Attribute] = []
    inputs: list[InputSpec] = []
    variables: dict[Code, str] = {}
    eligibility: list[EligibilityRule] = []
    raters: list[RaterRole] = []
    indicators: list[Indicator] = []
    total_max: Num | None = None
    direct_total: Code | None = None
    events: list[EventType] = []
    event_note_required: bool = False
    #: Bounds of one ledger entry for events that do not set their own.
    event_max_count: int = Field(default=100, ge=1)
    event_max_points: Num = Decimal(100)
    veto_grade: Code | None = None
    grades: list[Grade] = []
    grade_caps: list[GradeCap] = []
    tie_break: list[Code] = []
    distribution: Distribution | None = None
    ranking: Ranking | None = None
    flag_rules: list[FlagRule] = []
    kpi_card: KpiCard | None = None
    subperiods: SubperiodSpec | None = None
    score_periods: list[PeriodKind] | None = None
    pay: PaySpec | None = None
    cross_period: list[CrossPeriodRule] = []
    history_eligibility: list[HistoryEligibility] = []
    annual_rollup: AnnualRollup | None = None
    process: dict[str, Any] = {}

    # -- derived look-ups (cheap; the model is frozen) ---------------------------------
    def all_indicators(self) -> Iterator[Indicator]:
        for indicator in self.indicators:
            yield from indicator.walk()
        if self.subperiods:
            for indicator in self.subperiods.indicators:
                yield from indicator.walk()

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.all_indicators() if i.code == code), None)

    def event(self, code: str) -> EventType | None:
        return next((e for e in self.events if e.code == code), None)

    def grade(self, code: str) -> Grade | None:
        return next((g for g in self.grades if g.code == code), None)

    def parameter_values(self) -> dict[str, Any]:
        return {name: p.value for name, p in self.parameters.items()}

    def known_names(self) -> set[str]:
        names = set(BUILTIN_NAMES) | set(self.parameters) | set(self.variables)
        if self.pay:
            names |= set(self.pay.tables) | set(self.pay.variables) | {c.code for c in self.pay.components}
        names |= {a.code for a in self.attributes} | {i.code for i in self.inputs}
        for indicator in self.all_indicators():
            names.add(indicator.code)
            for role in self.raters_of(indicator):
                names.add(role.code)
                names.update(role.pool)
        return names

    def term_names(self) -> dict[str, str]:
        """What the scheme calls its codes, where a formula shows them (bonus_base: 奖金基数)."""
        names = {code: p.name for code, p in self.parameters.items() if p.name}
        names.update((a.code, a.name) for a in self.attributes if a.name)
        names.update((i.code, i.name) for i in self.inputs if i.name)
        for indicator in self.all_indicators():
            if indicator.name:
                names[indicator.code] = indicator.name
            names.update((role.code, role.name) for role in self.raters_of(indicator) if role.name)
            names.update((m, n) for role in self.raters_of(indicator) for m, n in role.pool_names.items() if n)
        if self.pay:
            names.update((code, name) for code, name in self.pay.names.items() if name)
            names.update((c.code, c.name) for c in self.pay.components if c.name)
        return names

    def raters_of(self, indicator: Indicator) -> list[RaterRole]:
        return indicator.raters if indicator.raters is not None else self.raters


Indicator.model_rebuild()


# ---------------------------------------------------------------------------------------
# Loading


def load_scheme(path: str | Path, parameters: Mapping[str, Any] | None = None) -> Scheme:
    """Load and validate a scheme file; ``parameters`` override its named parameters."""
    return parse_scheme(load_document(path), parameters)


def parse_scheme(document: Document | Mapping[str, Any], parameters: Mapping[str, Any] | None = None) -> Scheme:
    """Validate already-parsed scheme data (a :class:`Document` or a plain mapping)."""
    if not isinstance(document, Document):
        document = Document(document, None)
    data = document.data
    if not isinstance(data, dict):
        raise SchemeError([document.problem((), _('a scheme file must be a mapping'), type(data).__name__)])
    problems: list[Problem] = []
    data = _substitute_parameters(data, document, parameters or {}, problems)
    if problems:
        raise SchemeError(problems)
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(_pydantic_problems(exc, document)) from None
    problems = [document.problem(path, message, value) for path, message, value in check_scheme(scheme)]
    if problems:
        raise SchemeError(problems)
    return scheme


def _like(original: Any, value: Any) -> Any:
    """An override converted to the type of the value it replaces (text from a command line)."""
    if isinstance(original, bool):
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "yes", "1"):
            return True
        if str(value).lower() in ("false", "no", "0"):
            return False
        raise ValueError(_('expected true or false, got {value}', value=repr(value)))
    if isinstance(original, (int, Decimal)):
        return D(value)
    return value


def _pydantic_problems(exc: ValidationError, document: Document) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        path = tuple(error["loc"])
        problems.append(document.problem(path, pydantic_message(error), error.get("input")))
    return problems


def _substitute_parameters(data: dict[str, Any], document: Document, overrides: Mapping[str, Any],
                           problems: list[Problem]) -> dict[str, Any]:
    """Replace ``$name`` references by parameter values (after applying ``overrides``)."""
    raw_params = data.get("parameters") or {}
    if not isinstance(raw_params, dict):
        return data
    values: dict[str, Any] = {}
    for name, spec in raw_params.items():
        values[name] = spec.get("value") if isinstance(spec, dict) else spec
    for name, value in overrides.items():
        if name not in values:
            problems.append(document.problem(("parameters",), _('no parameter named {name} to override (known: {value})', name=repr(name), value=', '.join(sorted(values)) or 'none'), name))
            continue
        try:
            values[name] = _like(values[name], value)
        except (TypeError, ValueError) as exc:
            problems.append(document.problem(("parameters", name), _('override does not fit the parameter: {exc}', exc=exc), value))
    # Numbers are Decimal everywhere, so formulas and fields see one type.
    values = {k: (Decimal(v) if isinstance(v, int) and not isinstance(v, bool) else v) for k, v in values.items()}
    params = {
        name: ({**spec, "value": values[name]} if isinstance(spec, dict) else {"value": values[name]})
        for name, spec in raw_params.items()
    }

    def walk(node: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, path + (k,)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, path + (i,)) for i, v in enumerate(node)]
        if isinstance(node, str):
            match = _PARAM_REF.match(node)
            if match:
                name = match.group(1)
                if name not in values:
                    problems.append(document.problem(path, _('unknown parameter ${name}', name=name), node))
                    return node
                return values[name]
        return node

    result = {k: walk(v, (k,)) for k, v in data.items() if k != "parameters"}
    result["parameters"] = params
    return result


# ---------------------------------------------------------------------------------------
# Semantic checks

Issue = tuple[tuple[Any, ...], Any, Any]


def check_scheme(scheme: Scheme) -> list[Issue]:
    """All semantic problems of a structurally valid scheme, as (path, message, value)."""
    out: list[Issue] = []
    names = scheme.known_names()

    def formula(path: tuple[Any, ...], source: str) -> Formula | None:
        try:
            return compile_formula(source, names)
        except FormulaError as exc:
            out.append((path, exc.message, source))
            return None

    # unique codes -------------------------------------------------------------
    seen: dict[str, str] = {}
    for kind, codes in (
        ("indicator", [i.code for i in scheme.all_indicators()]),
        ("input", [i.code for i in scheme.inputs]),
        ("attribute", [a.code for a in scheme.attributes]),
        ("parameter", list(scheme.parameters)),
        ("variable", list(scheme.variables)),
    ):
        for code in codes:
            if code in seen:
                out.append(((), _('code {code} is used twice (as {value} and as {kind})', code=repr(code), value=seen[code], kind=kind), code))
            seen[code] = kind
    for kind, codes, path in (
        ("event", [e.code for e in scheme.events], "events"),
        ("grade", [g.code for g in scheme.grades], "grades"),
    ):
        for index, code in enumerate(codes):
            if codes.index(code) != index:
                out.append(((path, index, "code"), _('duplicate {kind} code', kind=kind), code))

    # indicators ------------------------------------------------------------------
    top_max = scheme.total_max
    _check_level(scheme, scheme.indicators, ("indicators",), top_max, f"scheme {scheme.id!r}", out, formula)
    if scheme.subperiods:
        _check_level(scheme, scheme.subperiods.indicators, ("subperiods", "indicators"), None,
                     f"scheme {scheme.id!r} sub-periods", out, formula)
        if not any(i.resolved_source == "subperiod_mean" for i in scheme.indicators) and not any(
            "subperiod_mean" in (i.formula or "") for i in scheme.all_indicators()
        ):
            out.append((("subperiods",), _('sub-periods are declared but no indicator reads them (source: subperiod_mean or a formula using subperiod_mean)'), None))
    if scheme.direct_total and scheme.direct_total not in {i.code for i in scheme.inputs}:
        out.append((("direct_total",), _('direct_total must name a declared input'), scheme.direct_total))
    for name, source in scheme.variables.items():
        formula(("variables", name), source)
    indicator_codes = {i.code for i in scheme.all_indicators()}
    if not scheme.indicators and not scheme.kpi_card:
        out.append((("indicators",), _('a scheme needs indicators or a kpi_card'), []))

    # events ----------------------------------------------------------------------
    for index, event in enumerate(scheme.events):
        path = ("events", index)
        if event.kind == "points" and event.points is not None and event.range is not None:
            out.append((path, _('event {code} has both fixed points and a range', code=repr(event.code)), event.code))
        if event.range is not None and event.range[0] > event.range[1]:
            out.append((path + ("range",), _('range of event {code} is empty (min > max)', code=repr(event.code)), list(event.range)))
        if event.level == "indicator":
            if not event.indicator:
                out.append((path, _('indicator-level event {code} names no indicator', code=repr(event.code)), None))
            elif event.indicator not in indicator_codes:
                out.append((path + ("indicator",), _('event {code} names an unknown indicator', code=repr(event.code)), event.indicator))
        if event.kind == "veto" and not scheme.veto_grade:
            out.append((path, _("veto event {code} needs the scheme's veto_grade", code=repr(event.code)), event.code))
        if event.kind == "fine" and event.amount is None:
            out.append((path, _('fine {code} needs an amount', code=repr(event.code)), event.code))
        if event.kind == "pay_percent" and event.percent is None:
            out.append((path, _('pay-percent event {code} needs a percent', code=repr(event.code)), event.code))
        if event.cap is not None and event.cap < 0:
            out.append((path + ("cap",), _('a cap is a non-negative number'), event.cap))
        if event.max_points is not None and event.max_points <= 0:
            out.append((path + ("max_points",), _('max_points is a positive number'), event.max_points))

    if scheme.event_max_points <= 0:
        out.append((("event_max_points",), _('event_max_points is a positive number'), scheme.event_max_points))

    # grades ----------------------------------------------------------------------
    grade_codes = [g.code for g in scheme.grades]
    bands = [g for g in scheme.grades if g.when is None]
    conditional = [g for g in scheme.grades if g.when is not None]
    if bands and conditional and any(g.min is not None for g in bands):
        out.append((("grades",), _('grades mix score bands (min) and conditions (when)'), grade_codes))
    rank_only = bool(scheme.grades) and all(g.min is None and g.when is None for g in scheme.grades)
    if rank_only and not (scheme.distribution and scheme.distribution.mode == "forced"):
        out.append((("grades",), _('grades without bounds or conditions need a forced distribution'), grade_codes))
    previous: Decimal | None = None
    for index, grade in enumerate(scheme.grades if not rank_only else []):
        if grade.when is not None:
            formula(("grades", index, "when"), grade.when)
            continue
        if grade.min is None:
            if index != len(scheme.grades) - 1:
                out.append((("grades", index), _('grade {code} has no lower bound but is not the last', code=repr(grade.code)), grade.code))
        elif previous is not None and grade.min >= previous:
            out.append((("grades", index, "min"), _('band lower bounds must decrease (after {previous})', previous=previous), grade.min))
        if grade.min is not None:
            previous = grade.min
    if scheme.grades and scheme.grades[-1].min is not None:
        out.append((("grades", len(scheme.grades) - 1),
                    _('the last grade must have no lower bound so that every total gets a grade'),
                    scheme.grades[-1].code))
    if scheme.veto_grade and scheme.veto_grade not in grade_codes:
        out.append((("veto_grade",), _('veto_grade is not one of the grades'), scheme.veto_grade))
    for index, cap in enumerate(scheme.grade_caps):
        formula(("grade_caps", index, "when"), cap.when)
        if cap.grade not in grade_codes:
            out.append((("grade_caps", index, "grade"), _('unknown grade'), cap.grade))
    if scheme.distribution:
        quotas = scheme.distribution.quotas
        total_percent = sum((q.percent for q in quotas), ZERO)
        if total_percent != ONE_HUNDRED:
            out.append((("distribution", "quotas"),
                        _('quota percentages of scheme {id} sum to {total_percent}, expected 100', id=repr(scheme.id), total_percent=total_percent),
                        total_percent))
        for index, quota in enumerate(quotas):
            if quota.grade not in grade_codes:
                out.append((("distribution", "quotas", index, "grade"), _('unknown grade'), quota.grade))
            if quota.percent < 0:
                out.append((("distribution", "quotas", index, "percent"), _('a quota is not negative'), quota.percent))
        order = [grade_codes.index(q.grade) for q in quotas if q.grade in grade_codes]
        if order != sorted(order):
            out.append((("distribution", "quotas"), _('quotas must list grades best first, as in grades'),
                        [q.grade for q in quotas]))
    for index, code in enumerate(scheme.tie_break):
        if code not in indicator_codes:
            out.append((("tie_break", index), _('tie-break names an unknown indicator'), code))
    if scheme.ranking:
        for index, flag in enumerate(scheme.ranking.flags):
            if (flag.top is None) == (flag.bottom is None):
                out.append((("ranking", "flags", index), _('give exactly one of top or bottom'), flag.flag))
            if flag.among:
                formula(("ranking", "flags", index, "among"), flag.among)
    for index, rule in enumerate(scheme.flag_rules):
        formula(("flag_rules", index, "when"), rule.when)
    for index, rule in enumerate(scheme.eligibility):
        if rule.attribute not in {a.code for a in scheme.attributes}:
            out.append((("eligibility", index, "attribute"), _('eligibility reads an undeclared attribute'), rule.attribute))
        if rule.op in ("in", "not_in") and not isinstance(rule.value, list):
            out.append((("eligibility", index, "value"), _('op {op} needs a list', op=rule.op), rule.value))
    for index, attribute in enumerate(scheme.attributes):
        if attribute.values is not None and attribute.type not in ("text", "list"):
            out.append((("attributes", index, "values"), _('only text attributes list values'), attribute.values))
        unknown = sorted(set(attribute.labels) - set(attribute.values or []))
        if unknown:
            out.append((("attributes", index, "labels"), _('labels name values the attribute does not list'), unknown))
    if scheme.pay:
        for name, source in scheme.pay.variables.items():
            formula(("pay", "variables", name), source)
        unnamed = sorted(set(scheme.pay.names) - set(scheme.pay.tables) - set(scheme.pay.variables))
        if unnamed:
            out.append((("pay", "names"), _('names name no table or variable of the pay'), unnamed))
        seen_components: set[str] = set()
        for index, component in enumerate(scheme.pay.components):
            path = ("pay", "components", index)
            if component.code in seen_components:
                out.append((path + ("code",), _('duplicate pay component'), component.code))
            seen_components.add(component.code)
            if (component.formula is None) == (component.split is None):
                out.append((path, _('pay component {code} needs exactly one of formula or split', code=repr(component.code)), component.code))
            if component.formula:
                formula(path + ("formula",), component.formula)
            if component.when:
                formula(path + ("when",), component.when)
            if component.split:
                formula(path + ("split", "pool"), component.split.pool)
                formula(path + ("split", "weight"), component.split.weight)
        pools = scheme.pay.year_end_pools
        if pools:
            for key, parts in (("split", pools.split), ("market_split", pools.market_split),
                               ("others_split", pools.others_split)):
                total = sum(parts.values(), ZERO)
                if total != ONE_HUNDRED:
                    out.append((("pay", "year_end_pools", key), _('shares sum to {total}, expected 100', total=total),
                                {k: str(v) for k, v in parts.items()}))
            bounds = [t.up_to for t in pools.commission_tiers]
            if not bounds or bounds[-1] is not None or any(b is None for b in bounds[:-1]):
                out.append((("pay", "year_end_pools", "commission_tiers"),
                            _('tiers need increasing up_to bounds and a last tier without one'), [str(b) for b in bounds]))
            elif any(a >= b for a, b in zip(bounds[:-2], bounds[1:-1])):  # type: ignore[operator]
                out.append((("pay", "year_end_pools", "commission_tiers"), _('up_to bounds must increase'),
                            [str(b) for b in bounds]))
    for index, rule in enumerate(scheme.cross_period):
        formula(("cross_period", index, "where"), rule.where)
    for index, rule in enumerate(scheme.history_eligibility):
        for code in rule.grades:
            if code not in grade_codes:
                out.append((("history_eligibility", index, "grades"), _('unknown grade'), code))
    if scheme.kpi_card and scheme.kpi_card.manager_attribute not in {a.code for a in scheme.attributes}:
        out.append((("kpi_card", "manager_attribute"), _('undeclared attribute'), scheme.kpi_card.manager_attribute))
    return out


def _check_level(scheme: Scheme, items: list[Indicator], path: tuple[Any, ...], parent_max: Decimal | None,
                 owner: str, out: list[Issue], formula: Any) -> None:
    if not items:
        return
    has_weight = [i.weight is not None for i in items]
    has_max = [i.max is not None for i in items]
    if any(has_weight) and not all(has_weight):
        missing = [i.code for i in items if i.weight is None]
        out.append((path, _('{owner}: some indicators have a weight and some not', owner=owner), missing))
    elif all(has_weight):
        total = sum((i.weight for i in items if i.weight is not None), ZERO)
        if total != ONE_HUNDRED:
            out.append((path, _('{owner}: indicator weights sum to {total}, expected 100', owner=owner, total=total),
                        {i.code: str(i.weight) for i in items}))
    if all(has_max) and parent_max is not None:
        total = sum((i.max for i in items if i.max is not None), ZERO)
        if total != parent_max:
            out.append((path, _('{owner}: maximum points sum to {total}, expected {parent_max}', owner=owner, total=total, parent_max=parent_max),
                        {i.code: str(i.max) for i in items}))
    for index, indicator in enumerate(items):
        here = path + (index,)
        low, high = indicator.resolved_scale
        if low > high:
            out.append((here + ("scale",), _('scale of {code} is empty', code=repr(indicator.code)), [str(low), str(high)]))
        source = indicator.resolved_source
        if source in ("items", "given_or_items") and not indicator.items:
            out.append((here, _('indicator {code} has source {source} but no items', code=repr(indicator.code), source=source), indicator.code))
        if source in ("formula", "given_or_formula"):
            if not indicator.formula:
                out.append((here, _('indicator {code} has source {source} but no formula', code=repr(indicator.code), source=source), indicator.code))
            else:
                formula(here + ("formula",), indicator.formula)
        if source == "full" and indicator.max is None and indicator.scale is None:
            out.append((here, _('indicator {code} starts full but has no max', code=repr(indicator.code)), indicator.code))
        if source == "subperiod_mean" and scheme.subperiods is None:
            out.append((here, _('indicator {code} reads sub-periods the scheme does not declare', code=repr(indicator.code)), indicator.code))
        roles = scheme.raters_of(indicator)
        if roles and source in ("given", "given_or_items", "given_or_formula"):
            numeric = [r for r in roles if not isinstance(r.weight, str)]
            if len(numeric) == len(roles):
                total = sum((r.weight for r in numeric if not isinstance(r.weight, str)), ZERO)
                if total != ONE_HUNDRED:
                    out.append((here + ("raters",), _('rater weights of {code} sum to {total}, expected 100', code=repr(indicator.code), total=total),
                                {r.code: str(r.weight) for r in roles}))
            for r_index, role in enumerate(roles):
                if isinstance(role.weight, str):
                    formula(here + ("raters", r_index, "weight"), role.weight)
                if role.replace_with and role.replace_with not in {r.code for r in roles}:
                    out.append((here + ("raters", r_index, "replace_with"), _('unknown rater role'), role.replace_with))
                for member in role.pool_names:
                    if member not in role.pool:
                        out.append((here + ("raters", r_index, "pool_names", member),
                                    _("names a member not in the pool {pool}", pool=", ".join(role.pool) or "-"), member))
        child_max = indicator.max if indicator.max is not None else (
            indicator.scale[1] if indicator.scale is not None and indicator.resolved_aggregation == "sum" else None)
        _check_level(scheme, indicator.items, here + ("items",), child_max, f"indicator {indicator.code!r}", out, formula)
