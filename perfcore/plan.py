"""Compile: a scheme becomes a plan once — formulas compiled to Python functions, indicator
trees, rater roles, events and grades resolved into look-ups the scoring loop reads directly.

The first stage of the engine (compile → bind → score → group → pay).
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from .formula import Formula, compile_formula
from .scheme import Attribute, EventType, Indicator, InputSpec, RaterRole, Scheme, _default_aggregation

__all__ = ["IndicatorPlan", "Plan", "plan_for"]

_GIVEN_SOURCES = frozenset({"given", "given_or_items", "given_or_formula"})


class IndicatorPlan:
    """One indicator (or item) with everything the scorer asks of it resolved."""

    __slots__ = ("indicator", "code", "name", "source", "low", "high", "roles", "single_role", "items", "aggregation",
                 "weight", "formula", "clamp", "events", "givable", "allowed_raters", "worksheet", "plain")

    def __init__(self, plan: Plan, indicator: Indicator):
        scheme = plan.scheme
        self.indicator = indicator
        self.code = indicator.code
        self.name = indicator.name
        self.source = indicator.resolved_source
        self.low, self.high = indicator.resolved_scale
        self.roles: list[RaterRole] = scheme.raters_of(indicator)
        self.single_role = len(self.roles) == 1
        self.items = [IndicatorPlan(plan, item) for item in indicator.items]
        self.aggregation = indicator.resolved_aggregation
        self.weight = indicator.weight
        self.formula: Formula | None = plan.formula(indicator.formula) if indicator.formula else None
        self.clamp = indicator.clamp
        #: Indicator-level events that adjust this indicator.
        self.events = frozenset(e.code for e in scheme.events if e.level == "indicator" and e.indicator == self.code)
        self.givable = self.source in _GIVEN_SOURCES
        self.allowed_raters = frozenset({r.code for r in self.roles} | {m for r in self.roles for m in r.pool})
        self.worksheet = indicator.worksheet
        #: Given as one number and used as is: no items, events or clamp (the scorer's fast path).
        self.plain = self.source == "given" and not self.items and not self.events and not self.clamp


class Plan:
    """A scheme compiled for evaluation; built once per scheme object (see :func:`plan_for`)."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.known_names = scheme.known_names()
        self.term_names = scheme.term_names()
        self.formulas: dict[str, Formula] = {}
        self.indicators: dict[str, Indicator] = {i.code: i for i in scheme.all_indicators()}
        self.sub_codes = {i.code for s in (scheme.subperiods.indicators if scheme.subperiods else []) for i in s.walk()}
        self.inputs: dict[str, InputSpec] = {i.code: i for i in scheme.inputs}
        self.attributes: dict[str, Attribute] = {a.code: a for a in scheme.attributes}
        self.attribute_values = {a.code: frozenset(a.values) if a.values is not None else None
                                 for a in scheme.attributes}
        self.events: dict[str, EventType] = {e.code: e for e in scheme.events}
        self.grade_index = {g.code: i for i, g in enumerate(scheme.grades)}
        self.grade_labels = {g.code: g.label for g in scheme.grades}
        self.params = scheme.parameter_values()
        self.top = [IndicatorPlan(self, i) for i in scheme.indicators]
        self.sub = [IndicatorPlan(self, i) for i in scheme.subperiods.indicators] if scheme.subperiods else []
        self.top_aggregation = _default_aggregation(scheme.indicators) if scheme.indicators else "mean"
        self.sub_aggregation = _default_aggregation(scheme.subperiods.indicators) if scheme.subperiods else "mean"
        self.plans: dict[str, IndicatorPlan] = {}
        for root in [*self.top, *self.sub]:
            stack = [root]
            while stack:
                node = stack.pop()
                self.plans[node.code] = node
                stack.extend(node.items)
        period_inputs = {c for c, s in self.inputs.items() if s.scope in ("both", "period")}
        sub_inputs = {c for c, s in self.inputs.items() if s.scope in ("both", "subperiod")}
        self.score_codes = {False: (set(self.indicators) - self.sub_codes), True: self.sub_codes}
        self.input_codes = {False: period_inputs, True: sub_inputs}
        self.input_defaults = {spec.code: spec.default for spec in scheme.inputs if spec.default is not None}
        self.indicator_events = any(e.level == "indicator" for e in scheme.events)
        self.points_events = any(e.kind == "points" and e.level == "total" for e in scheme.events)
        self.recorded_events = any(e.kind in ("fine", "pay_percent", "count") for e in scheme.events)
        self.veto_events = any(e.kind == "veto" for e in scheme.events)
        self.required_attributes = [a for a in scheme.attributes if a.required and a.default is None]
        self.default_attributes = [(a.code, a.default) for a in scheme.attributes
                                   if not (a.required and a.default is None)]
        self.tie_break = list(scheme.tie_break)
        # the names every subject starts from: parameters, then input defaults
        self.base_names: dict[str, Any] = dict(self.params)

    def formula(self, source: str) -> Formula:
        """The compiled formula for ``source`` (compiled once per plan)."""
        compiled = self.formulas.get(source)
        if compiled is None:
            compiled = self.formulas[source] = compile_formula(source, self.known_names)
        return compiled

    def role_weight(self, role: RaterRole) -> Decimal | str:
        return role.weight


#: Plans by scheme object, most recently used last; bounded so that a long-running process (the
#: Odoo addon) that sees many scheme versions does not keep every one of them.
_CACHE: OrderedDict[int, Plan] = OrderedDict()
_CACHE_SIZE = 32


def plan_for(scheme: Scheme) -> Plan:
    entry = _CACHE.get(id(scheme))
    if entry is None or entry.scheme is not scheme:
        entry = Plan(scheme)
        _CACHE[id(scheme)] = entry
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(id(scheme))
    return entry
