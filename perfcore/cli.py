"""The ``perfcore`` command line.

Exit codes: 0 ok; 2 bad scheme or input (one line per problem on stderr, naming
file, line, path and value; no traceback); 1 internal error.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from .decimals import fmt
from .decimals import show as show_number
from .engine import evaluate
from .errors import InputError, PerfcoreError, Problem
from .i18n import _, current_locale, locale_from_environment, render, set_default_locale
from .period import parse_period_input
from .presets import preset_ids, resolve_scheme
from .result import Evaluation
from .scheme import Indicator, Scheme, parse_scheme
from .yamlio import PERIOD_MAX_BYTES, SCHEME_MAX_BYTES, load_document

__all__ = ["app", "main"]

app = typer.Typer(help="Performance appraisal schemes (绩效考核) and pay linkage, exact to the cent.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


@app.callback()
def _language(
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Language of reasons, problems and tables: zh_CN or en (default: from LANG).")] = None,
) -> None:
    """Performance appraisal schemes (绩效考核) and pay linkage, exact to the cent."""
    set_default_locale(lang or locale_from_environment())
# Wide enough for breakdown reasons when piped (rich assumes 80 columns off a terminal).
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _guard(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PerfcoreError as exc:
            problems: list[Problem] = getattr(exc, "problems", [])
            if problems:
                for problem in problems:
                    err.print(_("error: {problem}", problem=problem.render()).render(), markup=False, highlight=False)
                err.print(_("{count} problem(s) found.", count=len(problems)).render(), markup=False)
            else:
                err.print(_("error: {problem}", problem=str(exc)).render(), markup=False, highlight=False)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # an internal error: say so, briefly, and exit 1
            err.print(_("internal error: {kind}: {error}", kind=type(exc).__name__, error=str(exc)).render(),
                      markup=False, highlight=False)
            err.print(_("please report this with the files you used.").render(), markup=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _params(values: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise PerfcoreError(_("--param expects NAME=VALUE, got {item}", item=repr(item)))
        params[name.strip()] = value.strip()
    return params


ParamOption = Annotated[list[str] | None, typer.Option("--param", "-p", help="Override a scheme parameter: NAME=VALUE.")]


@app.command()
@_guard
def schemes() -> None:
    """List the shipped presets."""
    table = Table(title=_("perfcore presets").render())
    for column in (_("id"), _("title"), _("seed"), _("subject"), _("period")):
        table.add_column(column.render())
    for scheme_id in preset_ids():
        scheme = resolve_scheme(scheme_id)
        table.add_row(scheme.id, scheme.title, scheme.seed, scheme.subject, ", ".join(scheme.periods))
    out.print(table)


@app.command()
@_guard
def show(scheme: Annotated[str, typer.Argument(help="Preset id or scheme file.")], param: ParamOption = None) -> None:
    """Describe a preset or scheme file: indicators, raters, events, grades, quotas, parameters."""
    s = resolve_scheme(scheme, _params(param))
    out.print(f"[bold]{s.title}[/bold]  " + _("({scheme}; seed {seed}; subject {subject}; periods {periods})",
                                               scheme=s.id, seed=s.seed, subject=s.subject,
                                               periods=", ".join(s.periods)).render())
    if s.description:
        out.print(s.description.strip())
    if s.parameters:
        table = Table(title=_("parameters ((A) = assumed where the source documents are silent, editable)").render())
        for column in (_("name"), _("value"), _("(A)"), _("source")):
            table.add_column(column.render())
        for name, p in s.parameters.items():
            table.add_row(name, _text(p.value), "(A)" if p.assumption else "", p.source)
        out.print(table)
    if s.attributes:
        out.print(_("attributes: {list}", list=", ".join(
            f"{a.code} ({a.type}{': ' + '/'.join(a.values) if a.values else ''})" for a in s.attributes)).render())
    for rule in s.eligibility:
        out.print(_("excluded when {attribute} {op} {value}: {reason}", attribute=rule.attribute, op=rule.op,
                    value=_text(rule.value), reason=rule.reason).render())
    if s.raters:
        out.print(_("raters: {list}", list=", ".join(f"{r.code} {_text(r.weight)}%" for r in s.raters)).render())
    title = _("indicators (total = {code} when given)", code=s.direct_total) if s.direct_total else _("indicators")
    tree = Tree(title.render())
    for indicator in s.indicators:
        _indicator_tree(s, tree, indicator)
    out.print(tree)
    if s.subperiods:
        sub = Tree(_("sub-periods ({kind})", kind=s.subperiods.kind).render())
        for indicator in s.subperiods.indicators:
            _indicator_tree(s, sub, indicator)
        out.print(sub)
    if s.events:
        table = Table(title=_("events (加减分)").render())
        for column in (_("code"), _("name"), _("kind"), _("points"), _("level"), _("cap"), _("note")):
            table.add_column(column.render())
        for e in s.events:
            points = (fmt(e.points) if e.points is not None else
                      f"{fmt(e.range[0])}..{fmt(e.range[1])}" if e.range else
                      f"¥{fmt(e.amount)}" if e.amount is not None else
                      f"{fmt(e.percent)}%" if e.percent is not None else _("explicit").render())
            table.add_row(e.code, e.name, e.kind, points, e.indicator or e.level,
                          fmt(e.cap) or "", _("required").render() if e.note_required or s.event_note_required else "")
        out.print(table)
    if s.grades:
        grades = "; ".join(
            f"{g.code} {g.label} " + (f"≥ {fmt(g.min)}" if g.min is not None else
                                     _("when {when}", when=g.when).render() if g.when else _("otherwise").render())
            for g in s.grades)
        if s.veto_grade:
            grades += "; " + _("veto → {grade}", grade=s.veto_grade).render()
        out.print(_("grades: {list}", list=grades).render())
    for cap in s.grade_caps:
        out.print(_("grade at most {grade} when {when}", grade=cap.grade, when=cap.when).render())
    if s.distribution:
        d = s.distribution
        out.print(_("distribution ({mode}, per {scope}): {quotas}", mode=d.mode, scope=d.scope,
                    quotas=", ".join(f"{q.grade} {fmt(q.percent)}%" for q in d.quotas)).render())
    if s.tie_break:
        out.print(_("tie-break: {list}", list=", ".join(s.tie_break)).render())
    if s.ranking:
        for flag in s.ranking.flags:
            where = _("top {count}", count=flag.top) if flag.top else _("bottom {count}", count=flag.bottom)
            if flag.among:
                where = _("{where} among {among}", where=where, among=flag.among)
            out.print(_("ranking ({scope}): {where} → {flag}", scope=s.ranking.scope, where=where,
                        flag=flag.flag).render())
    for rule in s.flag_rules:
        out.print(_("flag {flag} when {when}", flag=rule.flag, when=rule.when).render())


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return fmt(value) if hasattr(value, "quantize") else str(value)


def _indicator_tree(s: Scheme, parent: Tree, indicator: Indicator) -> None:
    low, high = indicator.resolved_scale
    parts = [f"[bold]{indicator.code}[/bold] {indicator.name}"]
    if indicator.weight is not None:
        parts.append(f"{fmt(indicator.weight)}%")
    if indicator.max is not None:
        parts.append(_("max {points}", points=fmt(indicator.max)).render())
    parts.append(_("scale {scale}", scale=f"{fmt(low)}..{fmt(high)}").render())
    if indicator.resolved_source != "given":
        parts.append(_("source {source}", source=indicator.resolved_source).render())
    if indicator.formula:
        parts.append(f"= {indicator.formula}")
    roles = s.raters_of(indicator)
    if roles and indicator.resolved_source in ("given", "given_or_items", "given_or_formula"):
        parts.append(_("raters {list}", list=", ".join(
            f"{r.code} {_text(r.weight)}" + ("%" if not isinstance(r.weight, str) else "")
            + (" " + _("(mean of {members})", members="/".join(r.pool)).render() if r.pool else "")
            for r in roles)).render())
    node = parent.add(" · ".join(parts))
    for item in indicator.items:
        _indicator_tree(s, node, item)


@app.command()
@_guard
def validate(
    file: Annotated[Path, typer.Argument(help="A scheme file or a period file.")],
    scheme: Annotated[str | None, typer.Option(help="Scheme of a period file (else its `scheme:` key).")] = None,
) -> None:
    """Check a scheme file or a period file; every problem is listed."""
    document = load_document(file, max_bytes=PERIOD_MAX_BYTES)
    data = document.data
    if isinstance(data, dict) and "subjects" in data:
        name = scheme or data.get("scheme")
        if not name:
            raise PerfcoreError(_("{file}: a period file needs --scheme or a `scheme:` key to be checked", file=str(file)))
        s = resolve_scheme(str(name))
        evaluation = evaluate(s, document)
        out.print(_("{file}: valid period input for scheme {scheme} ({count} subjects)", file=str(file), scheme=s.id,
                    count=len(evaluation.results)).render())
    else:
        if file.stat().st_size > SCHEME_MAX_BYTES:
            load_document(file)  # refused with the scheme limit in its message
        s = parse_scheme(document)
        out.print(_("{file}: valid scheme {scheme} ({title})", file=str(file), scheme=s.id, title=s.title).render())


def _evaluate(scheme: str, input_file: Path, param: list[str] | None) -> tuple[Scheme, Evaluation]:
    document = load_document(input_file, max_bytes=PERIOD_MAX_BYTES)
    s = resolve_scheme(scheme, _params(param))
    parse_period_input(document)
    return s, evaluate(s, document)


@app.command("evaluate")
@_guard
def evaluate_command(
    scheme: Annotated[str, typer.Argument(help="Preset id or scheme file.")],
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="Period file (YAML or JSON).")],
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    param: ParamOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 2) when a subject cannot be scored.")] = False,
) -> None:
    """Score, grade, distribute and rank every subject of a period file."""
    s, evaluation = _evaluate(scheme, input_file, param)
    if strict:
        incomplete = [r for r in evaluation.results if r.status == "incomplete"]
        if incomplete:
            raise InputError([Problem(f"subjects[{evaluation.results.index(r)}]",
                                      _("subject {subject} cannot be scored: {reason}", subject=repr(r.id),
                                        reason=r.excluded_message), file=str(input_file))
                              for r in incomplete])
    if format is Format.json:
        text = json.dumps(evaluation.to_dict(current_locale()), ensure_ascii=False, indent=2) + "\n"
    elif format is Format.csv:
        text = _csv(evaluation)
    else:
        if output is not None:
            raise PerfcoreError(_("--output needs --format json or csv"))
        _table(s, evaluation)
        return
    if output is None:
        sys.stdout.write(text)
    else:
        _write_atomically(output, text)
        err.print(_("wrote {count} results to {file}", count=len(evaluation.results), file=str(output)).render(),
                  markup=False)


def _write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv(evaluation: Evaluation) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "name", "group", "status", "excluded_reason", "total", "grade", "grade_label",
                     "rank", "flags", "pay_amount"])  # column names are data: the same in every language
    for r in evaluation.results:
        writer.writerow([r.id, r.name, r.group or "", r.status, r.excluded_reason or "",
                         fmt(r.total, 2) if r.total is not None else "", r.grade or "", r.grade_label or "",
                         r.rank or "", ";".join(r.flags), fmt(r.pay.amount, 2) if r.pay else ""])
    return buffer.getvalue()


def _table(s: Scheme, evaluation: Evaluation) -> None:
    table = Table(title=f"{s.title} · {evaluation.period}")
    columns = {"id": _("id"), "name": _("name"), "group": _("group"), "total": _("total"), "grade": _("grade"),
               "rank": _("rank"), "flags": _("flags"), "pay": _("pay")}
    for column, title in columns.items():
        table.add_column(title.render(), justify="right" if column in ("total", "rank", "pay") else "left")
    for r in evaluation.results:
        if r.status != "scored":
            table.add_row(r.id, r.name, r.group or "", "—", f"[dim]{_status(r.status)}: {r.excluded_reason}[/dim]", "", "",
                          "")
            continue
        table.add_row(r.id, r.name, r.group or "", fmt(r.total, 2) if r.total is not None else "—",
                      f"{r.grade or ''} {r.grade_label or ''}".strip(), str(r.rank or ""), ", ".join(r.flags),
                      fmt(r.pay.amount, 2) if r.pay else "")
    out.print(table)
    for warning in evaluation.warnings:
        err.print(_("warning: {warning}", warning=render(warning)).render(), markup=False)


def _step(kind: str) -> str:
    words = {"eligibility": _("eligibility"), "input": _("input"), "rater": _("rater"), "indicator": _("indicator"),
             "weight": _("weight"), "event": _("event"), "veto": _("veto"), "total": _("total"), "grade": _("grade"),
             "distribution": _("distribution"), "rank": _("rank"), "flag": _("flag"), "subperiod": _("sub-period"),
             "kpi": _("KPI"), "pay": _("pay")}
    return words[kind].render() if kind in words else kind


def _status(status: str) -> str:
    return {"scored": _("scored"), "excluded": _("excluded"), "incomplete": _("incomplete")}[status].render()


@app.command()
@_guard
def explain(
    scheme: Annotated[str, typer.Argument(help="Preset id or scheme file.")],
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="Period file (YAML or JSON).")],
    subject_id: Annotated[str, typer.Argument(metavar="SUBJECT_ID")],
    param: ParamOption = None,
) -> None:
    """Show the full breakdown of one subject: every number with its reason."""
    s, evaluation = _evaluate(scheme, input_file, param)
    try:
        r = evaluation.result(subject_id)
    except KeyError:
        raise PerfcoreError(_("{file}: no subject {subject} (subjects: {subjects})", file=str(input_file),
                              subject=repr(subject_id), subjects=", ".join(x.id for x in evaluation.results))) from None
    out.print(f"[bold]{r.id} {r.name}[/bold] · {s.title} · {evaluation.period}"
              + (" · " + _("group {group}", group=r.group).render() if r.group else ""))
    table = Table(show_lines=False)
    for column, title in (("step", _("step")), ("code", _("code")), ("value", _("value")), ("reason", _("reason"))):
        table.add_column(title.render(), justify="right" if column == "value" else "left")
    for line in r.breakdown:
        table.add_row(_step(line.kind), line.code, show_number(line.value) if line.value is not None else "", line.reason)
    out.print(table)
    if r.status != "scored":
        out.print(_("status: {status} — {reason}", status=_status(r.status), reason=r.excluded_message).render())
    else:
        summary = _("total {total} · grade {grade} {label} · rank {rank} · flags {flags}",
                    total=fmt(r.total, 2) if r.total is not None else "—", grade=r.grade or "—",
                    label=r.grade_label or "", rank=r.rank or "—", flags=", ".join(r.flags) or _("none"))
        if r.pay:
            summary = _("{summary} · pay {amount}", summary=summary, amount=fmt(r.pay.amount, 2))
        out.print(summary.render())


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
