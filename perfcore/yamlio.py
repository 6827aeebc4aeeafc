"""Reading YAML and JSON so that numbers stay exact and every value knows its line."""

from __future__ import annotations

import json
from collections.abc import Hashable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import FileError, Problem, format_path
from .i18n import _

__all__ = [
    "MAX_DEPTH",
    "PERIOD_MAX_BYTES",
    "SCHEME_MAX_BYTES",
    "Document",
    "dump_text",
    "format_path",
    "load_document",
    "parse_text",
]

PathKey = tuple[Hashable, ...]

#: A scheme file is configuration: one mebibyte is far more than any real scheme needs.
SCHEME_MAX_BYTES = 1024 * 1024
#: A period file lists every subject of a period (≈ 200 bytes each): room for 500,000 of them.
PERIOD_MAX_BYTES = 128 * 1024 * 1024
#: Nesting deeper than this is no scheme or period file (and would exhaust the parser's stack).
MAX_DEPTH = 64


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader that reads YAML floats as Decimal from their written text.

    Anchors and aliases are refused where they are composed, before anything is expanded:
    a few kilobytes of nested aliases would otherwise expand into gigabytes ("billion laughs").
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
            raise _Refused(f"YAML anchors and aliases are not allowed (found {kind}{event.anchor}); "
                           "write the values out", event.start_mark)
        depth = getattr(self, "_perf_depth", 0)
        if depth >= MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        self._perf_depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._perf_depth = depth


class _Refused(Exception):
    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # .nan and .inf become non-finite Decimals: the checks that read them name the field
    # ("not a finite number") instead of failing the whole file as malformed YAML.
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower().lstrip("+-")
    if lowered == ".nan":
        return Decimal("NaN")
    if lowered == ".inf":
        return Decimal("-Infinity") if text.startswith("-") else Decimal("Infinity")
    return Decimal(text)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _walk(root: yaml.Node, lines: dict[PathKey, int]) -> None:
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = path + (key_node.value,)
                lines[key] = key_node.start_mark.line + 1
                stack.append((value_node, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, path + (index,)))


def _non_finite(data: Any, document: Document) -> list[Problem]:
    """Every NaN or infinite number of the data, with its path and line."""
    problems = []
    stack: list[tuple[Any, PathKey]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Decimal) and not node.is_finite():
            problems.append(document.problem(path, "infinite or NaN number is not allowed", node))
        elif isinstance(node, dict):
            stack.extend((value, path + (key,)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, path + (index,)) for index, value in enumerate(node))
    return sorted(problems, key=lambda p: (p.line or 0, p.path))


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
            return Problem(tuple(path), message, file=self.file, line=self.line_of(path), **kw)
        return Problem(tuple(path), message, value, file=self.file, line=self.line_of(path))


def _too_large(size: int, max_bytes: int, file: str | None) -> FileError:
    return FileError([Problem("", _('the file is {size} bytes; at most {max_bytes} bytes are read ({value} MiB)', size=format(size, ','), max_bytes=format(max_bytes, ','), value=max_bytes // 1024 // 1024), file=file)])


def parse_text(text: str, file: str | None, *, json_format: bool = False,
               max_bytes: int = SCHEME_MAX_BYTES) -> Document:
    """Parse YAML (or JSON) text into a :class:`Document`; raises :class:`FileError` on bad syntax.

    Text longer than ``max_bytes`` (UTF-8), YAML anchors and aliases, nesting deeper than
    :data:`MAX_DEPTH` and NaN or infinite numbers are refused, each naming its line.
    """
    size = len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > max_bytes else len(text)
    if size > max_bytes:
        raise _too_large(size, max_bytes, file)
    if json_format:
        try:
            data = json.loads(text, parse_float=Decimal, parse_constant=Decimal)
        except json.JSONDecodeError as exc:
            raise FileError([Problem("", _('malformed JSON: {msg}', msg=exc.msg), file=file, line=exc.lineno)]) from None
        except RecursionError:
            raise FileError([Problem("", _('malformed JSON: nested more than {MAX_DEPTH} levels deep', MAX_DEPTH=MAX_DEPTH),
                                     file=file)]) from None
        document = Document(data, file)
    else:
        loader = _DecimalLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return Document(None, file)
            data = loader.construct_document(node)
        except _Refused as exc:
            raise FileError([Problem("", exc.message, file=file, line=exc.line)]) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
            raise FileError([Problem("", _('malformed YAML: {message}', message=message), file=file, line=line)]) from None
        except yaml.YAMLError as exc:
            raise FileError([Problem("", _('malformed YAML: {exc}', exc=exc), file=file)]) from None
        finally:
            loader.dispose()
        lines: dict[PathKey, int] = {}
        _walk(node, lines)
        document = Document(data, file, lines)
    problems = _non_finite(document.data, document)
    if problems:
        raise FileError(problems)
    return document


def load_document(path: str | Path, *, max_bytes: int = SCHEME_MAX_BYTES) -> Document:
    """Read a YAML or JSON file (by suffix; JSON also accepted as YAML), at most ``max_bytes`` long."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes, str(path))
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileError([Problem("", _('file not found'), file=str(path))]) from None
    except IsADirectoryError:
        raise FileError([Problem("", _('a folder, not a file'), file=str(path))]) from None
    except UnicodeDecodeError as exc:
        raise FileError([Problem("", _('not UTF-8 text: {reason}', reason=exc.reason), file=str(path))]) from None
    return parse_text(text, str(path), json_format=path.suffix.lower() == ".json", max_bytes=max_bytes)


class _DecimalDumper(yaml.SafeDumper):
    """SafeDumper that writes Decimals as the YAML numbers they are (read back exactly)."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if value == value.to_integral_value() and "." not in text else \
        "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_DecimalDumper.add_representer(Decimal, _represent_decimal)


def dump_text(data: Any) -> str:
    """A document (mappings, lists, text, Decimals …) as YAML text that :func:`parse_text` reads back
    equal: keys in their order, Chinese kept readable, numbers exact."""
    return yaml.dump(data, Dumper=_DecimalDumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False)
