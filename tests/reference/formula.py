"""A small, safe formula language for scheme files, evaluated on Decimal only.

Built on simpleeval, further narrowed: arithmetic (``+ - * /``), comparisons,
``and / or / not``, ``x if c else y``, ``in`` on literal lists, subscripts
into lookup tables (``title_coef[title]``) and a whitelist of functions.  No
attribute access, no imports, no other calls.  Number literals become Decimal
from their written text, so ``0.8`` is exactly four fifths.
"""

from __future__ import annotations

import ast
import operator
import threading
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any

from simpleeval import InvalidExpression, NameNotDefined, SimpleEval

from perfcore.decimals import D, engine_context
from perfcore.decimals import show

__all__ = ["FUNCTIONS", "MAX_FORMULA_DEPTH", "MAX_FORMULA_LENGTH", "Formula", "FormulaError", "compile_formula"]

#: The longest formula of the presets has about 120 characters; 2,000 leave room and keep
#: evaluation cheap.
MAX_FORMULA_LENGTH = 2000
#: Nesting of the formula's syntax tree (a sum of n terms written with + nests n deep); the
#: presets need 12.  Much deeper trees exhaust Python's stack when parsed or evaluated (5,000
#: unary minus signs did), so they are refused at load.
MAX_FORMULA_DEPTH = 100


class FormulaError(ValueError):
    """A formula is malformed, uses something not allowed, or fails on its inputs."""

    def __init__(self, source: str, message: str, column: int | None = None):
        self.source = source
        self.column = column
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"formula {source!r}: {message}{where}")
        self.reason = message


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
        raise ValueError("mean of no values")
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
            raise TypeError(f"get() needs a table or mapping, got {type(node).__name__}")
        if key not in node:
            return Decimal(0)
        node = node[key]
    return node


def _max_lookup(table: Any, keys: Any) -> Decimal:
    """The highest value of ``table`` among ``keys`` (0 when none): 'the highest applicable one'."""
    if not isinstance(table, Mapping):
        raise TypeError(f"max_lookup() needs a table, got {type(table).__name__}")
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


_PLAIN = (Decimal, str, bool, int, type(None))


class _Evaluator(SimpleEval):
    def _check_disallowed_items(self, item: Any) -> None:
        # Fast path for the values formulas work on; anything else gets simpleeval's full check.
        if type(item) in _PLAIN:
            return
        super()._check_disallowed_items(item)

    def __init__(self) -> None:
        super().__init__(operators=dict(_OPERATORS), functions=dict(FUNCTIONS), names={})
        # Only what compile_formula lets through is ever evaluated; drop the rest.
        for node_type in (ast.Attribute, ast.JoinedStr, ast.FormattedValue, ast.Assign,
                          ast.AugAssign, ast.Import, ast.Slice):
            self.nodes.pop(node_type, None)
        self.nodes[ast.List] = self._eval_sequence
        self.nodes[ast.Tuple] = self._eval_sequence

    def _eval_sequence(self, node: ast.List | ast.Tuple) -> list[Any]:
        return [self._eval(item) for item in node.elts]


class Formula:
    """A compiled formula; call it with a mapping of names."""

    __slots__ = ("source", "names", "_node", "_local")

    def __init__(self, source: str, node: ast.expr, names: frozenset[str]):
        self.source = source
        self.names = names
        self._node = node
        # One evaluator per thread, reused: building simpleeval's tables per call was the cost.
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"Formula({self.source!r})"

    def __call__(self, names: Mapping[str, Any]) -> Any:
        evaluator = getattr(self._local, "evaluator", None)
        if evaluator is None:
            evaluator = self._local.evaluator = _Evaluator()
            evaluator.expr = self.source
        evaluator.names = names
        try:
            with engine_context():
                return evaluator._eval(self._node)
        except NameNotDefined as exc:
            raise FormulaError(self.source, f"no value for {exc.name!r}") from None
        except (DivisionByZero, ZeroDivisionError, InvalidOperation):
            raise FormulaError(self.source, "division by zero or invalid arithmetic") from None
        except ArithmeticError as exc:  # decimal.Overflow and the other decimal signals
            raise FormulaError(self.source, f"arithmetic out of range ({type(exc).__name__})") from None
        except RecursionError:
            raise FormulaError(self.source, "nested too deeply to evaluate") from None
        except (InvalidExpression, KeyError, TypeError, ValueError) as exc:
            raise FormulaError(self.source, f"cannot be evaluated: {exc}") from None


def compile_formula(source: str, known_names: Iterable[str] | None = None) -> Formula:
    """Parse and check ``source``; raise :class:`FormulaError` naming the position."""
    if not isinstance(source, str) or not source.strip():
        raise FormulaError(str(source)[:80], "empty formula")
    text = source.strip()
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(text[:60] + "…", f"{len(text):,} characters long; a formula may have at most "
                           f"{MAX_FORMULA_LENGTH:,}")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(text, f"syntax error: {exc.msg}", exc.offset) from None
    except (RecursionError, MemoryError):
        raise FormulaError(text[:60] + "…", f"nested more than {MAX_FORMULA_DEPTH} levels deep") from None
    depth = _depth(tree.body)
    if depth > MAX_FORMULA_DEPTH:
        raise FormulaError(text[:60] + ("…" if len(text) > 60 else ""),
                           f"nested {depth} levels deep; at most {MAX_FORMULA_DEPTH} are allowed")
    known = set(known_names) if known_names is not None else None
    names: set[str] = set()
    for node in ast.walk(tree):
        column = getattr(node, "col_offset", None)
        column = column + 1 if column is not None else None
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(text, f"{type(node).__name__} is not allowed", column)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                called = getattr(node.func, "id", type(node.func).__name__)
                raise FormulaError(text, f"call of {called!r} is not allowed "
                                   f"(allowed: {', '.join(sorted(FUNCTIONS))})", column)
            if node.keywords:
                raise FormulaError(text, "keyword arguments are not allowed", column)
        elif isinstance(node, ast.Name) and not _is_called(tree, node):
            names.add(node.id)
            if known is not None and node.id not in known and node.id not in ("True", "False"):
                raise FormulaError(text, f"unknown name {node.id!r}", column)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, (float, int)) and not isinstance(node.value, bool):
                written = ast.get_source_segment(text, node) or repr(node.value)
                try:
                    node.value = D(written if isinstance(node.value, float) else node.value)
                except ValueError as exc:
                    raise FormulaError(text, f"literal {written}: {exc}", column) from None
            elif node.value is not None and not isinstance(node.value, (str, bool)):
                raise FormulaError(text, f"literal {node.value!r} is not allowed", column)
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


def explain(source: str, names: Mapping[str, Any]) -> str:
    """The formula as the English breakdown shows it: each name followed by the number put in
    (a table looked up: its name and the value found), * / - as × ÷ −."""
    tree = ast.parse(source.strip(), mode="eval")

    def number(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return None
        return show(D(value), grouped=True)

    def named(code: str, value: Any) -> ast.Name:
        shown = number(value)
        return ast.Name(id=code if shown is None else f"{code} {shown}")

    class Shown(ast.NodeTransformer):
        def visit_Name(self, node):  # noqa: N802
            return node if node.id in ("True", "False", "None") else named(node.id, names.get(node.id))

        def visit_Subscript(self, node):  # noqa: N802
            if isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Name):
                table, key = names.get(node.value.id), names.get(node.slice.id)
                return named(node.value.id, table.get(key) if isinstance(table, Mapping) and isinstance(key, str)
                             else None)
            return self.generic_visit(node)

        def visit_Constant(self, node):  # noqa: N802
            shown = number(D(ast.get_source_segment(source.strip(), node) or node.value)
                           if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) else node.value)
            return ast.Name(id=shown) if shown is not None else node

        def visit_Call(self, node):  # noqa: N802
            node.args = [self.visit(a) for a in node.args]
            return node

    text = ast.unparse(Shown().visit(tree.body))
    for python, written in ((" / ", " ÷ "), (" * ", " × "), (" - ", " − "), (" == ", " = "), (" != ", " ≠ "),
                            (" <= ", " ≤ "), (" >= ", " ≥ "), (" not in ", " ∉ "), (" in ", " ∈ ")):
        text = text.replace(python, written)
    return text
