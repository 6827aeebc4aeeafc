"""Exception types.  Each carries every problem found, each naming file, path and value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "FileError",
    "InputError",
    "PerfcoreError",
    "Problem",
    "SchemeError",
    "UnknownSchemeError",
]

_NO_VALUE: Any = object()


@dataclass(frozen=True)
class Problem:
    """One problem in a scheme or period file."""

    path: str
    message: str
    value: Any = field(default=_NO_VALUE)
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {self.path or '(top)'}: {self.message}"
        if self.value is not _NO_VALUE:
            text += f" (got {_show(self.value)})"
        return text

    @property
    def has_value(self) -> bool:
        return self.value is not _NO_VALUE


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 120 else text[:117] + "..."


class PerfcoreError(Exception):
    """Base class of every error perfcore raises on purpose."""


class _ProblemsError(PerfcoreError, ValueError):
    kind = "problem"

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        head = f"{count} {self.kind}{'s' if count != 1 else ''}"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class SchemeError(_ProblemsError):
    """A scheme file is invalid; ``problems`` lists all that was found at once."""

    kind = "scheme problem"


class InputError(_ProblemsError):
    """A period input does not fit its scheme; ``problems`` lists all of them."""

    kind = "input problem"


class FileError(_ProblemsError):
    """A file cannot be read or parsed (missing, not UTF-8, malformed YAML/JSON)."""

    kind = "file problem"


class UnknownSchemeError(PerfcoreError, LookupError):
    """No preset has that id and no file has that path."""

    def __init__(self, name: str, known: Iterable[str]):
        self.name = name
        self.known = sorted(known)
        super().__init__(
            f"unknown scheme {name!r}: not a preset id ({', '.join(self.known)}) nor a scheme file"
        )
