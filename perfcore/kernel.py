"""The fast path of bind and score (and of pay, where it can): for a plain scheme, one Python
function generated from the plan that checks and scores a subject in straight-line code, its
formulas inlined over local variables.

A plan gets a kernel when its scheme is plain — indicators given as single numbers (directly,
as the sum, mean or weighted sum of their items, or by a formula of the inputs), total-level
加减分 with fixed points, grade bands — and the kernel takes a subject when its input is plain
data: numbers where numbers are expected, known codes, no rater dictionaries, KPIs, sub-periods
or history.  Anything else (a problem to report, a missing score, a formula that fails …) makes it
hand the subject to the general binder and scorer, which name the problem or score it; the
results are the same either way (the differential test compares them with the reference engine).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .decimals import CENT, MAX_MAGNITUDE, ONE_HUNDRED, ZERO
from .formula import FUNCTIONS, FormulaError
from .plan import IndicatorPlan, Plan
from .result import Pay, SubjectResult
from .score import eligibility

__all__ = ["kernel_for"]

Kernel = Callable[[Any, Any], "SubjectResult | None"]

#: The numbers a kernel takes without a bound of their own: strictly inside ±10^15 (what D()
#: accepts), by a margin; numbers at the edge go to the binder, which decides.
INSIDE_HIGH = Decimal("999999999999999.99")
INSIDE_LOW = -INSIDE_HIGH
#: Distinct numbers a kernel's memo keeps per range and type (the rest are parsed each time).
MEMO_SIZE = 4096

#: Names a pay formula may read that are final only after the group stage or the cross-period
#: rules (the kernel cannot compute pay that reads them), or that only the pay stage provides.
_LATE_NAMES = frozenset({"rank", "group", "group_size", "group_total", "group_mean", "flags", "facts",
                         "subperiod_grades"})
_CAUGHT = "(FormulaError, TypeError, ValueError, ArithmeticError, KeyError, IndexError)"


class _Unsupported(Exception):
    """The scheme (or one of its formulas) is not plain: no kernel."""


def _plain_leaf(p: IndicatorPlan) -> bool:
    return p.plain and len(p.roles) <= 1 and not any(r.pool or r.max_valid is not None for r in p.roles)


def _supported(c: Plan) -> bool:
    s = c.scheme
    if s.subperiods or s.kpi_card or s.direct_total or s.grade_caps or s.variables or s.history_eligibility:
        return False
    if any(i.worksheet for i in s.all_indicators()) or c.indicator_events:
        return False
    if not s.indicators or any(e.kind == "points" and (e.points is None or e.level != "total") for e in s.events):
        return False
    if any(e.kind == "veto" or e.cap is not None for e in s.events):
        return False
    if any(g.when for g in s.grades):
        return False
    for top in c.top:
        if top.clamp or top.events or len(top.roles) > 1 or any(r.pool or r.max_valid is not None for r in top.roles):
            return False
        if top.source == "given" and not top.items:
            continue
        if top.source in ("items", "given_or_items") and top.items and all(_plain_leaf(i) for i in top.items) \
                and top.aggregation in ("sum", "mean", "weighted"):
            continue
        if top.source in ("formula", "given_or_formula", "full") and not top.items:
            continue
        return False
    return all(a.type in ("text", "number") for a in s.attributes)


_KERNELS: dict[tuple[int, str], tuple[Plan, Kernel | None]] = {}


def kernel_for(c: Plan, period_kind: str) -> Kernel | None:
    """The generated fast path of the plan's scheme for a period kind, or None when the scheme is
    not plain (or scores this kind of period otherwise: pay only, annual roll-up)."""
    s = c.scheme
    if s.score_periods is not None and period_kind not in s.score_periods:
        return None
    if s.annual_rollup is not None and period_kind == "year":
        return None
    key = (id(c), period_kind)
    cached = _KERNELS.get(key)
    if cached is None or cached[0] is not c:
        kernel = None
        if _supported(c):
            try:
                kernel = _Generator(c, period_kind).kernel()
            except _Unsupported:
                kernel = None
        cached = (c, kernel)
        _KERNELS[key] = cached
        while len(_KERNELS) > 64:
            _KERNELS.pop(next(iter(_KERNELS)))
    return cached[1]


def _pay_sources(s: Any) -> list[str]:
    pay = s.pay
    sources = list(pay.variables.values())
    for component in pay.components:
        sources += [x for x in (component.formula, component.when) if x]
        if component.split:
            sources += [component.split.pool, component.split.weight]
    return sources


class _Generator:
    def __init__(self, c: Plan, period_kind: str):
        self.c = c
        self.s = c.scheme
        self.kind = period_kind
        self.ns: dict[str, Any] = {
            "Decimal": Decimal, "InvalidOperation": InvalidOperation, "ZERO": ZERO, "HUNDRED": ONE_HUNDRED,
            "CENT": CENT, "HALF_UP": ROUND_HALF_UP, "MAX_MAGNITUDE": MAX_MAGNITUDE, "SubjectResult": SubjectResult,
            "Pay": Pay, "FormulaError": FormulaError, "BASE": dict(c.base_names), "plan": c, "EMPTY": {},
            "ONE": Decimal(1), "MEMO_SIZE": MEMO_SIZE, "NO_METRICS": (ZERO, ZERO), "SUBJECT_KEYS": frozenset({"id", "name", "group", "attributes", "scores", "events"}),
            "EVENT_KEYS": frozenset({"code", "count", "points", "note"}), "ELIGIBILITY": eligibility,
            **{f"_f_{name}": function for name, function in FUNCTIONS.items()},
        }
        self.consts: dict[tuple[str, str], str] = {}
        self.memos: dict[tuple[str, str, str], str] = {}
        self.lines: list[str] = []
        self.formulas = 0
        #: name → local variable (or constant) holding it, as far as the code has computed
        self.available: dict[str, str] = {name: self.const(value) for name, value in c.params.items()}
        self.available["vetoed"] = "False"
        #: names whose local is None when the subject has no value for them (inputs without default)
        self.maybe_absent: set[str] = set()

    def const(self, value: Any) -> str:
        key = (type(value).__name__, repr(value))
        if key not in self.consts:
            self.consts[key] = f"K{len(self.consts)}"
            self.ns[self.consts[key]] = value
        return self.consts[key]

    def add(self, line: str, indent: int = 1) -> None:
        self.lines.append("    " * indent + line)

    def guard(self, source: str, indent: int) -> None:
        """Inputs a formula reads that may be absent: absent, the binder and scorer decide (no value)."""
        for name in sorted(self.c.formula(source).names):
            if name in self.maybe_absent:
                self.add(f"if {self.available[name]} is None:", indent)
                self.add("return None", indent + 1)

    def inline(self, source: str) -> str:
        """A formula as an expression over the locals computed so far (else: no kernel)."""
        self.formulas += 1

        def resolve(name: str, _generator: Any) -> str:
            if name not in self.available:
                raise _Unsupported(name)
            return self.available[name]

        expression, constants = self.c.formula(source).inline(resolve, f"F{self.formulas}_")
        self.ns.update(constants)
        return expression

    # -- the parts of the kernel ---------------------------------------------------------------------
    def kernel(self) -> Kernel:
        c, s = self.c, self.s
        add = self.add
        add("def kernel(raw, explain):", 0)
        add("if type(raw) is not dict or not raw.keys() <= SUBJECT_KEYS:")
        add("return None", 2)
        add("sid = raw.get('id')")
        add("name = raw.get('name', '')")
        add("group = raw.get('group')")
        add("if type(sid) is not str or not sid or type(name) is not str or (group is not None and type(group) is not str):")
        add("return None", 2)
        add("attrs = raw.get('attributes', EMPTY)")
        add("raw_scores = raw.get('scores', EMPTY)")
        add("raw_events = raw.get('events', ())")
        add("if type(attrs) is not dict or type(raw_scores) is not dict:")
        add("return None", 2)
        self.attributes()
        self.scores()
        self.events()
        self.indicators()
        self.total_and_grade()
        early = self.early_pay()
        self.names(needed=bool(s.flag_rules or s.cross_period or (s.pay is not None and not early)))
        # no scored event: one shared pair of zeros (what most subjects have) instead of a tuple each
        add("result._metrics = (deductions, points) if scored_events else NO_METRICS")
        add("return result")
        source = "\n".join(self.lines) + "\n"
        exec(compile(source, f"<kernel {s.id}>", "exec"), self.ns)  # noqa: S102 - generated from the validated plan
        kernel = self.ns["kernel"]
        kernel.source = source  # type: ignore[attr-defined]
        return kernel  # type: ignore[no-any-return]

    def number(self, target: str, value: str, low: Decimal, high: Decimal, indent: int) -> None:
        """``target`` = ``value`` (raw) as a Decimal within [low, high] (refused: back to the binder).

        Text and integers already read for this range come from a memo (one per range and type,
        bounded): scores repeat (92, "95.5"), and a Decimal is immutable, so every subject with the
        same text shares one checked value instead of parsing its own — faster, and less memory
        kept.  A memo holds one type of key only, so 1.0, True or Decimal(1) never match int 1."""
        add = self.add
        lo, hi = self.const(low), self.const(high)
        text_memo, int_memo = (self.memo(lo, hi, kind) for kind in ("str", "int"))
        add(f"t = type({value})", indent)
        add("try:", indent)
        add("if t is str or t is int:", indent + 1)
        add(f"memo = {text_memo} if t is str else {int_memo}", indent + 2)
        add(f"m = memo.get({value})", indent + 2)
        add("if m is None:", indent + 2)
        add(f"m = Decimal({value})", indent + 3)
        add(f"if not {lo} <= m <= {hi}:", indent + 3)
        add("return None", indent + 4)
        add("if len(memo) < MEMO_SIZE:", indent + 3)
        add(f"memo[{value}] = m", indent + 4)
        add(f"{target} = m", indent + 2)
        add("elif t is Decimal:", indent + 1)
        add(f"if not {lo} <= {value} <= {hi}:", indent + 2)
        add("return None", indent + 3)
        if target != value:
            add(f"{target} = {value}", indent + 2)
        add("else:", indent + 1)
        add("return None", indent + 2)
        add("except InvalidOperation:", indent)  # not a number, or NaN compared
        add("return None", indent + 1)

    def memo(self, low: str, high: str, kind: str) -> str:
        """The name of the memo of checked numbers in [low, high] read from ``kind`` values."""
        key = (low, high, kind)
        if key not in self.memos:
            self.memos[key] = f"M{len(self.memos)}"
            self.ns[self.memos[key]] = {}
        return self.memos[key]

    def attributes(self) -> None:
        add = self.add
        add("found = 0")
        for a in self.s.attributes:
            v = f"a_{a.code}"
            add(f"{v} = attrs.get({a.code!r})")
            add(f"if {v} is None:")
            if a.required and a.default is None:
                add("return None", 2)
            else:
                add(f"{v} = {self.const(a.default) if a.default is not None else 'None'}", 2)
            add("else:")
            add("found += 1", 2)
            if a.type == "text":
                if a.values is not None:
                    add(f"if type({v}) is not str or {v} not in {self.const(frozenset(a.values))}:", 2)
                else:
                    add(f"if type({v}) is not str:", 2)
                add("return None", 3)
            else:
                self.number(v, v, a.min if a.min is not None else INSIDE_LOW,
                            a.max if a.max is not None else INSIDE_HIGH, 2)
            self.available[a.code] = v
        add("if found != len(attrs):")  # an unknown attribute: the binder names it
        add("return None", 2)
        if self.s.eligibility:
            attributes = ", ".join(f"{a.code!r}: a_{a.code}" for a in self.s.attributes)
            add(f"if ELIGIBILITY(plan, {{{attributes}}}) is not None:")  # not appraised: the scorer says why
            add("return None", 2)

    def scores(self) -> None:
        """Each known code read once and checked; an item is read only when its indicator is not
        given (both given: the binder decides, as it does for any code the kernel does not read)."""
        c = self.c
        add = self.add
        add("found = 0")
        for p in c.top:
            if p.source in ("given", "given_or_items", "given_or_formula"):
                self.read(p.code, p.low, p.high, 1)
            if p.source in ("items", "given_or_items"):
                indent = 1
                if p.source == "given_or_items":
                    add(f"if s_{p.code} is None:")
                    indent = 2
                for item in p.items:
                    self.read(item.code, item.low, item.high, indent)
                if p.source == "given_or_items":
                    add("else:")
                    for item in p.items:
                        add(f"s_{item.code} = None", 2)
        for code in sorted(c.input_codes[False]):
            spec = c.inputs[code]
            if spec.list:
                continue
            self.read(code, spec.min if spec.min is not None else INSIDE_LOW,
                      spec.max if spec.max is not None else INSIDE_HIGH, 1, prefix="in_")
            if spec.default is not None:
                add(f"if in_{code} is None:")
                add(f"in_{code} = {self.const(spec.default)}", 2)
            else:
                self.maybe_absent.add(code)
            self.available[code] = f"in_{code}"
        add("if found != len(raw_scores):")  # an unknown code, a list, a rater dictionary, items beside their total
        add("return None", 2)

    def read(self, code: str, low: Decimal, high: Decimal, indent: int, prefix: str = "s_") -> None:
        v = f"{prefix}{code}"
        self.add(f"{v} = raw_scores.get({code!r})", indent)
        self.add(f"if {v} is not None:", indent)
        self.add("found += 1", indent + 1)
        self.number(v, v, low, high, indent + 1)

    def events(self) -> None:
        s = self.s
        add = self.add
        self.pay_reads_events = bool(s.pay) and (bool(s.pay.year_end_pools) or any(
            "events" in self.c.formula(source).names for source in _pay_sources(s)))
        specs = {e.code: (e, e.max_count or s.event_max_count, e.note_required or s.event_note_required,
                          e.kind == "points") for e in s.events if e.scope != "subperiod"}
        self.ns["EVENTS"] = specs
        self.ns["ZERO_COUNTS"] = dict.fromkeys(self.c.events, ZERO)
        add("scored_events = False")
        add("points = deductions = fines = percent = ZERO")
        if self.pay_reads_events:
            add("counts = dict(ZERO_COUNTS)")
        add("if raw_events:")
        add("if type(raw_events) is not list:", 2)
        add("return None", 3)
        add("for entry in raw_events:", 2)
        add("if type(entry) is not dict or not entry.keys() <= EVENT_KEYS or entry.get('points') is not None:", 3)
        add("return None", 4)
        add("code = entry.get('code')", 3)
        add("spec = EVENTS.get(code) if type(code) is str else None", 3)
        add("if spec is None:", 3)
        add("return None", 4)
        add("etype, most, note_required, scored = spec", 3)
        add("count = entry.get('count', 1)", 3)
        add("if type(count) is int:", 3)  # the common case: a whole count, multiplied as it is
        add("if not 1 <= count <= most:", 4)
        add("return None", 5)
        add("else:", 3)
        add("t = type(count)", 4)
        add("try:", 4)
        add("if t is str:", 5)
        add("count = Decimal(count)", 6)
        add("elif t is not Decimal:", 5)
        add("return None", 6)
        add("if not ONE <= count <= most or count != count.to_integral_value():", 5)
        add("return None", 6)
        add("except InvalidOperation:", 4)
        add("return None", 5)
        add("note = entry.get('note')", 3)
        add("if note_required:", 3)
        add("if type(note) is not str or not note.strip():", 4)
        add("return None", 5)
        add("elif note is not None and type(note) is not str:", 3)
        add("return None", 4)
        if self.pay_reads_events:
            add("counts[code] += count", 3)  # Decimal + int: a Decimal
        add("kind = etype.kind", 3)
        add("if scored:", 3)
        add("scored_events = True", 4)
        add("amount = etype.points * count", 4)
        add("points += amount", 4)
        add("if amount < 0:", 4)
        add("deductions -= amount", 5)
        add("elif kind == 'fine' and etype.amount is not None:", 3)
        add("fines += etype.amount * count", 4)
        add("elif kind == 'pay_percent' and etype.percent is not None:", 3)
        add("percent += etype.percent * count", 4)

    def indicators(self) -> None:
        c = self.c
        add = self.add
        add("result = SubjectResult(sid, name, group, explain=explain)")
        add("ind = result.indicators")
        self.top: list[tuple[IndicatorPlan, str]] = []
        for index, p in enumerate(c.top):
            v = f"i{index}"
            self.top.append((p, v))
            code = p.code
            if p.source == "given":
                add(f"{v} = s_{code}")
                add(f"if {v} is None:")
                add("return None", 2)
            elif p.source == "full":
                add(f"{v} = {self.const(p.high)}")
            elif p.source in ("items", "given_or_items"):
                indent = 1
                if p.source == "given_or_items":
                    add(f"{v} = s_{code}")
                    add(f"if {v} is None:")
                    indent = 2
                items = [f"s_{item.code}" for item in p.items]
                add("if " + " or ".join(f"{iv} is None" for iv in items) + ":", indent)
                add("return None", indent + 1)
                for item, iv in zip(p.items, items):
                    add(f"ind[{item.code!r}] = {iv}", indent)
                if p.aggregation == "sum":
                    add(f"{v} = ZERO + " + " + ".join(items), indent)
                elif p.aggregation == "mean":
                    add(f"{v} = (ZERO + " + " + ".join(items) + f") / {len(items)}", indent)
                else:
                    add(f"{v} = ZERO + " + " + ".join(f"{iv} * {self.const(item.weight)} / HUNDRED"
                                                      for item, iv in zip(p.items, items)), indent)
                if p.source == "given_or_items":
                    add(f"items{index} = True", indent)
                    add("else:")
                    add(f"items{index} = False", 2)
            else:  # formula, given_or_formula: a formula of the inputs and parameters
                assert p.formula is not None
                expression = self.inline(p.formula.source)
                indent = 1
                if p.source == "given_or_formula":
                    add(f"{v} = s_{code}")
                    add(f"if {v} is None:")
                    indent = 2
                self.guard(p.formula.source, indent)
                add("try:", indent)
                add(f"{v} = {expression}", indent + 1)
                add(f"if type({v}) is not Decimal:", indent + 1)
                add("return None", indent + 2)
                add(f"if not {self.const(INSIDE_LOW)} <= {v} <= {self.const(INSIDE_HIGH)}:", indent + 1)
                add("return None", indent + 2)
                add(f"except {_CAUGHT}:", indent)
                add("return None", indent + 1)
            add(f"ind[{code!r}] = {v}")
            self.available[code] = v

    def total_and_grade(self) -> None:
        c, s = self.c, self.s
        add = self.add
        weights = [(p, v) for p, v in self.top]
        if c.top_aggregation == "weighted":
            add("total = ZERO + " + " + ".join(f"{v} * {self.const(p.weight)} / HUNDRED" for p, v in weights))
        elif c.top_aggregation == "sum":
            add("total = ZERO + " + " + ".join(v for _p, v in weights))
        else:
            add("total = (ZERO + " + " + ".join(v for _p, v in weights) + f") / {len(weights)}")
        if c.points_events:
            add("if scored_events:")
            add("total += points", 2)
        add("if abs(total) >= MAX_MAGNITUDE:")
        add("return None", 2)
        add("rounded = total.quantize(CENT, rounding=HALF_UP)")
        add("result.total_exact = total")
        add("result.total = rounded")
        # the rank order key, as the group stage makes it (exact total, then the tie-break values)
        tops = {p.code: v for p, v in self.top}
        ties = [tops[code] if code in tops else f"ind.get({code!r}, ZERO)" for code in c.tie_break]
        add(f"result._key = (total, {''.join(t + ', ' for t in ties)})")
        grade = "None"
        if s.grades and not all(g.min is None and g.when is None for g in s.grades):
            add("grade = None")
            first = True
            for g in s.grades:
                if g.min is None:
                    add("else:" if not first else "if True:")
                    add(f"grade = {g.code!r}", 2)
                    break
                add(f"{'if' if first else 'elif'} rounded >= {self.const(g.min)}:")
                add(f"grade = {g.code!r}", 2)
                first = False
            add("result.grade = result.band_grade = grade")
            add(f"result.grade_label = {self.const(dict(c.grade_labels))}.get(grade) if grade else None")
            grade = "grade"
        self.grade = grade
        self.available.update(total="rounded", grade=grade, total_exact="total", deductions_raw="deductions",
                              event_points="points")

    def early_pay(self) -> bool:
        """Pay computed here: plain formulas of what is known once the subject is scored."""
        c, s = self.c, self.s
        pay = s.pay
        if pay is None or pay.year_end_pools or pay.basis != "absolute" or pay.variables:
            return False
        late = set(_LATE_NAMES)
        if s.distribution or s.ranking or s.flag_rules or s.cross_period:
            late.add("grade")  # the grade may still move
        components = [x for x in pay.components if x.periods is None or self.kind in x.periods]
        if any(not x.plain or c.formula(x.formula).names & late for x in components):
            return False
        available = dict(self.available)
        for table, values in pay.tables.items():
            self.available[table] = self.const(dict(values))
        self.available.update(pay_score="rounded", fines="fines", pay_percent="percent")
        if self.pay_reads_events:
            self.available["events"] = "counts"
        add = self.add
        try:
            lines = []
            for k, component in enumerate(components):
                expression = self.inline(component.formula)  # type: ignore[arg-type]
                lines.append((f"p{k}", expression, component.code))
                self.available[component.code] = f"p{k}"
        except _Unsupported:
            self.available = available
            return False
        for component in components:
            self.guard(component.formula, 1)  # type: ignore[arg-type]
        add("try:")
        for var, expression, _code in lines:
            add(f"{var} = {expression}", 2)
            add(f"if type({var}) is not Decimal or not {self.const(INSIDE_LOW)} <= {var} <= {self.const(INSIDE_HIGH)}:", 2)
            add("return None", 3)
            add(f"{var} = {var}.quantize(CENT, rounding=HALF_UP)", 2)
        add(f"except {_CAUGHT}:")
        add("return None", 2)
        parts = ", ".join(f"{code!r}: {var}" for var, _e, code in lines)
        # the sum of the rounded components (one component: itself, the same value)
        amount = lines[0][0] if len(lines) == 1 else f"ZERO + {' + '.join(var for var, _e, _c in lines) or 'ZERO'}"
        if len(lines) == 1:  # the one component is the amount: its code stands for {code: amount}
            add(f"result.pay = Pay({amount}, {lines[0][2]!r})")
        else:
            add(f"result.pay = Pay({amount}, {{{parts}}})")
        return True

    def names(self, needed: bool) -> None:
        """What the scorer knew, for the stages after it (flag rules, cross-period rules, pay)."""
        if not needed:
            return
        c, s = self.c, self.s
        add = self.add
        entries = [f"{a.code!r}: a_{a.code}" for a in s.attributes]
        entries += [f"{code!r}: in_{code}" for code in sorted(c.input_codes[False])
                    if not c.inputs[code].list and c.inputs[code].default is not None]
        add(f"names = dict(BASE, **{{{', '.join(entries)}}})" if entries else "names = dict(BASE)")
        for code in sorted(c.input_codes[False]):
            if not c.inputs[code].list and c.inputs[code].default is None:
                add(f"if in_{code} is not None:")
                add(f"names[{code!r}] = in_{code}", 2)
        add("names['vetoed'] = False")
        for index, (p, v) in enumerate(self.top):
            if p.source == "given_or_items":
                add(f"if items{index}:")
                for item in p.items:
                    add(f"names[{item.code!r}] = s_{item.code}", 2)
            elif p.source == "items":
                for item in p.items:
                    add(f"names[{item.code!r}] = s_{item.code}")
            add(f"names[{p.code!r}] = {v}")
        add("names['deductions_raw'] = deductions")
        add("names['event_points'] = points")
        add("names['total'] = rounded")
        add(f"names['grade'] = {self.grade}")
        add("names['fines'] = fines")
        add("names['pay_percent'] = percent")
        if self.pay_reads_events:
            add("names['events'] = counts")
        add("result._names = names")
