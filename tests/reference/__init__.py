"""The engine as it was before the fast path (perfcore 0.x, frozen): the reference the
differential test compares every result against — totals, grades, ranks, flags, pay and the
breakdown text.  Not shipped; never edited except to follow renamed imports."""

from .engine import evaluate

__all__ = ["evaluate"]
