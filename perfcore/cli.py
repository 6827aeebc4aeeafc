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
from .period import parse_period_input
from .presets import preset_ids, resolve_scheme
from .result import Evaluation
from .scheme import Indicator, Scheme, parse_scheme
from .yamlio import PERIOD_MAX_BYTES, SCHEME_MAX_BYTES, load_document

__all__ = ["app", "main"]

app = typer.Typer(help="Performance appraisal schemes (绩效考核) and pay linkage, exact to the cent.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
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
                    err.print(f"error: {problem}", markup=False, highlight=False)
                err.print(f"{len(problems)} problem(s) found.", markup=False)
            else:
                err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # an internal error: say so, briefly, and exit 1
            err.print(f"internal error: {type(exc).__name__}: {exc}", markup=False, highlight=False)
            err.print("please report this with the files you used.", markup=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _params(values: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise PerfcoreError(f"--param expects NAME=VALUE, got {item!r}")
        params[name.strip()] = value.strip()
    return params


ParamOption = Annotated[list[str] | None, typer.Option("--param", "-p", help="Override a scheme parameter: NAME=VALUE.")]


@app.command()
@_guard
def schemes() -> None:
    """List the shipped presets."""
    table = Table(title="perfcore presets")
    for column in ("id", "title", "seed", "subject", "period"):
        table.add_column(column)
    for scheme_id in preset_ids():
        scheme = resolve_scheme(scheme_id)
        table.add_row(scheme.id, scheme.title, scheme.seed, scheme.subject, ", ".join(scheme.periods))
    out.print(table)


@app.command()
@_guard
def show(scheme: Annotated[str, typer.Argument(help="Preset id or scheme file.")], param: ParamOption = None) -> None:
    """Describe a preset or scheme file: indicators, raters, events, grades, quotas, parameters."""
    s = resolve_scheme(scheme, _params(param))
    out.print(f"[bold]{s.title}[/bold]  ({s.id}; seed {s.seed}; subject {s.subject}; periods {', '.join(s.periods)})")
    if s.description:
        out.print(s.description.strip())
    if s.parameters:
        table = Table(title="parameters ((A) = assumption of SCHEMES.md, editable)")
        for column in ("name", "value", "(A)", "source"):
            table.add_column(column)
        for name, p in s.parameters.items():
            table.add_row(name, _text(p.value), "(A)" if p.assumption else "", p.source)
        out.print(table)
    if s.attributes:
        out.print("attributes: " + ", ".join(f"{a.code} ({a.type}{': ' + '/'.join(a.values) if a.values else ''})"
                                             for a in s.attributes))
    for rule in s.eligibility:
        out.print(f"excluded when {rule.attribute} {rule.op} {_text(rule.value)}: {rule.reason}")
    if s.raters:
        out.print("raters: " + ", ".join(f"{r.code} {_text(r.weight)}%" for r in s.raters))
    tree = Tree("indicators" + (f" (total = {s.direct_total} when given)" if s.direct_total else ""))
    for indicator in s.indicators:
        _indicator_tree(s, tree, indicator)
    out.print(tree)
    if s.subperiods:
        sub = Tree(f"sub-periods ({s.subperiods.kind})")
        for indicator in s.subperiods.indicators:
            _indicator_tree(s, sub, indicator)
        out.print(sub)
    if s.events:
        table = Table(title="events (加减分)")
        for column in ("code", "name", "kind", "points", "level", "cap", "note"):
            table.add_column(column)
        for e in s.events:
            points = (fmt(e.points) if e.points is not None else
                      f"{fmt(e.range[0])}..{fmt(e.range[1])}" if e.range else
                      f"¥{fmt(e.amount)}" if e.amount is not None else
                      f"{fmt(e.percent)}%" if e.percent is not None else "explicit")
            table.add_row(e.code, e.name, e.kind, points, e.indicator or e.level,
                          fmt(e.cap) or "", "required" if e.note_required or s.event_note_required else "")
        out.print(table)
    if s.grades:
        out.print("grades: " + "; ".join(
            f"{g.code} {g.label} " + (f"≥ {fmt(g.min)}" if g.min is not None else f"when {g.when}" if g.when else "otherwise")
            for g in s.grades) + (f"; veto → {s.veto_grade}" if s.veto_grade else ""))
    for cap in s.grade_caps:
        out.print(f"grade at most {cap.grade} when {cap.when}")
    if s.distribution:
        d = s.distribution
        out.print(f"distribution ({d.mode}, per {d.scope}): " + ", ".join(f"{q.grade} {fmt(q.percent)}%" for q in d.quotas))
    if s.tie_break:
        out.print("tie-break: " + ", ".join(s.tie_break))
    if s.ranking:
        for flag in s.ranking.flags:
            where = f"top {flag.top}" if flag.top else f"bottom {flag.bottom}"
            out.print(f"ranking ({s.ranking.scope}): {where}{' among ' + flag.among if flag.among else ''} → {flag.flag}")
    for rule in s.flag_rules:
        out.print(f"flag {rule.flag} when {rule.when}")


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
        parts.append(f"max {fmt(indicator.max)}")
    parts.append(f"scale {fmt(low)}..{fmt(high)}")
    if indicator.resolved_source != "given":
        parts.append(f"source {indicator.resolved_source}")
    if indicator.formula:
        parts.append(f"= {indicator.formula}")
    roles = s.raters_of(indicator)
    if roles and indicator.resolved_source in ("given", "given_or_items", "given_or_formula"):
        parts.append("raters " + ", ".join(f"{r.code} {_text(r.weight)}" + ("%" if not isinstance(r.weight, str) else "")
                                           + (f" (mean of {'/'.join(r.pool)})" if r.pool else "") for r in roles))
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
            raise PerfcoreError(f"{file}: a period file needs --scheme or a `scheme:` key to be checked")
        s = resolve_scheme(str(name))
        evaluation = evaluate(s, document)
        out.print(f"{file}: valid period input for scheme {s.id} ({len(evaluation.results)} subjects)")
    else:
        if file.stat().st_size > SCHEME_MAX_BYTES:
            load_document(file)  # refused with the scheme limit in its message
        s = parse_scheme(document)
        out.print(f"{file}: valid scheme {s.id} ({s.title})")


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
                                      f"subject {r.id!r} cannot be scored: {r.excluded_reason}", file=str(input_file))
                              for r in incomplete])
    if format is Format.json:
        text = json.dumps(evaluation.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif format is Format.csv:
        text = _csv(evaluation)
    else:
        if output is not None:
            raise PerfcoreError("--output needs --format json or csv")
        _table(s, evaluation)
        return
    if output is None:
        sys.stdout.write(text)
    else:
        _write_atomically(output, text)
        err.print(f"wrote {len(evaluation.results)} results to {output}", markup=False)


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
                     "rank", "flags", "pay_amount"])
    for r in evaluation.results:
        writer.writerow([r.id, r.name, r.group or "", r.status, r.excluded_reason or "",
                         fmt(r.total, 2) if r.total is not None else "", r.grade or "", r.grade_label or "",
                         r.rank or "", ";".join(r.flags), fmt(r.pay.amount, 2) if r.pay else ""])
    return buffer.getvalue()


def _table(s: Scheme, evaluation: Evaluation) -> None:
    table = Table(title=f"{s.title} · {evaluation.period}")
    for column in ("id", "name", "group", "total", "grade", "rank", "flags", "pay"):
        table.add_column(column, justify="right" if column in ("total", "rank", "pay") else "left")
    for r in evaluation.results:
        if r.status != "scored":
            table.add_row(r.id, r.name, r.group or "", "—", f"[dim]{r.status}: {r.excluded_reason}[/dim]", "", "", "")
            continue
        table.add_row(r.id, r.name, r.group or "", fmt(r.total, 2) if r.total is not None else "—",
                      f"{r.grade or ''} {r.grade_label or ''}".strip(), str(r.rank or ""), ", ".join(r.flags),
                      fmt(r.pay.amount, 2) if r.pay else "")
    out.print(table)
    for warning in evaluation.warnings:
        err.print(f"warning: {warning}", markup=False)


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
        raise PerfcoreError(f"{input_file}: no subject {subject_id!r} "
                            f"(subjects: {', '.join(x.id for x in evaluation.results)})") from None
    out.print(f"[bold]{r.id} {r.name}[/bold] · {s.title} · {evaluation.period}" + (f" · group {r.group}" if r.group else ""))
    table = Table(show_lines=False)
    for column in ("step", "code", "value", "reason"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for line in r.breakdown:
        table.add_row(line.kind, line.code, show_number(line.value) if line.value is not None else "", line.reason)
    out.print(table)
    if r.status != "scored":
        out.print(f"status: {r.status} — {r.excluded_reason}")
    else:
        out.print(f"total {fmt(r.total, 2) if r.total is not None else '—'} · grade {r.grade or '—'} "
                  f"{r.grade_label or ''} · rank {r.rank or '—'} · flags {', '.join(r.flags) or 'none'}"
                  + (f" · pay {fmt(r.pay.amount, 2)}" if r.pay else ""))


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
