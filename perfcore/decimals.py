"""Decimal helpers: the one constructor ``D()`` and the explicit rounding rules.

Scores and money are :class:`decimal.Decimal` end to end.  A float reaching the
library is a bug in the caller (``0.1`` is not one tenth), so ``D`` refuses it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any
from .i18n import _

__all__ = [
    "CENT",
    "D",
    "ENGINE_CONTEXT",
    "MAX_MAGNITUDE",
    "ONE_HUNDRED",
    "ZERO",
    "engine_context",
    "fmt",
    "round_money",
    "round_score",
    "show",
]

#: Intermediate results (means, shares) carry 40 significant digits; rounding
#: happens only at the totals and at each money component (once each).
ENGINE_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN)
CENT = Decimal("0.01")
#: Every number perfcore reads or computes stays below ±10^15 (a quadrillion yuan or points):
#: far beyond any real score or pay, and well inside the 40 digits of the engine's context,
#: so rounding to cents can never overflow.
MAX_MAGNITUDE = Decimal("1e15")
ZERO = Decimal(0)
ONE_HUNDRED = Decimal(100)


def D(value: Any) -> Decimal:  # noqa: N802 - the conventional short name, as in beancount
    """Return ``value`` as a Decimal.  Accepts Decimal, int and numeric strings.

    >>> D("0.1") + D("0.2")
    Decimal('0.3')

    Floats and booleans are refused with :class:`TypeError`: their value is not
    the one written in the source document.  NaN, infinities and numbers of
    :data:`MAX_MAGNITUDE` or more are refused with :class:`ValueError`.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError(_('a boolean is not a number: {value}', value=repr(value)))
    elif isinstance(value, int):
        if -MAX_INT < value < MAX_INT:
            return Decimal(value)
        raise ValueError(_('number too large: {value} (numbers must lie strictly within ±10^15)', value=_short(value)))
    elif isinstance(value, float):
        raise TypeError(_('floats are not accepted, write the number as text or Decimal: {value}', value=repr(value)))
    elif isinstance(value, str):
        text = value.strip().replace(",", "") if "," in value else value.strip()
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(_('not a number: {value}', value=_short(value))) from None
    else:
        raise TypeError(_('not a number: {value}', value=_short(value)))
    if not result.is_finite():
        raise ValueError(_('not a finite number: {value}', value=_short(value)))
    if result and result.adjusted() >= 15:
        raise ValueError(_('number too large: {value} (numbers must lie strictly within ±10^15)', value=_short(value)))
    return result


MAX_INT = 10**15


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, Decimal) else f"Decimal('{value}')"
    return text if len(text) <= 60 else text[:57] + "..."


def round_score(value: Decimal) -> Decimal:
    """Round a total to 2 decimals, ROUND_HALF_UP (as every total is rounded)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_money(value: Decimal) -> Decimal:
    """Round a money component to 0.01 yuan, ROUND_HALF_UP, once per component."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def engine_context() -> Any:
    """Context manager giving the engine's precision to a block of arithmetic."""
    return localcontext(ENGINE_CONTEXT)


def fmt(value: Decimal | None, places: int | None = None) -> str | None:
    """Plain decimal text without exponent; ``places`` rounds half-up for display."""
    if value is None:
        return None
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return format(value, "f")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def show(value: Decimal | None, places: int | None = None, grouped: bool = False) -> str:
    """Text for a human reason: exact when short, else ``≈`` and 4 decimals.  ``grouped``: thousands
    separated as money is read (奖金基数 1,000 = 1,837.80), for formulas and pay."""
    if value is None:
        return "—"
    if places is not None:
        text = fmt(value, places) or ""
        return _grouped(text) if grouped else text
    text = format(value, "f")
    dot = text.find(".")
    if dot >= 0:
        text = text.rstrip("0")  # 1317.4000 (a product's scale) is exact, not ≈
        if len(text) - dot - 1 > 4:
            text = (fmt(value, 4) or "").rstrip("0").rstrip(".")
            return "≈" + (_grouped(text) if grouped else text)
        text = text.rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return _grouped(text) if grouped else text


def _grouped(text: str) -> str:
    """``-1234567.5`` → ``-1,234,567.5``: commas in the integer part only."""
    sign = "-" if text.startswith("-") else ""
    whole, dot, fraction = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}{dot}{fraction}" if whole.isdigit() else text
