"""Exception types.  Each carries every problem found, each naming file, path and value."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .i18n import Message, _, render

__all__ = [
    "FileError",
    "InputError",
    "PerfcoreError",
    "Problem",
    "SchemeError",
    "UnknownSchemeError",
]

_NO_VALUE: Any = object()


class Problem:
    """One problem in a scheme or period file.

    ``message`` is the text in the current locale (:func:`perfcore.use_locale`); ``msg`` the
    message itself, to render in another (``render(locale)`` renders the whole line).
    """

    __slots__ = ("path", "msg", "value", "file", "line")

    def __init__(self, path: str, message: Message | str, value: Any = _NO_VALUE, file: str | None = None,
                 line: int | None = None):
        self.path = path
        self.msg = message
        self.value = value
        self.file = file
        self.line = line

    @property
    def message(self) -> str:
        return render(self.msg)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Problem({self.path!r}, {self.message!r}, file={self.file!r}, line={self.line!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.path, self.message, self.value, self.file, self.line) == \
            (other.path, other.message, other.value, other.file, other.line)

    def __hash__(self) -> int:
        return hash((self.path, self.message, self.file, self.line))

    def render(self, locale: str | None = None) -> str:
        """``file:line: path: message (got value)`` in ``locale`` (default: the current one)."""
        where = self.file or _("<input>").render(locale)
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {self.path or _('(top)').render(locale)}: {render(self.msg, locale)}"
        if self.value is not _NO_VALUE:
            text += _(" (got {value})", value=_show(self.value)).render(locale)
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
        super().__init__(self.problems)

    def _head(self) -> Message:
        return _("{count} problem", count=len(self.problems)) if len(self.problems) == 1 else \
            _("{count} problems", count=len(self.problems))

    def render(self, locale: str | None = None) -> str:
        """Every problem, one per line, in ``locale`` (default: the current one)."""
        return self._head().render(locale) + ":\n" + "\n".join(f"  {p.render(locale)}" for p in self.problems)

    def __str__(self) -> str:
        return self.render()


class SchemeError(_ProblemsError):
    """A scheme file is invalid; ``problems`` lists all that was found at once."""

    def _head(self) -> Message:
        return _("{count} scheme problem", count=len(self.problems)) if len(self.problems) == 1 else \
            _("{count} scheme problems", count=len(self.problems))


class InputError(_ProblemsError):
    """A period input does not fit its scheme; ``problems`` lists all of them."""

    def _head(self) -> Message:
        return _("{count} input problem", count=len(self.problems)) if len(self.problems) == 1 else \
            _("{count} input problems", count=len(self.problems))


class FileError(_ProblemsError):
    """A file cannot be read or parsed (missing, not UTF-8, malformed YAML/JSON)."""

    def _head(self) -> Message:
        return _("{count} file problem", count=len(self.problems)) if len(self.problems) == 1 else \
            _("{count} file problems", count=len(self.problems))


class UnknownSchemeError(PerfcoreError, LookupError):
    """No preset has that id and no file has that path."""

    def __init__(self, name: str, known: Iterable[str]):
        self.name = name
        self.known = sorted(known)
        super().__init__(name)

    def render(self, locale: str | None = None) -> str:
        return _("unknown scheme {name}: not a preset id ({known}) nor a scheme file",
                 name=repr(self.name), known=", ".join(self.known)).render(locale)

    def __str__(self) -> str:
        return self.render()
