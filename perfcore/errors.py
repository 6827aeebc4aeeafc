"""Exception types.  Each carries every problem found, each naming file, path and value."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .i18n import Message, N_, _, render

__all__ = [
    "FileError",
    "Location",
    "format_path",
    "parse_path",
    "pydantic_message",
    "InputError",
    "PerfcoreError",
    "Problem",
    "SchemeError",
    "UnknownSchemeError",
]

_NO_VALUE: Any = object()

#: Where a problem stands in its document: keys and list indexes, ``("subjects", 3, "scores", "head")``.
Location = tuple[str | int, ...]

_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def format_path(location: Location) -> str:
    """``("subjects", 3, "scores")`` → ``"subjects[3].scores"`` (how a problem is shown)."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_path(text: str) -> Location:
    """``"subjects[3].scores"`` → ``("subjects", 3, "scores")``: for a problem made from a shown path."""
    return tuple(int(index) if index else name for index, name in _PATH_PART.findall(text or ""))


class Problem:
    """One problem in a scheme or period file.

    ``message`` is the text in the current locale (:func:`perfcore.use_locale`); ``msg`` the
    message itself, to render in another (``render(locale)`` renders the whole line).
    """

    __slots__ = ("path", "location", "msg", "value", "file", "line")

    def __init__(self, path: str | Location, message: Message | str, value: Any = _NO_VALUE,
                 file: str | None = None, line: int | None = None):
        if isinstance(path, tuple):
            self.location: Location = path
            self.path = format_path(path)
        else:
            self.location = parse_path(path)
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
        return f"{where}: {self.path or _('(top)').render(locale)}: {self.detail(locale)}"

    @property
    def has_value(self) -> bool:
        return self.value is not _NO_VALUE

    @property
    def subject_index(self) -> int | None:
        """The index of the subject (``subjects[i]``) this problem is about, or None (the period's)."""
        where = self.location
        return where[1] if len(where) > 1 and where[0] == "subjects" and isinstance(where[1], int) else None

    @property
    def field_path(self) -> str:
        """Where in its subject (``scores.head``), or in the document when it is no subject's."""
        return format_path(self.location[2:] if self.subject_index is not None else self.location)

    def detail(self, locale: str | None = None) -> str:
        """The message and the value, without the file and the path: "must be 0..100 (got 250)"."""
        text = render(self.msg, locale)
        if self.value is not _NO_VALUE:
            text += _(" (got {value})", value=_show(self.value)).render(locale)
        return text


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


#: pydantic's messages, by error type, as templates of its context: rendered in English they are
#: pydantic's own words (checked, else its text is used as it is); other languages translate them.
_PYDANTIC: dict[str, str] = {
    "missing": N_("Field required"),
    "string_type": N_("Input should be a valid string"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "tuple_type": N_("Input should be a valid tuple"),
    "decimal_type": N_("Decimal input should be an integer, float, string or Decimal object"),
    "decimal_parsing": N_("Input should be a valid decimal"),
    "date_type": N_("Input should be a valid date"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, {error}"),
    "literal_error": N_("Input should be {expected}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "string_too_short": N_("String should have at least {min_length} character"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "too_short": N_("{field_type} should have at least {min_length} item after validation, not {actual_length}"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
}


def pydantic_message(error: Mapping[str, Any], *, value_error_prefix: bool = True) -> Message | str:
    """A pydantic error as a message: ``extra_forbidden`` as "unknown key …", a validator's own
    message (perfcore's, translated) for value errors, pydantic's words (by type) otherwise."""
    kind = error.get("type")
    context = dict(error.get("ctx") or {})
    if kind == "extra_forbidden":
        return _("unknown key {key}", key=repr(error["loc"][-1]))
    if kind == "value_error" and "error" in context:
        reason = context["error"].args[0] if context["error"].args else str(context["error"])
        return _("Value error, {error}", error=reason) if value_error_prefix else reason
    template = _PYDANTIC.get(str(kind))
    if template is not None:
        message = Message(template, {k: str(v) for k, v in context.items()})
        try:
            if message.render("en") == error["msg"]:
                return message
        except (KeyError, IndexError, ValueError):
            pass
    return str(error["msg"])
