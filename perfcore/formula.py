"""A small, safe formula language for scheme files, evaluated on Decimal only.

Checked at load, then compiled to a Python function: arithmetic (``+ - * /``), comparisons,
``and / or / not``, ``x if c else y``, ``in`` on literal lists, subscripts
into lookup tables (``title_coef[title]``) and a whitelist of functions.  No
attribute access, no imports, no other calls.  Number literals become Decimal
from their written text, so ``0.8`` is exactly four fifths.
"""

from __future__ import annotations

import ast
import copy
import operator
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any

from .decimals import D, engine_context
from .decimals import show as _show
from .i18n import Message, Seq, _, named, p_

__all__ = ["BUILTIN_TERMS", "FUNCTIONS", "MAX_FORMULA_DEPTH", "MAX_FORMULA_LENGTH", "Formula", "FormulaError",
           "compile_formula"]

#: The longest formula of the presets has about 120 characters; 2,000 leave room and keep
#: evaluation cheap.
MAX_FORMULA_LENGTH = 2000
#: Nesting of the formula's syntax tree (a sum of n terms written with + nests n deep); the
#: presets need 12.  Much deeper trees exhaust Python's stack when parsed or evaluated (5,000
#: unary minus signs did), so they are refused at load.
MAX_FORMULA_DEPTH = 100


class FormulaError(ValueError):
    """A formula is malformed, uses something not allowed, or fails on its inputs.

    ``reason`` is what is wrong (a message); the text names the formula and the column."""

    def __init__(self, source: str, message: Any, column: int | None = None):
        self.source = source
        self.column = column
        self.reason = message
        super().__init__(self.message)

    @property
    def message(self) -> Message:
        if self.column is not None:
            return _("formula {source}: {reason} at column {column}", source=repr(self.source), reason=self.reason,
                     column=self.column)
        return _("formula {source}: {reason}", source=repr(self.source), reason=self.reason)

    def __str__(self) -> str:
        return str(self.message)


def _flatten(args: tuple[Any, ...]) -> list[Any]:
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return list(args[0])
    return list(args)


def _min(*args: Any) -> Any:
    return min(_flatten(args))


def _max(*args: Any) -> Any:
    return max(_flatten(args))


def _sum(*args: Any) -> Decimal:
    return sum((D(x) for x in _flatten(args)), Decimal(0))


def _mean(*args: Any) -> Decimal:
    values = _flatten(args)
    if not values:
        raise ValueError(_('mean of no values'))
    return _sum(values) / len(values)


def _count(*args: Any) -> Decimal:
    return Decimal(len(_flatten(args)))


def _clamp(value: Any, low: Any, high: Any) -> Decimal:
    return max(D(low), min(D(high), D(value)))


def _round_half_up(value: Any, places: Any = 2) -> Decimal:
    return D(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def _get(mapping: Any, *keys: Any) -> Any:
    """``get(facts, 'department_pools', group)``: a value down a key path, 0 when any key is missing."""
    node = mapping
    for key in keys:
        if not isinstance(node, Mapping):
            raise TypeError(_('get() needs a table or mapping, got {value}', value=type(node).__name__))
        if key not in node:
            return Decimal(0)
        node = node[key]
    return node


def _max_lookup(table: Any, keys: Any) -> Decimal:
    """The highest value of ``table`` among ``keys`` (0 when none): 'the highest applicable one'."""
    if not isinstance(table, Mapping):
        raise TypeError(_('max_lookup() needs a table, got {value}', value=type(table).__name__))
    values = [D(table[k]) for k in (keys or [])]
    return max(values) if values else Decimal(0)


FUNCTIONS: dict[str, Any] = {
    "min": _min,
    "max": _max,
    "sum": _sum,
    "mean": _mean,
    "count": _count,
    "abs": lambda x: abs(D(x)),
    "clamp": _clamp,
    "round_half_up": _round_half_up,
    "get": _get,
    "max_lookup": _max_lookup,
}

_OPERATORS: dict[type, Any] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
    ast.Name, ast.Load, ast.Constant, ast.Subscript, ast.List, ast.Tuple, ast.And, ast.Or,
    *_OPERATORS,
)


class _Codegen:
    """The checked syntax tree as Python source over ``_n`` (the names) — compiled once, so that a
    formula runs as fast as the arithmetic it does.  Same semantics as the tree-walking evaluator
    it replaced (left to right, short-circuit, chained comparisons)."""

    _BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
    _COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
                ast.In: "in", ast.NotIn: "not in"}

    def __init__(self, resolve: Any = None, prefix: str = "_c") -> None:
        self.constants: dict[str, Any] = {}
        #: name → Python expression; None: the names mapping ``_n`` (raising KeyError: no value)
        self.resolve = resolve
        self.prefix = prefix

    def constant(self, value: Any) -> str:
        for name, known in self.constants.items():
            if type(known) is type(value) and known == value and str(known) == str(value):
                return name
        name = f"{self.prefix}{len(self.constants)}"
        self.constants[name] = value
        return name

    def expr(self, node: ast.AST) -> str:  # noqa: PLR0911 - one case per node type
        if isinstance(node, ast.Constant):
            if node.value is None or isinstance(node.value, bool):
                return repr(node.value)
            return self.constant(node.value)
        if isinstance(node, ast.Name):
            if node.id in ("True", "False", "None"):
                return node.id
            if self.resolve is not None:
                return self.resolve(node.id, self)
            return f"_n[{node.id!r}]"
        if isinstance(node, ast.BinOp):
            return f"({self.expr(node.left)} {self._BINARY[type(node.op)]} {self.expr(node.right)})"
        if isinstance(node, ast.UnaryOp):
            op = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not "}[type(node.op)]
            return f"({op}{self.expr(node.operand)})"
        if isinstance(node, ast.BoolOp):
            op = " and " if isinstance(node.op, ast.And) else " or "
            return "(" + op.join(self.expr(v) for v in node.values) + ")"
        if isinstance(node, ast.Compare):
            parts = [self.expr(node.left)]
            for op, right in zip(node.ops, node.comparators):
                parts += [self._COMPARE[type(op)], self.expr(right)]
            return "(" + " ".join(parts) + ")"
        if isinstance(node, ast.IfExp):
            return f"({self.expr(node.body)} if {self.expr(node.test)} else {self.expr(node.orelse)})"
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            return f"_f_{node.func.id}(" + ", ".join(self.expr(a) for a in node.args) + ")"
        if isinstance(node, ast.Subscript):
            return f"{self.expr(node.value)}[{self.expr(node.slice)}]"
        if isinstance(node, (ast.List, ast.Tuple)):
            return "[" + ", ".join(self.expr(e) for e in node.elts) + "]"
        raise TypeError(type(node).__name__)  # compile_formula let only the above through


#: What a reader calls the names every formula may read (English shows the name itself).
BUILTIN_TERMS: dict[str, Message] = {
    "total": p_("term", "total"), "total_exact": p_("term", "total_exact"), "grade": p_("term", "grade"),
    "rank": p_("term", "rank"), "group_size": p_("term", "group_size"), "group_mean": p_("term", "group_mean"),
    "group_total": p_("term", "group_total"), "pay_score": p_("term", "pay_score"), "fines": p_("term", "fines"),
    "pay_percent": p_("term", "pay_percent"), "subperiod_mean": p_("term", "subperiod_mean"),
    "subperiod_count": p_("term", "subperiod_count"), "deductions_raw": p_("term", "deductions_raw"),
    "event_points": p_("term", "event_points"), "kpi_count": p_("term", "kpi_count"),
    "kpi_met": p_("term", "kpi_met"), "kpi_missed": p_("term", "kpi_missed"),
    "kpi_exceeded": p_("term", "kpi_exceeded"),
}

# Python's operators as a reader writes them; the syntax tree's own unparsing places the parentheses.
_SHOWN = ((" / ", " ÷ "), (" * ", " × "), (" - ", " − "), (" == ", " = "), (" != ", " ≠ "), (" <= ", " ≤ "),
          (" >= ", " ≥ "), (" not in ", " ∉ "), (" in ", " ∈ "))
_SLOT = re.compile("\x00(\\d+)\x00")


class _Explainer(ast.NodeTransformer):
    """A formula as its reader checks it: each name as its label and the number put in."""

    def __init__(self, names: Mapping[str, Any], labels: Mapping[str, str]):
        self.names, self.labels = names, labels
        self.slots: list[list[Any]] = []

    def term(self, code: str) -> Any:
        label = self.labels.get(code)
        return named(code, label) if label else BUILTIN_TERMS.get(code, code)

    def slot(self, code: str, value: Any) -> ast.Name:
        shown = _number(value)
        self.slots.append([self.term(code)] + ([" " + shown] if shown is not None else []))
        return ast.Name(id=f"\x00{len(self.slots) - 1}\x00")

    def visit_Name(self, node: ast.Name) -> ast.AST:  # noqa: N802 - ast.NodeTransformer's names
        return node if node.id in ("True", "False", "None") else self.slot(node.id, self.names.get(node.id))

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:  # noqa: N802
        if not (isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Name)):
            return self.generic_visit(node)
        table, key = self.names.get(node.value.id), self.names.get(node.slice.id)
        return self.slot(node.value.id, table.get(key) if isinstance(table, Mapping) and isinstance(key, str) else None)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:  # noqa: N802
        shown = _number(node.value)
        return ast.Name(id=shown) if shown is not None else node

    def visit_Call(self, node: ast.Call) -> ast.AST:  # noqa: N802 - the function's name stays as it is
        node.args = [self.visit(arg) for arg in node.args]
        return node


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    return _show(D(value), grouped=True)


class Formula:
    """A compiled formula; call it with a mapping of names."""

    __slots__ = ("source", "names", "node", "_code", "_run")

    def __init__(self, source: str, node: ast.expr, names: frozenset[str]):
        self.source = source
        self.names = names
        self.node = node
        generator = _Codegen()
        body = generator.expr(node)
        scope: dict[str, Any] = {f"_f_{name}": function for name, function in FUNCTIONS.items()}
        scope.update(generator.constants)
        # A plain function of the names mapping; compiled from the checked tree, never from text.
        code = compile(f"def _run(_n):\n    return {body}\n", f"<formula {source[:40]}>", "exec")
        namespace: dict[str, Any] = {"__builtins__": {}}
        namespace.update(scope)
        exec(code, namespace)  # noqa: S102 - code generated from a whitelisted syntax tree
        self._code = body
        self._run = namespace["_run"]

    def __repr__(self) -> str:
        return f"Formula({self.source!r})"

    def __call__(self, names: Mapping[str, Any]) -> Any:
        with engine_context():
            return self.run(names)

    def inline(self, resolve: Any, prefix: str) -> tuple[str, dict[str, Any]]:
        """This formula as one Python expression whose names ``resolve(name, generator)`` gives
        (the kernel's local variables and constants), and the constants it needs."""
        generator = _Codegen(resolve, prefix)
        return generator.expr(self.node), generator.constants

    def explain(self, names: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> Seq:
        """The formula with its terms' names and the numbers put in, × and ÷ for * and /:
        ``pay_score / 100 * title_coef[title]`` → 绩效得分 94.1 ÷ 100 × 职称系数 1.2 (in English the
        names themselves).  ``labels``: what the scheme calls its codes (职称系数 for title_coef)."""
        explainer = _Explainer(names, labels or {})
        text = ast.unparse(explainer.visit(copy.deepcopy(self.node)))
        for python, shown in _SHOWN:
            text = text.replace(python, shown)
        parts: list[Any] = []
        for index, piece in enumerate(_SLOT.split(text)):
            for part in ([piece] if index % 2 == 0 else explainer.slots[int(piece)]):
                if type(part) is str and parts and type(parts[-1]) is str:
                    parts[-1] += part  # adjacent texts joined: fewer parts to store and render
                elif part != "":
                    parts.append(part)
        return Seq(parts, "")

    def run(self, names: Mapping[str, Any]) -> Any:
        """Evaluate in the current decimal context (the engine's, when the engine calls it)."""
        try:
            return self._run(names)
        except KeyError as exc:
            key = exc.args[0] if exc.args else None
            if isinstance(key, str) and key in self.names and key not in names:
                raise FormulaError(self.source, _('no value for {key}', key=repr(key))) from None
            raise FormulaError(self.source, _('cannot be evaluated: {exc}', exc=exc)) from None
        except (DivisionByZero, ZeroDivisionError, InvalidOperation):
            raise FormulaError(self.source, _('division by zero or invalid arithmetic')) from None
        except ArithmeticError as exc:  # decimal.Overflow and the other decimal signals
            raise FormulaError(self.source, _('arithmetic out of range ({value})', value=type(exc).__name__)) from None
        except RecursionError:
            raise FormulaError(self.source, _('nested too deeply to evaluate')) from None
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise FormulaError(self.source, _('cannot be evaluated: {exc}', exc=exc)) from None


def compile_formula(source: str, known_names: Iterable[str] | None = None) -> Formula:
    """Parse and check ``source``; raise :class:`FormulaError` naming the position."""
    if not isinstance(source, str) or not source.strip():
        raise FormulaError(str(source)[:80], _('empty formula'))
    text = source.strip()
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(text[:60] + "…", _('{value} characters long; a formula may have at most {MAX_FORMULA_LENGTH}', value=format(len(text), ','), MAX_FORMULA_LENGTH=format(MAX_FORMULA_LENGTH, ',')))
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(text, _('syntax error: {msg}', msg=exc.msg), exc.offset) from None
    except (RecursionError, MemoryError):
        raise FormulaError(text[:60] + "…", _('nested more than {MAX_FORMULA_DEPTH} levels deep', MAX_FORMULA_DEPTH=MAX_FORMULA_DEPTH)) from None
    depth = _depth(tree.body)
    if depth > MAX_FORMULA_DEPTH:
        raise FormulaError(text[:60] + ("…" if len(text) > 60 else ""),
                           _('nested {depth} levels deep; at most {MAX_FORMULA_DEPTH} are allowed', depth=depth, MAX_FORMULA_DEPTH=MAX_FORMULA_DEPTH))
    known = set(known_names) if known_names is not None else None
    names: set[str] = set()
    for node in ast.walk(tree):
        column = getattr(node, "col_offset", None)
        column = column + 1 if column is not None else None
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(text, _('{value} is not allowed', value=type(node).__name__), column)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                called = getattr(node.func, "id", type(node.func).__name__)
                raise FormulaError(text, _('call of {called} is not allowed (allowed: {value})', called=repr(called), value=', '.join(sorted(FUNCTIONS))), column)
            if node.keywords:
                raise FormulaError(text, _('keyword arguments are not allowed'), column)
        elif isinstance(node, ast.Name) and not _is_called(tree, node):
            names.add(node.id)
            if known is not None and node.id not in known and node.id not in ("True", "False"):
                raise FormulaError(text, _('unknown name {id}', id=repr(node.id)), column)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, (float, int)) and not isinstance(node.value, bool):
                written = ast.get_source_segment(text, node) or repr(node.value)
                try:
                    node.value = D(written if isinstance(node.value, float) else node.value)
                except ValueError as exc:
                    raise FormulaError(text, _('literal {written}: {exc}', written=written, exc=exc), column) from None
            elif node.value is not None and not isinstance(node.value, (str, bool)):
                raise FormulaError(text, _('literal {value} is not allowed', value=repr(node.value)), column)
    return Formula(text, tree.body, frozenset(names))


def _depth(tree: ast.AST) -> int:
    """Depth of the syntax tree, walked without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _is_called(tree: ast.AST, name: ast.Name) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name for n in ast.walk(tree))
