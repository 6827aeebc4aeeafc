"""Forced distribution (强制分布): Hamilton quota counts, ``forced`` and ``cap`` modes."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .decimals import ONE_HUNDRED, engine_context
from .i18n import _

__all__ = ["assign_cap", "assign_forced", "hamilton_counts"]


def hamilton_counts(size: int, percents: Sequence[Decimal]) -> list[int]:
    """Largest-remainder (Hamilton) counts of ``size`` by ``percents`` (summing to 100).

    Remainder ties go to the grade listed first.

    >>> hamilton_counts(4, [Decimal(30), Decimal(50), Decimal(20)])
    [1, 2, 1]
    """
    if size < 0:
        raise ValueError(_('group size is negative: {size}', size=size))
    with engine_context():
        quotas = [Decimal(size) * p / ONE_HUNDRED for p in percents]
    counts = [int(q) for q in quotas]  # floor: quotas are never negative
    missing = size - sum(counts)
    order = sorted(range(len(percents)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for index in order[:missing]:
        counts[index] += 1
    return counts


def assign_forced(ranked: int, grades: Sequence[str], counts: Sequence[int]) -> list[str]:
    """Grades for ``ranked`` subjects in rank order, purely by rank and quota counts."""
    out: list[str] = []
    for grade, count in zip(grades, counts):
        out.extend([grade] * count)
    return out[:ranked]


def assign_cap(band_grades: Sequence[str | None], grades: Sequence[str], counts: Sequence[int]) -> list[str | None]:
    """Cap mode, subjects given in rank order with their band grades.

    A quota'd grade may hold at most its count; a subject over it drops to the next
    grade that still has room; the last quota grade is unlimited; grades outside the
    quota list (e.g. fail) are kept as the bands gave them.
    """
    room = list(counts)
    index_of = {grade: i for i, grade in enumerate(grades)}
    last = len(grades) - 1
    out: list[str | None] = []
    for band in band_grades:
        position = index_of.get(band) if band is not None else None
        if position is None:
            out.append(band)
            continue
        while position < last and room[position] <= 0:
            position += 1
        if position < last:
            room[position] -= 1
        out.append(grades[position])
    return out
