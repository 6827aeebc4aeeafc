"""A perfcore result → the values an appraisal stores.

What the appraisal keeps of a result: its total (exact, as text, and as a number to sort and
group by), grades, rank, flags, payable amount and the result itself as JSON (reasons as message
data: each reader renders them in her own language). When the scheme's pay reads a wage, the pay
lives in the pay result only (``confidential``)."""

from __future__ import annotations

import json
from typing import Any

from perfcore.decimals import fmt

__all__ = ["REFUSED_VALUES", "refused_values", "result_values"]

#: An appraisal perfcore refused (its own input has problems): nothing of a result is kept.
REFUSED_VALUES: dict[str, Any] = {
    "status": "incomplete", "total": 0.0, "total_exact": False, "grade": False, "grade_label": False,
    "band_grade": False, "rank": 0, "flags": False, "pay_amount": 0.0, "result_json": False, "results_stale": False}


def refused_values(reason: str) -> dict[str, Any]:
    """The values of an appraisal perfcore refused, with the reason (perfcore's words)."""
    return {**REFUSED_VALUES, "status_reason": reason}


def result_values(result, confidential: bool = False) -> dict[str, Any]:
    """The appraisal's values of ``result`` (a :class:`perfcore.SubjectResult`)."""
    stored = result.to_dict(messages=True, reasons=False)
    if confidential:  # pay reads a wage: it lives in the pay result only
        stored["breakdown"] = [line for line in stored["breakdown"] if line["kind"] != "pay"]
        stored["pay"] = None
    return {
        "total": float(result.total) if result.total is not None else 0.0,
        "total_exact": fmt(result.total_exact) or False, "grade": result.grade or False,
        "grade_label": result.grade_label or False, "band_grade": result.band_grade or False,
        "rank": result.rank or 0, "flags": ",".join(result.flags) or False,
        "pay_amount": float(result.pay.amount) if result.pay and not confidential else 0.0,
        "result_json": json.dumps(stored, ensure_ascii=False, separators=(",", ":")),
        "status": result.status, "status_reason": result.excluded_reason or False, "results_stale": False,
    }
