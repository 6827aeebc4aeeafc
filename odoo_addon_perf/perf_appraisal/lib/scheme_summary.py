"""The scheme summary a person reads: indicators with their formulas and raters, inputs,
attributes, events, grades, quotas, pay (tables, variables, components) and parameters — every
code shown with the scheme's label, headers in the user's language.  All text is escaped: a
scheme is data an administrator uploads."""

from html import escape

import perfcore
from perfcore.decimals import fmt

__all__ = ["PERIOD_KINDS", "period_kinds_label", "summary_html"]

PERIOD_KINDS = ("week", "month", "quarter", "half_year", "year")


def _period_words(env):
    return {"week": env._("week"), "month": env._("month"), "quarter": env._("quarter"),
            "half_year": env._("half year"), "year": env._("year")}


def period_kinds_label(env, kinds):
    words = _period_words(env)
    return "、".join(words.get(kind, kind) for kind in kinds)


def _source_words(env):
    return {"given": env._("entered by the raters"), "items": env._("from its items"),
            "given_or_items": env._("entered, or from its items"), "formula": env._("by formula"),
            "given_or_formula": env._("entered, or by formula"), "full": env._("full marks"),
            "subperiod_mean": env._("mean of the sub-periods")}


def _num(value):
    return fmt(value) if value is not None and not isinstance(value, str) else (value or "")


def _table(headers, rows):
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table class='table table-sm o_perf_summary'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _named(name, code):
    """'护理质量 <code>quality</code>' — the label first, the code small for those who write formulas."""
    if name and name != code:
        return f"{escape(name)} <small class='text-muted'>{escape(code)}</small>"
    return escape(code)


def _formula(env, scheme, text):
    """A formula as HR reads it — the scheme's names for its terms, × and ÷ (max(0, 100 − 每例不合格扣分 ×
    护理部专项检查不合格例数)) — with the written formula below it for whoever edits the scheme."""
    if not text:
        return ""
    written = f"<code>{escape(text)}</code>"
    try:
        explained = perfcore.compile_formula(text).explain({}, scheme.term_names())
    except (perfcore.FormulaError, SyntaxError, ValueError):
        return written
    named = perfcore.Message("{formula}", {"formula": explained}).render(env.lang or "en")
    if named.replace(" ", "") == text.replace(" ", ""):
        return written
    return f"{escape(named)}<br/><small class='text-muted'>{written}</small>"


def summary_html(env, s):
    """The digest of a parsed perfcore scheme ``s``, for the scheme form."""
    parts = []
    # the description is the form's own field, above the summary: not repeated here
    facts = [(env._("Appraises"), env._("departments") if s.subject == "unit" else env._("employees")),
             (env._("Periods"), period_kinds_label(env, s.periods))]
    if s.seed:
        facts.append((env._("Source document"), s.seed))
    parts.append("<p>" + " · ".join(f"<b>{escape(k)}:</b> {escape(v)}" for k, v in facts) + "</p>")

    sources = _source_words(env)
    rows = []

    def walk(indicators, depth):
        for i in indicators:
            share = f"{fmt(i.weight)}%" if i.weight is not None else (
                env._("max %s", fmt(i.max)) if i.max is not None else "")
            low, high = i.resolved_scale
            raters = "、".join(
                f"{escape(r.name or r.code)} {escape(r.weight if isinstance(r.weight, str) else fmt(r.weight) + '%')}"
                + (f" ({escape('、'.join(r.pool_names.get(m) or m for m in r.pool))})" if r.pool else "")
                for r in s.raters_of(i)) if i.resolved_source in ("given", "given_or_items", "given_or_formula") else ""
            rows.append([f"<span style='padding-left:{depth * 16}px'>{_named(i.name, i.code)}</span>",
                         escape(share), escape(f"{fmt(low)}–{fmt(high)}"),
                         escape(sources.get(i.resolved_source, i.resolved_source)), _formula(env, s, i.formula), raters])
            walk(i.items, depth + 1)

    walk(s.indicators, 0)
    if rows:
        parts.append("<h5>" + escape(env._("Indicators")) + "</h5>")
        parts.append(_table([env._("Indicator"), env._("Weight"), env._("Scale"), env._("Scored"), env._("Formula"), env._("Raters")], rows))
    if s.subperiods:
        rows = []
        walk(s.subperiods.indicators, 0)
        words = _period_words(env)
        parts.append("<h5>" + escape(env._("Scored each %s", words.get(s.subperiods.kind, s.subperiods.kind))) + "</h5>")
        parts.append(_table([env._("Indicator"), env._("Weight"), env._("Scale"), env._("Scored"), env._("Formula"), env._("Raters")], rows))
    if s.variables:
        parts.append("<h5>" + escape(env._("Variables")) + "</h5>")
        parts.append(_table([env._("Name"), env._("Formula")], [[escape(k), _formula(env, s, v)] for k, v in s.variables.items()]))
    if s.inputs:
        parts.append("<h5>" + escape(env._("Inputs")) + "</h5>")
        parts.append(_table([env._("Input"), env._("Range"), env._("Default")], [
            [_named(i.name, i.code), escape(_bounds(i.min, i.max)), escape(_num(i.default))] for i in s.inputs]))
    if s.attributes:
        parts.append("<h5>" + escape(env._("Attributes")) + "</h5>")
        parts.append(_table([env._("Attribute"), env._("Type"), env._("Required"), env._("Values")], [
            [_named(a.name, a.code), escape(_type_word(env, a.type)), escape(env._("yes") if a.required else ""),
             escape("、".join(a.labels.get(v, v) for v in a.values or []) or _bounds(a.min, a.max))]
            for a in s.attributes]))
    if s.eligibility:
        parts.append("<h5>" + escape(env._("Who is appraised")) + "</h5><ul>"
                     + "".join(f"<li>{escape(r.reason)}</li>" for r in s.eligibility) + "</ul>")
    if s.events:
        parts.append("<h5>" + escape(env._("Events (加减分)")) + "</h5>")
        parts.append(_table([env._("Event"), env._("Points"), env._("Reason required")], [
            [_named(e.name, e.code), escape(_event_points(env, e)),
             escape(env._("yes") if e.note_required or s.event_note_required else "")] for e in s.events]))
    if s.grades:
        quotas = {q.grade: q.percent for q in s.distribution.quotas} if s.distribution else {}
        parts.append("<h5>" + escape(env._("Grades")) + "</h5>")
        parts.append(_table([env._("Grade"), env._("Band or condition"), env._("Quota")], [
            [_named(g.label, g.code), escape(env._("total ≥ %s", fmt(g.min))) if g.min is not None else _formula(env, s, g.when),
             escape(f"{fmt(quotas[g.code])}%" if g.code in quotas else "")] for g in s.grades]))
        if s.distribution:
            mode = env._("exactly these shares") if s.distribution.mode == "forced" else env._("at most these shares")
            scope = env._("per group") if s.distribution.scope == "group" else env._("over everyone")
            parts.append("<p><b>" + escape(env._("Distribution")) + f":</b> {escape(mode)}, {escape(scope)}</p>")
        if s.grade_caps:
            parts.append("<ul>" + "".join(
                f"<li>{escape(c.reason or c.when)} → {escape(_grade_label(s, c.grade))}</li>" for c in s.grade_caps)
                + "</ul>")
    if s.flag_rules or s.cross_period:
        parts.append("<h5>" + escape(env._("Flags")) + "</h5><ul>" + "".join(
            f"<li>{escape(r.reason or r.flag)}</li>" for r in [*s.flag_rules, *s.cross_period]) + "</ul>")
    if s.pay:
        parts.append(_pay_html(env, s))
    if s.parameters:
        parts.append("<h5>" + escape(env._("Parameters")) + "</h5>")
        parts.append(_table([env._("Parameter"), env._("Value"), env._("Source")], [
            [_named(p.name or p.description, name), escape(_param_text(p.value, _value_words(env))) + (" <i>(A)</i>" if p.assumption else ""),
             escape(p.source)] for name, p in s.parameters.items()]))
    return "".join(parts)


def _pay_html(env, s):
    pay = s.pay
    parts = ["<h5>" + escape(env._("Pay")) + "</h5>"]
    for name, table in pay.tables.items():
        parts.append(f"<p><b>{escape(pay.names.get(name) or name)}</b></p>")
        parts.append(_table([env._("Key"), env._("Value")], [[escape(_key_label(s, key)), escape(fmt(value))]
                                                     for key, value in table.items()]))
    if pay.variables:
        parts.append(_table([env._("Name"), env._("Formula")], [[escape(k), _formula(env, s, v)] for k, v in pay.variables.items()]))
    rows = []
    for c in pay.components:
        how = _formula(env, s, c.formula) if c.formula else (
            escape(env._("pool %(pool)s shared by %(weight)s", pool=c.split.pool, weight=c.split.weight)) if c.split else "")
        rows.append([_named(c.name, c.code), how, _formula(env, s, c.when),
                     escape(period_kinds_label(env, c.periods)) if c.periods else ""])
    if rows:
        parts.append(_table([env._("Component"), env._("Amount"), env._("Only when"), env._("Periods")], rows))
    if pay.year_end_pools:
        parts.append("<p>" + escape(env._("Year-end pools: contracts, consulting and profit commission.")) + "</p>")
    parts.append("<p class='text-muted'>" + escape(env._("Each component is rounded once, half up, to 0.01.")) + "</p>")
    return "".join(parts)


def _grade_label(s, code):
    grade = s.grade(code)
    return grade.label or code if grade else code


def _key_label(s, key):
    """A pay table key read as a grade label or an attribute value's label, where one exists."""
    grade = s.grade(key)
    if grade is not None and grade.label:
        return f"{grade.label} ({key})"
    for attribute in s.attributes:
        if key in attribute.labels:
            return f"{attribute.labels[key]} ({key})"
    return key


def _bounds(low, high):
    if low is not None and high is not None:
        return f"{fmt(low)}–{fmt(high)}"
    if low is not None:
        return f"≥ {fmt(low)}"
    return f"≤ {fmt(high)}" if high is not None else ""


def _type_word(env, kind):
    return {"number": env._("number"), "text": env._("text"), "bool": env._("yes/no"),
            "list": env._("list")}.get(kind, kind)


def _event_points(env, e):
    if e.kind == "veto":
        return env._("veto (一票否决)")
    if e.points is not None:
        return ("+" if e.points > 0 else "") + fmt(e.points)
    if e.range is not None:
        return f"{fmt(e.range[0])} … {fmt(e.range[1])}"
    if e.amount is not None:
        return env._("¥%s fine", fmt(e.amount))
    if e.percent is not None:
        return env._("%s%% of the pay", fmt(e.percent))
    return env._("points given")


def _value_words(env):
    """The coded text values perfcore's presets give parameters, as HR reads them."""
    return {"absolute": env._("absolute (on one's own score)"),
            "relative": env._("relative (score ÷ the group's mean)"),
            "score_over_department_sum": env._("score ÷ the department's total")}


def _param_text(value, words=None):
    words = words or {}
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "quantize"):
        return fmt(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_param_text(v, words)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_param_text(v, words) for v in value)
    return "" if value is None else words.get(value, str(value))
