"""Messages in the reader's language: every reason, breakdown step and error perfcore writes.

A message is created with :func:`_` from an English template with ``{named}`` fields; it keeps
the template and its arguments and is rendered when read — in the locale given, or the current
one (:func:`use_locale`), through gettext catalogs compiled with Babel
(``perfcore/locale/<locale>/LC_MESSAGES/perfcore.mo``).  English is the template itself.

>>> step = _("{name}: {count} × {points} = {total}", name="表扬", count="1", points="10", total="10")
>>> step.render("en")
'表扬: 1 × 10 = 10'
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["LOCALES", "Message", "N_", "Seq", "current_locale", "named", "normalize_locale", "p_", "render", "scheme_text", "set_default_locale", "use_locale"]

#: The locales perfcore ships catalogs for (English is the source text).
LOCALES = ("en", "zh_CN")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "perfcore"

_LOCALE: ContextVar[str | None] = ContextVar("perfcore_locale", default=None)
_DEFAULT = ["en"]  # the process's locale when no block chose one (the command line sets it)


def normalize_locale(name: str | None) -> str:
    """``zh_CN.UTF-8``, ``zh-cn``, ``zh_Hans``, ``zh`` → ``zh_CN``; anything else → ``en``."""
    if not name:
        return "en"
    base = str(name).split(".")[0].split("@")[0].replace("-", "_")
    language = base.split("_")[0].lower()
    return "zh_CN" if language == "zh" else "en"


def current_locale() -> str:
    """The locale messages render in: :func:`use_locale`'s, else the process default (``en``)."""
    return _LOCALE.get() or _DEFAULT[0]


def set_default_locale(name: str | None) -> str:
    """The process's locale (a command line's ``--lang``); returns it, normalized."""
    _DEFAULT[0] = normalize_locale(name)
    return _DEFAULT[0]


@contextmanager
def use_locale(name: str | None) -> Iterator[str]:
    """Render messages (reasons, errors) in ``name`` inside the block."""
    token = _LOCALE.set(normalize_locale(name))
    try:
        yield current_locale()
    finally:
        _LOCALE.reset(token)


def locale_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """The locale the environment asks for, as gettext reads it: LANGUAGE, LC_ALL, LC_MESSAGES, LANG."""
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(key)
        if value:
            return normalize_locale(value.split(":")[0])
    return "en"


@lru_cache(maxsize=None)
def _translations(locale: str) -> gettext.NullTranslations:
    if locale == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale], fallback=True)


class Seq(list):  # type: ignore[type-arg]
    """Items joined by a fixed separator in every language ("; " between reasons)."""

    def __init__(self, items: Any, separator: str):
        super().__init__(items)
        self.separator = separator


def _text(value: Any, locale: str) -> str:
    if isinstance(value, Message):
        return value.render(locale)
    if isinstance(value, Seq):
        return value.separator.join(_text(item, locale) for item in value)
    if isinstance(value, (list, tuple)):
        separator = "、" if locale == "zh_CN" else ", "
        return separator.join(_text(item, locale) for item in value)
    return str(value)


class Message:
    """An English template and its arguments, rendered in a locale when read.

    Arguments are text (numbers already formatted as the reason shows them), other messages
    (rendered in the same locale) or lists of those (joined as the locale joins them).
    """

    __slots__ = ("template", "args", "context")

    def __init__(self, template: str, args: Mapping[str, Any] | None = None, context: str | None = None):
        self.template = template
        self.args = dict(args) if args else {}
        self.context = context

    def render(self, locale: str | None = None) -> str:
        locale = normalize_locale(locale) if locale else current_locale()
        if locale == "en":
            text = self.template
        elif self.context == "scheme":
            text = self.template
        elif self.context:
            text = _translations(locale).pgettext(self.context, self.template)
        else:
            text = _translations(locale).gettext(self.template)
        if not self.args:
            return text
        return text.format_map({name: _text(value, locale) for name, value in self.args.items()})

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.template!r}, {self.args!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return (self.template, self.context, self.args) == (other.template, other.context, other.args)
        if isinstance(other, str):  # as read: in the current locale
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:  # equal to a str only as rendered now, so hash as rendered now
        return hash(str(self))

    def __add__(self, other: object) -> str:
        return str(self) + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + str(self)

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def to_json(self) -> dict[str, Any]:
        """The message as data (template, context, arguments), to render later in any locale."""
        out: dict[str, Any] = {"id": self.template}
        if self.args:  # no arguments: no key (a third of the steps; the results are stored by the thousand)
            out["args"] = {k: _json_value(v) for k, v in self.args.items()}
        if self.context:
            out["ctx"] = self.context
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        def value(v: Any) -> Any:
            if isinstance(v, Mapping):
                if "seq" in v:
                    return Seq([value(x) for x in v["seq"]], str(v.get("sep", "; ")))
                if "id" in v:
                    return cls.from_json(v)
            if isinstance(v, list):
                return [value(x) for x in v]
            return v
        return cls(str(data["id"]), {k: value(v) for k, v in (data.get("args") or {}).items()}, data.get("ctx"))


def _json_value(v: Any) -> Any:
    """An argument as JSON data; a hot path of the results' export, hence the exact-type tests first."""
    kind = type(v)
    if kind is str or kind is int or kind is bool or v is None:
        return v
    if kind is Message:
        return v.to_json()
    if kind is Seq:  # its separator is the message's, not the locale's
        return {"seq": [_json_value(x) for x in v], "sep": v.separator}
    if kind is list or kind is tuple:
        return [_json_value(x) for x in v]
    if isinstance(v, Message):
        return v.to_json()
    if isinstance(v, (list, tuple)):
        return [_json_value(x) for x in v]
    return v if isinstance(v, (str, int, bool)) else str(v)


def _(template: str, /, **args: Any) -> Message:
    """A message: ``template`` is English with ``{name}`` fields; Babel extracts it."""
    return Message(template, args)


def p_(context: str, template: str, /, **args: Any) -> Message:
    """A message with a gettext context, for the same English read differently in other languages."""
    return Message(template, args, context)


def named(code: str, name: str | None = None) -> Message | str:
    """A code where English shows the code and other languages the scheme's name for it
    (a rater role: ``superior`` / 护士长)."""
    if not name or name == code:
        return code
    return p_("label", "{code}", code=code, name=name)


def scheme_text(text: str, /, **args: Any) -> Message:
    """Words of a scheme (an exclusion reason, a flag's reason): shown as the scheme says them, in
    every language — they are the scheme author's, not perfcore's."""
    return Message(text, args, "scheme")


def N_(template: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark a template for extraction where it is used later (a constant)."""
    return template


def render(value: Any, locale: str | None = None) -> str:
    """A message, or anything else as text, in ``locale`` (default: the current one)."""
    if isinstance(value, Message):
        return value.render(locale)
    return "" if value is None else str(value)
