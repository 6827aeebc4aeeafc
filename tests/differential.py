"""Generated period inputs for the differential test: each preset's example, its subjects copied
many times with other scores, attributes, events and groups (seeded, so every run is the same).

Values stay inside what the scheme accepts, mostly: a few scores are dropped (incomplete
subjects, missing raters) so that every path of the engine is taken.
"""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from typing import Any

from perfcore.scheme import Scheme

__all__ = ["generate"]


def _number(rnd: random.Random, low: Decimal, high: Decimal, places: int = 1) -> str:
    if high < low:
        low, high = high, low
    scale = 10**places
    value = Decimal(rnd.randint(int(low * scale), int(high * scale))) / scale
    return str(value)


def _scale(scheme: Scheme, code: str) -> tuple[Decimal, Decimal]:
    indicator = scheme.indicator(code)
    if indicator is not None:
        return indicator.resolved_scale
    spec = next((i for i in scheme.inputs if i.code == code), None)
    low = spec.min if spec is not None and spec.min is not None else Decimal(0)
    high = spec.max if spec is not None and spec.max is not None else low + 10
    return low, high


def _perturb_scores(rnd: random.Random, scheme: Scheme, scores: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code, value in scores.items():
        low, high = _scale(scheme, code)
        whole = scheme.indicator(code) is None  # inputs are counts here: whole numbers
        places = 0 if whole else 1
        if isinstance(value, dict):
            raters: dict[str, Any] = {}
            for rater, given in value.items():
                if isinstance(given, list):
                    raters[rater] = [_number(rnd, low, high, places) for _ in range(rnd.randint(1, 4))]
                elif isinstance(given, dict):
                    raters[rater] = given  # a work sheet: statuses, kept
                else:
                    raters[rater] = _number(rnd, low, high, places)
            if len(raters) > 1 and rnd.random() < 0.05:  # a missing rater: re-weighted, or incomplete
                raters.pop(rnd.choice(sorted(raters)))
            out[code] = raters
        elif isinstance(value, list):
            out[code] = [_number(rnd, low, high, places) for _ in range(rnd.randint(1, 4))]
        else:
            out[code] = _number(rnd, low, high, places)
    if out and rnd.random() < 0.03:  # a missing score: incomplete
        out.pop(rnd.choice(sorted(out)))
    return out


def _events(rnd: random.Random, scheme: Scheme, events: list[dict[str, Any]], scope: str) -> list[dict[str, Any]]:
    out = [dict(e) for e in events if rnd.random() < 0.7]
    usable = [e for e in scheme.events if e.scope in (scope, "both") and (e.kind != "veto" or rnd.random() < 0.05)]
    for _ in range(rnd.randint(0, 2)):
        if not usable:
            break
        etype = rnd.choice(usable)
        entry: dict[str, Any] = {"code": etype.code, "count": rnd.randint(1, 3)}
        if etype.kind == "points" and etype.points is None:
            low, high = etype.range if etype.range else (Decimal(-5), Decimal(5))
            entry["points"] = _number(rnd, low, high, 0) if etype.range else str(rnd.randint(-5, 5) or 1)
        if etype.note_required or scheme.event_note_required:
            entry["note"] = "生成"
        out.append(entry)
    return out


def _attributes(rnd: random.Random, scheme: Scheme, attributes: dict[str, Any]) -> dict[str, Any]:
    out = dict(attributes)
    for spec in scheme.attributes:
        if spec.code not in out:
            continue
        if spec.type == "text" and spec.values:
            if rnd.random() < 0.15:  # text attributes often decide which scores a subject has: rarely changed
                out[spec.code] = rnd.choice(spec.values)
        elif spec.type == "number" and isinstance(out[spec.code], (int, str, Decimal)):
            try:
                base = Decimal(str(out[spec.code]))
            except ArithmeticError:
                continue
            low = spec.min if spec.min is not None else Decimal(0)
            high = spec.max if spec.max is not None else max(base * 2, low + 1)
            out[spec.code] = _number(rnd, max(low, base / 2), min(high, base * 2 if base else high), 0)
    return out


def generate(scheme: Scheme, example: dict[str, Any], count: int, seed: int = 11) -> dict[str, Any]:
    """``count`` subjects made from the example's, for the example's period and facts."""
    rnd = random.Random(f"{scheme.id}:{seed}")
    templates = example["subjects"]
    groups = sorted({s.get("group") for s in templates if s.get("group")}) or [None]
    subjects = []
    for index in range(count):
        template = copy.deepcopy(templates[index % len(templates)])
        subject: dict[str, Any] = dict(template)
        # the first copy keeps its id: facts (allocations) name the example's subjects
        subject["id"] = template["id"] if index < len(templates) else f"{template['id']}-{index:05d}"
        if template.get("group") is not None:
            subject["group"] = rnd.choice(groups)
        if "attributes" in template:
            subject["attributes"] = _attributes(rnd, scheme, template["attributes"])
        if "scores" in template:
            subject["scores"] = _perturb_scores(rnd, scheme, template["scores"])
        subject["events"] = _events(rnd, scheme, template.get("events", []), "period")
        if template.get("subperiods"):
            subject["subperiods"] = [{**sub, "scores": _perturb_scores(rnd, scheme, sub.get("scores", {})),
                                      "events": _events(rnd, scheme, sub.get("events", []), "subperiod")}
                                     for sub in template["subperiods"]]
        subjects.append(subject)
    return {**example, "subjects": subjects}
