"""Reading YAML and JSON so that numbers stay exact and every value knows its line."""

from __future__ import annotations

import json
from collections.abc import Hashable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import FileError, Problem

__all__ = ["Document", "format_path", "load_document", "parse_text"]

PathKey = tuple[Hashable, ...]


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader that reads YAML floats as Decimal from their written text."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered.lstrip("+-") in (".inf", ".nan"):
        raise yaml.constructor.ConstructorError(
            None, None, f"infinite or NaN number {text!r} is not allowed", node.start_mark
        )
    return Decimal(text)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _walk(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            _walk(value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), lines)


class Document:
    """Parsed data plus where each path stands in the file."""

    def __init__(self, data: Any, file: str | None, lines: dict[PathKey, int] | None = None):
        self.data = data
        self.file = file
        self.lines = lines or {}

    def line_of(self, path: PathKey) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def problem(self, path: PathKey, message: str, value: Any = ..., **kw: Any) -> Problem:
        if value is ...:
            return Problem(format_path(path), message, file=self.file, line=self.line_of(path), **kw)
        return Problem(format_path(path), message, value, file=self.file, line=self.line_of(path))


def format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_text(text: str, file: str | None, *, json_format: bool = False) -> Document:
    """Parse YAML (or JSON) text; raises ``Problem`` wrapped in ValueError on bad syntax."""
    if json_format:
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise FileError([Problem("", f"malformed JSON: {exc.msg}", file=file, line=exc.lineno)]) from None
        return Document(data, file)
    loader = _DecimalLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, file)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise FileError([Problem("", f"malformed YAML: {message}", file=file, line=line)]) from None
    except yaml.YAMLError as exc:
        raise FileError([Problem("", f"malformed YAML: {exc}", file=file)]) from None
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    _walk(node, (), lines)
    return Document(data, file, lines)


def load_document(path: str | Path) -> Document:
    """Read a YAML or JSON file (by suffix; JSON also accepted as YAML)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileError([Problem("", "file not found", file=str(path))]) from None
    except UnicodeDecodeError as exc:
        raise FileError([Problem("", f"not UTF-8 text: {exc.reason}", file=str(path))]) from None
    return parse_text(text, str(path), json_format=path.suffix.lower() == ".json")
