"""Money helpers: exact splits of a pool into cents.

``split_cents`` uses the largest-remainder rule on cents, so the parts always sum
exactly to the pool.  Tie rule: among equal remainders, the cent goes to the part
listed first (callers list subjects by id, so the smaller id wins).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from .decimals import CENT, ZERO, engine_context, round_money
from .i18n import _

__all__ = ["installments", "split_cents"]


def split_cents(pool: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``pool`` (rounded to cents) by ``weights``; parts sum exactly to the pool.

    >>> split_cents(Decimal("100"), [Decimal(1)] * 3)
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
    """
    pool = round_money(pool)
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError(_('negative weight in {value}', value=list(weights)))
    total_weight = sum(weights, ZERO)
    if total_weight == 0:
        raise ValueError(_('weights sum to zero: nothing to split by'))
    cents = int(pool / CENT)
    with engine_context():
        exact = [Decimal(cents) * w / total_weight for w in weights]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
    spare = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in order[:spare]:
        floors[index] += 1
    return [Decimal(c) * CENT for c in floors]


def installments(amount: Decimal, count: int) -> list[Decimal]:
    """``count`` equal installments rounded half-up; the last one absorbs the rounding."""
    if count < 1:
        raise ValueError(_('installment count must be at least 1, got {count}', count=count))
    amount = round_money(amount)
    with engine_context():
        each = round_money(amount / count)
    parts = [each] * (count - 1)
    return parts + [amount - sum(parts, ZERO)]
