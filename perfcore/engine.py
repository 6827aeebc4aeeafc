"""The engine: ``evaluate(scheme, period_input) -> Evaluation``.

Pure functions over Decimal, in five stages, one module each: compile (:mod:`perfcore.plan`),
bind (:mod:`perfcore.bind`: the whole input checked, one :class:`InputError` listing every
problem), score (:mod:`perfcore.score`: each subject), group (:mod:`perfcore.group`: ranks,
distribution, flags) and pay (:mod:`perfcore.pay`, :mod:`perfcore.pools`).  Every number written
into a result carries its reason: the breakdown is traced on request (``trace=True``, or when a
result's ``breakdown`` is first read).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from .bind import Binder, Bound, Unusual, read_period_input, read_subject, validated
from .crossperiod import apply_rules
from .decimals import ZERO, D, engine_context
from .errors import InputError, Problem, pydantic_message
from .group import flag_rules, group_stage
from .i18n import Message, Seq, _
from .pay import PayContext, pay_stage
from .period import EventInput, Period, PeriodInput, parse_period
from .plan import Plan, plan_for
from .pools import year_end_pools
from .kernel import kernel_for
from .result import Evaluation, SubjectResult
from .scheme import Scheme
from .score import base_names, eligibility, history_eligibility, score_subject
from .yamlio import Document

__all__ = ["check_attribute", "check_event", "check_score", "collector_paused", "evaluate", "refusal_reason",
           "screen"]


def evaluate(scheme: Scheme, period_input: PeriodInput | Document | Mapping[str, Any], *,
             trace: bool = False, exclude_invalid: bool = False) -> Evaluation:
    """Score, grade, distribute and rank every subject of a period input, and pay them.

    Raises :class:`InputError` listing every problem when the input does not fit the scheme;
    nothing is computed in that case.  With ``exclude_invalid``, a subject whose own input has
    problems is left out instead and the others are evaluated (one person's data never stops the
    others): ``Evaluation.refused`` holds its problems, located in the input as given; problems of
    the period itself (its facts, its period) still raise.  With ``trace``, every result carries
    its breakdown at once; without, the breakdown is traced when first read (the same evaluation,
    run again).
    """
    if not exclude_invalid:
        return _evaluate(scheme, period_input, trace)
    refused: dict[str, list[Problem]] = {}
    source, kept = period_input, None
    while True:  # at most once per subject: each pass leaves out at least one
        try:
            evaluation = _evaluate(scheme, source, trace)
        except InputError as exc:
            subjects = _subjects_of(source)
            kept = kept if kept is not None else list(range(len(subjects)))
            problems = [_relocated(p, kept) for p in exc.problems]
            if any(p.subject_index is None for p in problems):
                raise InputError(problems) from None
            drop = {kept.index(p.subject_index) for p in problems}
            for index in sorted(drop):
                refused.setdefault(_subject_id(subjects[index], kept[index]), []).extend(
                    p for p in problems if p.subject_index == kept[index])
            source = _without_subjects(source, drop)
            kept = [original for index, original in enumerate(kept) if index not in drop]
            continue
        evaluation.refused = refused
        return evaluation


def refusal_reason(problems: list[Problem]) -> Message:
    """The problems of one subject as the reason it is not evaluated: each field and message."""
    return _reasons(problems)


def _subjects_of(source: Any) -> list[Any]:
    if isinstance(source, PeriodInput):
        return list(source.subjects)
    data = source.data if isinstance(source, Document) else source
    return list(data.get("subjects") or []) if isinstance(data, Mapping) else []


def _subject_id(subject: Any, index: int) -> str:
    """A refused subject's id as given (its index where the input gave none)."""
    given = subject.get("id") if isinstance(subject, Mapping) else getattr(subject, "id", None)
    return str(given) if given is not None else f"subjects[{index}]"


def _relocated(problem: Problem, kept: list[int]) -> Problem:
    """``problem`` of the input without the subjects left out, located in the input as given."""
    index = problem.subject_index
    if index is None or index >= len(kept):
        return problem
    moved = Problem(("subjects", kept[index], *problem.location[2:]), problem.msg, file=problem.file,
                    line=problem.line)
    moved.value = problem.value
    return moved


def _without_subjects(source: Any, drop: set[int]) -> Any:
    if isinstance(source, PeriodInput):
        return source.model_copy(update={"subjects": [s for i, s in enumerate(source.subjects) if i not in drop]})
    document = source if isinstance(source, Document) else Document(source, None)
    data = dict(document.data)
    data["subjects"] = [s for i, s in enumerate(data["subjects"]) if i not in drop]
    renumbered = {old: new for new, old in enumerate(i for i in range(len(document.data["subjects"])) if i not in drop)}
    lines = {}
    for path, line in document.lines.items():
        if len(path) > 1 and path[0] == "subjects" and isinstance(path[1], int):
            if path[1] in drop:
                continue
            path = ("subjects", renumbered[path[1]], *path[2:])
        lines[path] = line
    return Document(data, document.file, lines)


def _evaluate(scheme: Scheme, period_input: PeriodInput | Document | Mapping[str, Any], trace: bool) -> Evaluation:
    explain = _Explain()
    with collector_paused():
        data, document = read_period_input(period_input)
        c = plan_for(scheme)
        try:
            period, bound, scored = _bind(c, data, document, fast=not trace, explain=explain)
        except Unusual:  # a subject not of the plain shape: pydantic reads the whole input, naming its problems
            data = validated(document)
            period, bound, scored = _bind(c, data, document)
        evaluation = _run(c, data, period, bound, document, trace, scored)
    if not trace:
        explain.arm(c, data, period, bound, document, evaluation)
        for result in evaluation.results:
            if result._explain is None:
                result._explain = explain
    return evaluation


class _Explain:
    """Traces an evaluation when a breakdown is first read: the same evaluation, run again with its
    trace on; each result gets its steps (a result kept alone still explains itself)."""

    __slots__ = ("args", "results")

    def __init__(self) -> None:
        self.args: tuple[Any, ...] | None = None
        self.results: list[SubjectResult] = []

    def arm(self, c: Plan, data: Any, period: Period, bound: list[Bound | None], document: Document,
            evaluation: Evaluation) -> None:
        self.args = (c, data, period, bound, document)
        self.results = evaluation.results

    def __call__(self) -> None:
        if self.args is None:
            return
        c, data, period, bound, document = self.args
        with collector_paused():
            traced = _run(c, data, period, _bound_all(c, data, period, bound, document), document, True)
        for result, steps in zip(self.results, traced.results):
            result._breakdown = steps._breakdown
            result._explain = None
        self.args = None
        self.results = []


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a block builds many (acyclic) objects — an
    evaluation, or a caller's batch around one: with it on, the collections their allocations
    trigger walk every live object again and again, and cost more than the work."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _bind(c: Plan, data: Any, document: Document, fast: bool = False, explain: Any = None
          ) -> tuple[Period, list[Bound | None], list[SubjectResult | None]]:
    """The period and every subject bound; with ``fast``, subjects the scheme's kernel takes are
    scored at once (their results returned beside), the others bound by the general binder."""
    scheme = c.scheme
    problems: list[Problem] = []
    period: Period | None = None
    try:
        period = parse_period(data.period)
        if period.kind not in scheme.periods:
            problems.append(document.problem(("period",), _("scheme {scheme} runs on periods of kind {kinds}, not {kind}",
                                                            scheme=repr(scheme.id), kinds=", ".join(scheme.periods),
                                                            kind=period.kind), data.period))
    except ValueError as exc:
        problems.append(document.problem(("period",), exc.args[0], data.period))
    if data.scheme is not None and data.scheme != scheme.id:
        problems.append(document.problem(("scheme",), _("the file is for scheme {file}, not {scheme}",
                                                        file=repr(data.scheme), scheme=repr(scheme.id)), data.scheme))
    binder = Binder(c, document, problems)
    bind = binder.bind
    checked = len(problems)
    raw = getattr(data, "raw", False)
    kernel = kernel_for(c, period.kind) if fast and raw and period is not None and not problems else None
    subjects = data.subjects
    with engine_context():
        # the kernel first, over every subject (a list comprehension: no per-subject bookkeeping) …
        scored: list[SubjectResult | None] = [kernel(item, explain) for item in subjects] if kernel is not None \
            else [None] * len(subjects)
        bound: list[Bound | None] = [None] * len(subjects)
        # … then the binder for the others, and the check of the ids
        if kernel is not None and None not in scored:  # the kernel took them all (the usual case)
            ids = [done.id for done in scored]  # type: ignore[union-attr]
        else:
            ids = []
            for index, (item, done) in enumerate(zip(subjects, scored)):
                if done is not None:
                    ids.append(done.id)
                    continue
                subject = read_subject(item) if raw else item
                ids.append(subject.id)
                bound[index] = bind(subject, ("subjects", index), period)
    if len(set(ids)) != len(ids):  # rare: bind again, one subject after the other, as the problems are listed
        del problems[checked:]
        seen: dict[str, int] = {}
        with engine_context():
            for index, item in enumerate(subjects):
                subject = read_subject(item) if raw else item
                if subject.id in seen:
                    problems.append(document.problem(("subjects", index, "id"),
                                                     _("duplicate subject id (first at subjects[{index}])",
                                                       index=seen[subject.id]), subject.id))
                else:
                    seen[subject.id] = index
                bound[index] = bind(subject, ("subjects", index), period)
                scored[index] = None
    _check_facts(data.facts, document, problems)
    if problems:
        raise InputError(problems)
    assert period is not None
    return period, bound, scored


def _bound_all(c: Plan, data: Any, period: Period, bound: list[Bound | None], document: Document) -> list[Bound]:
    """Every subject bound: those the kernel scored, bound now by the general binder (for a trace)."""
    if all(b is not None for b in bound):
        return bound  # type: ignore[return-value]
    problems: list[Problem] = []
    binder = Binder(c, document, problems)
    out = [b if b is not None else binder.bind(read_subject(raw), ("subjects", index), period)
           for index, (b, raw) in enumerate(zip(bound, data.subjects))]
    assert not problems, problems  # the kernel took only what binds without a problem
    return out


def _run(c: Plan, data: Any, period: Period, bound: list[Bound | None], document: Document, trace: bool,
         scored: list[SubjectResult | None] | None = None) -> Evaluation:
    scheme = c.scheme
    with engine_context():
        if scored is None:
            results = [score_subject(c, b, period, trace) for b in bound]
        else:
            results = [done or score_subject(c, b, period, trace) for done, b in zip(scored, bound)]  # type: ignore[arg-type]
        rollup = scheme.annual_rollup is not None and period.kind == "year"
        group_stage(c, results, distribute=not rollup)  # annual grades are not under the monthly quotas
        if scheme.flag_rules:
            for result, b in zip(results, bound):
                flag_rules(c, result, result._names if b is None else base_names(c, b))
        # Cross-period flags come before pay: they never change a total, but pay may read them.
        if scheme.cross_period:
            for result, b in zip(results, bound):
                apply_rules(scheme, period, result, b.source.history if b is not None else (), c.formula)
        evaluation = Evaluation(scheme.id, data.period, results)
        _pay(c, evaluation, bound, data.facts, period, document)
    return evaluation


def _pay(c: Plan, evaluation: Evaluation, bound: list[Bound], facts: dict[str, Any], period: Period,
         document: Document) -> None:
    spec = c.scheme.pay
    if spec is None:
        for result in evaluation.results:
            result._names = None
        return
    contexts = []
    zero_counts = dict.fromkeys(c.events, ZERO)
    params = c.params
    # those the kernel paid (nothing their pay reads changes after scoring) are done
    todo = [(index, result, b) for index, (result, b) in enumerate(zip(evaluation.results, bound))
            if b is not None or result.pay is None]
    if c.scheme.flag_rules or c.scheme.cross_period:  # the names the rules read are not needed any more
        for result in evaluation.results:
            if result.pay is not None and result._names is not None:
                result._names = None
    for index, result, b in todo:
        names = result._names
        result._names = None
        if result.status != "scored" or names is None:
            contexts.append(PayContext(result, {}, {}, ZERO, ZERO, f"subjects[{index}]"))
            continue
        # what the scorer knew (parameters, attributes, inputs, indicators …), then the results
        if b is not None:  # (the kernel's names have the parameters, which no other name overrides)
            names.update(params)
        names["total"] = result.total
        names["grade"] = result.grade
        names["rank"] = result.rank
        names["vetoed"] = result.vetoed
        names["facts"] = facts
        names["group"] = result.group
        names["total_exact"] = result.total_exact
        names["flags"] = list(result.flags)
        if b is None:  # scored by the kernel, which counted the events
            contexts.append(PayContext(result, names, names.get("events") or zero_counts, names["fines"],
                                       names["pay_percent"], f"subjects[{index}]"))
            continue
        counts = dict(zero_counts)
        fines = percent = ZERO
        events = b.events
        if b.subperiods:
            events = [*events, *(e for sub in b.subperiods for e in sub[3])]
        for event in events:
            etype = event.type
            counts[etype.code] += event.count
            if etype.kind == "fine" and etype.amount is not None:
                fines += etype.amount * event.count
            if etype.kind == "pay_percent" and etype.percent is not None:
                percent += etype.percent * event.count
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


def _problem_at(document: Document, path: str, message: Message | str) -> Problem:
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
    >>> [str(p.message) for p in check_score(load_preset("nursing"), "patient", 250, "patient")]
    ["score of 'patient' out of its scale 0..100"]
    """
    problems: list[Problem] = []
    binder = Binder(plan_for(scheme), Document(None, None), problems)
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
        return [document.problem(tuple(e["loc"]), pydantic_message(e, value_error_prefix=False), e.get("input"))
                for e in exc.errors(include_url=False)]
    problems: list[Problem] = []
    Binder(plan_for(scheme), document, problems).bind_events([parsed], (), "", sub=subperiod)
    return problems


def check_attribute(scheme: Scheme, code: str, value: Any) -> list[Problem]:
    """Problems of one attribute value: a declared attribute, of its type, allowed value and bounds."""
    c = plan_for(scheme)
    document = Document(None, None)
    spec = c.attributes.get(code)
    if spec is None:
        return [document.problem((code,), _("unknown attribute for scheme {scheme} (known: {known})",
                                            scheme=repr(scheme.id), known=", ".join(sorted(c.attributes)) or "none"),
                                 code)]
    problems: list[Problem] = []
    Binder(c, document, problems).typed(spec.type, value, (code,), spec.values, spec.min, spec.max)
    return problems


def screen(scheme: Scheme, period_input: PeriodInput | Document | Mapping[str, Any], *,
           exclude_invalid: bool = False) -> dict[str, Message | str | None]:
    """Eligibility only (no scores needed): subject id → exclusion reason, or None when appraised.

    Attributes and history are checked as in :func:`evaluate`; their problems raise
    :class:`InputError` — or, with ``exclude_invalid``, become the reason that subject is not
    appraised ("lacks required attribute 'title'"), so that one person's data never stops the
    others.
    """
    data, document = read_period_input(period_input)
    if getattr(data, "raw", False):
        try:
            subjects = [read_subject(item) for item in data.subjects]
        except Unusual:
            data = validated(document)
            subjects = data.subjects
    else:
        subjects = data.subjects
    c = plan_for(scheme)
    problems: list[Problem] = []
    try:
        period = parse_period(data.period)
    except ValueError as exc:
        raise InputError([document.problem(("period",), exc.args[0], data.period)]) from None
    out: dict[str, Message | str | None] = {}
    for index, subject in enumerate(subjects):
        own: list[Problem] = []
        binder = Binder(c, document, own)
        binder.check_history(subject, ("subjects", index))
        b = Bound(subject, binder.bind_attributes(subject, ("subjects", index)), {}, {}, [])
        if own and exclude_invalid:
            out[subject.id] = _reasons(own)
            continue
        problems += own
        if not own:
            out[subject.id] = eligibility(c, b.attributes) or history_eligibility(c, b, period)
    if problems:
        raise InputError(problems)
    return out


def _reasons(problems: list[Problem]) -> Message:
    """Problems as the reason a subject is not appraised: each field (after the subject) and message."""
    parts = []
    for problem in problems:
        field = problem.field_path if problem.subject_index is not None else ""
        if field == "attributes":  # "lacks required attribute 职称" names its field itself
            field = ""
        value = f" ({problem.value})" if problem.has_value and problem.value is not None else ""
        parts.append(_("{field}: {message}{value}", field=field, message=problem.message, value=value) if field
                     else _("{message}{value}", message=problem.message, value=value))
    return _("{reasons}", reasons=Seq(parts, "; "))


def _check_facts(facts: Any, document: Document, problems: list[Problem], path: tuple[Any, ...] = ("facts",)) -> None:
    if isinstance(facts, float):
        problems.append(document.problem(path, _("floats are not accepted, write the number as text"), facts))
    elif isinstance(facts, (int, Decimal)) and not isinstance(facts, bool):
        try:
            D(facts)
        except ValueError as exc:
            problems.append(document.problem(path, exc.args[0], facts))
    elif isinstance(facts, dict):
        for key, value in facts.items():
            _check_facts(value, document, problems, path + (key,))
    elif isinstance(facts, list):
        for index, value in enumerate(facts):
            _check_facts(value, document, problems, path + (index,))

