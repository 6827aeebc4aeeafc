"""perfcore's message catalogs, with Babel: extract the messages from the code, merge them into
each locale's .po, compile the .mo files that ship in the package.

    python tools/catalog.py            # extract → perfcore/locale/perfcore.pot, update every .po, compile
    python tools/catalog.py --check    # exit 1 when a message has no translation or a .mo is stale

Messages are marked with ``_("English {field}", field=…)``, ``p_(context, …)`` and ``N_(…)``
(perfcore.i18n); translations keep the fields' names (they may leave some out).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "perfcore"
LOCALE_DIR = PACKAGE / "locale"
TEMPLATE = LOCALE_DIR / "perfcore.pot"
KEYWORDS = {"_": None, "N_": None, "p_": ((1, "c"), 2)}
#: Fields a translation may use beyond the English template's (the message carries them for it):
#: a labelled code reads "superior" in English and the scheme's name for it, 护士长, in Chinese.
EXTRA_FIELDS = {("label", "{code}"): {"name"}, (None, "score of {code} out of its scale {scale}"): {"name"}}

__all__ = ["compiled", "extract", "po_path", "problems"]


def extract() -> Catalog:
    """Every message of the code (English templates), with where it is used."""
    catalog = Catalog(project="perfcore", charset="utf-8", fuzzy=False)
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS):
        catalog.add(message[0] if isinstance(message, tuple) else message,
                    locations=[(f"perfcore/{filename}", lineno)], context=context, flags=["python-brace-format"])
    return catalog


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "perfcore.po"


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _po_messages(catalog: Catalog) -> dict:
    """{(context, id): translation} of the translated messages a .mo compiled from ``catalog`` holds."""
    return {(m.context, m.id): m.string for m in catalog if m.id and m.string and not m.fuzzy}


def _messages(mo: Path) -> dict:
    """The same of a compiled .mo: compared by its messages, not its bytes (Babel's layout of a .mo
    may change between versions; what the program reads does not)."""
    with mo.open("rb") as handle:
        catalog = read_mo(handle)
    return _po_messages(catalog)


def _fields(text: str) -> set[str]:
    import string

    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name}


def problems(locale: str) -> list[str]:
    """What is wrong with a locale's catalog: untranslated or unknown messages, fields the English
    does not have, a .mo that is not the .po compiled."""
    template = extract()
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    out = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        if translated is None or not translated.string:
            out.append(f"{locale}: no translation of {message.id!r}")
        elif not _fields(translated.string) <= _fields(message.id) | EXTRA_FIELDS.get((message.context, message.id), set()):
            out.append(f"{locale}: {message.id!r} → {translated.string!r} uses fields the English has not")
    known = {(m.id, m.context) for m in template}
    out += [f"{locale}: {m.id!r} is translated but no longer used" for m in catalog if m.id and (m.id, m.context) not in known]
    mo = po_path(locale).with_suffix(".mo")
    if not mo.exists() or _messages(mo) != _po_messages(catalog):
        out.append(f"{locale}: {mo.relative_to(ROOT)} is not the .po compiled (run tools/catalog.py)")
    return out


def main(argv: list[str]) -> int:
    locales = sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())
    if "--check" in argv:
        found = [p for locale in locales for p in problems(locale)]
        print("\n".join(found) or "catalogs complete")
        return 1 if found else 0
    template = extract()
    with TEMPLATE.open("wb") as handle:
        write_po(handle, template, width=120, omit_header=True, sort_output=True)
    for locale in locales:
        with po_path(locale).open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with po_path(locale).open("wb") as handle:
            write_po(handle, catalog, width=120, omit_header=False, sort_output=True, include_previous=False)
        po_path(locale).with_suffix(".mo").write_bytes(compiled(catalog))
        untranslated = [m.id for m in catalog if m.id and not m.string]
        print(f"{locale}: {len(catalog)} messages, {len(untranslated)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
