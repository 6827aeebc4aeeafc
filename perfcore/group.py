"""Group: ranks within each group, forced or capped distribution of the grades (强制分布),
ranking flags and the scheme's flag rules.

The fourth stage of the engine (compile → bind → score → group → pay).
"""

from __future__ import annotations

from collections import defaultdict
from operator import attrgetter
from typing import Any

from .decimals import ZERO
from .decimals import show as fmt
from .distribution import assign_cap, assign_forced, hamilton_counts
from .formula import FormulaError
from .i18n import _, named, scheme_text
from .plan import Plan
from .result import SubjectResult
from .score import result_names

_KEY = attrgetter("_key")
_ID = attrgetter("id")

__all__ = ["flag_rules", "group_stage"]


def _rank_key(c: Plan, result: SubjectResult) -> tuple[Any, ...]:
    """The exact total, then the scheme's tie-break indicators: sorted highest first, and equal keys
    by id (the sort by id comes first; Python's sort is stable)."""
    assert result.total_exact is not None
    ties = c.tie_break
    if not ties:
        return (result.total_exact,)
    get = result.indicators.get
    return (result.total_exact, *(get(code, ZERO) for code in ties))


def _rank_sort(members: list[SubjectResult]) -> None:
    """Rank order: higher exact total first, then higher tie-break values, then the id."""
    members.sort(key=_ID)
    members.sort(key=_KEY, reverse=True)


def _groups(results: list[SubjectResult], scope: str) -> dict[str | None, list[SubjectResult]]:
    groups: dict[str | None, list[SubjectResult]] = defaultdict(list)
    if scope == "group":
        for result in results:
            groups[result.group].append(result)
    elif results:
        groups[None] = list(results)
    return groups


def _grade(code: str | None, labels: dict[str, str]) -> Any:
    return named(code, labels.get(code)) if code else str(code)


def _where(group: str | None) -> Any:
    return _("group {group}", group=group) if group is not None else _("all subjects")


def group_stage(c: Plan, results: list[SubjectResult], distribute: bool = True) -> None:
    scheme = c.scheme
    ranked = [r for r in results if r.status == "scored" and r.total_exact is not None]
    for result in [r for r in ranked if r._key is None]:  # one key per subject (the kernel made its own)
        result._key = _rank_key(c, result)
    key = _rank_sort
    ranking_scope = scheme.ranking.scope if scheme.ranking else "group"
    by_group = _groups(ranked, ranking_scope)
    for group, members in by_group.items():
        _rank_sort(members)
        size = len(members)
        if members[0]._breakdown is None:  # not traced (a run is traced all or nothing)
            for position, result in enumerate(members, 1):
                result.rank = position
            continue
        for position, result in enumerate(members, 1):
            result.rank = position
            result.add("rank", str(position), result.total_exact,
                       _("rank {position} of {size} in {where}", position=position, size=size, where=_where(group)))
    if scheme.distribution and distribute:
        spec = scheme.distribution
        if spec.scope == ranking_scope and not any(r.vetoed for r in ranked):
            _distribute(c, by_group, key, presorted=True)  # the same groups, already in rank order
        else:
            _distribute(c, _groups([r for r in ranked if not r.vetoed], spec.scope), key)
    if scheme.ranking:
        for group, members in by_group.items():
            for flag in scheme.ranking.flags:
                pool = members
                if flag.among:
                    among = c.formula(flag.among)
                    pool = [m for m in members if among.run(result_names(c, m))]
                chosen = pool[:flag.top] if flag.top else pool[-flag.bottom:] if flag.bottom else []
                where = _("top {count}", count=flag.top) if flag.top else _("bottom {count}", count=flag.bottom)
                for member in chosen:
                    if flag.among:
                        reason = _("{where} among those with {among} (rank {rank} of {size})", where=where,
                                   among=flag.among, rank=member.rank, size=len(members))
                    else:
                        reason = _("{where} (rank {rank} of {size})", where=where, rank=member.rank, size=len(members))
                    member.flag(flag.flag, reason)
    for result in ranked:  # the keys served their sorts: not kept (three Decimals and a tuple each)
        result._key = None


def _distribute(c: Plan, groups: dict[str | None, list[SubjectResult]], key: Any, presorted: bool = False) -> None:
    spec = c.scheme.distribution
    assert spec is not None
    grades = [q.grade for q in spec.quotas]
    percents = [q.percent for q in spec.quotas]
    labels = c.grade_labels
    counts_of: dict[int, list[int]] = {}  # groups of the same size get the same quota counts
    for group, members in groups.items():
        if not presorted:
            key(members)
        counts = counts_of.get(len(members))
        if counts is None:
            counts = counts_of[len(members)] = hamilton_counts(len(members), percents)
        if spec.mode == "forced":
            assigned: list[str | None] = list(assign_forced(len(members), grades, counts))
        else:
            assigned = assign_cap([m.band_grade for m in members], grades, counts)
        traced = members[0]._breakdown is not None
        quota_text = [_("{grade} {count}", grade=named(g, labels.get(g)), count=n) for g, n in zip(grades, counts)] \
            if traced else ""
        for position, (member, grade) in enumerate(zip(members, assigned)):
            if traced:
                if spec.mode == "forced":
                    reason = _("forced distribution in {where} of {size} (quotas {quotas}): position {position} → {grade}",
                               where=_where(group), size=len(members), quotas=quota_text, position=position + 1,
                               grade=_grade(grade, labels))
                elif grade != member.band_grade:
                    reason = _("cap distribution in {where} (quotas {quotas}): {band} is full, moved to {grade}",
                               where=_where(group), quotas=quota_text, band=_grade(member.band_grade, labels),
                               grade=_grade(grade, labels))
                else:
                    reason = _("cap distribution in {where} (quotas {quotas}): keeps {grade}", where=_where(group),
                               quotas=quota_text, grade=_grade(grade, labels))
                member.add("distribution", grade or "", member.total, reason)
            member.grade = grade
            member.grade_label = labels.get(grade) if grade else None
        forced = spec.mode == "forced"
        for here, after, upper, lower in zip(members, members[1:], assigned, assigned[1:]):
            if upper != lower and (forced or after.band_grade != lower) and here.total_exact == after.total_exact:
                for member in (here, after):
                    member.flag("tie_at_boundary", _(
                        "equal exact total {total} with {other} across the {upper}/{lower} quota boundary; order set "
                        "by tie-break", total=fmt(here.total_exact), other=(after if member is here else here).id,
                        upper=str(upper), lower=str(lower)))


def flag_rules(c: Plan, result: SubjectResult, base: dict[str, Any]) -> None:
    """The scheme's flag rules over what the scorer knew (``base``: a copy is used) and the results."""
    if not c.scheme.flag_rules or result.status != "scored":
        return
    names = dict(base)
    names.update(result_names(c, result))
    names["group_size"] = None
    for rule in c.scheme.flag_rules:
        try:
            hit = c.formula(rule.when).run(names)
        except FormulaError as exc:
            result.add("flag", rule.flag, None, _("rule not evaluated: {error}", error=exc.message))
            continue
        if hit:
            result.flag(rule.flag, scheme_text(rule.reason) if rule.reason else rule.when)
