"""The text layer of a rendered PDF named by the ideographs it shows.

A CJK font may draw 长 and the radical ⻓ (U+2ED3) with one glyph; wkhtmltopdf (Qt) names each
glyph in the font's ToUnicode map by the first code point the font maps to it, so text copied or
searched in the notice reads 护士⻓ 部⻔, and a search for 护士长 finds nothing.  The maps are
rewritten with Unicode's equivalent ideographs, as an incremental update appended to the file:
every byte Odoo and the renderer wrote stays as it is (its outlines split a batch per record)."""

import io
import logging
import re
import zlib

from .cjk_radicals import EQUIVALENT_IDEOGRAPH

_logger = logging.getLogger(__name__)

_TOKEN = re.compile(rb"<([0-9A-Fa-f]*)>|(\[)|(\])")
_BLOCK = re.compile(rb"(\d+\s+begin(bfchar|bfrange))(.*?)(end\2)", re.S)
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")

__all__ = ["named_by_ideographs"]


def _ideographs(hex_text):
    """A ToUnicode destination (UTF-16BE hex) with radicals replaced by their ideographs."""
    try:
        text = bytes.fromhex(hex_text.decode()).decode("utf-16-be")
    except ValueError:
        return hex_text
    fixed = "".join(chr(EQUIVALENT_IDEOGRAPH.get(ord(c), ord(c))) for c in text)
    return hex_text if fixed == text else fixed.encode("utf-16-be").hex().upper().encode()


def _tokens(body):
    return [(m.group(1), b"[" if m.group(2) else b"]" if m.group(3) else None) for m in _TOKEN.finditer(body)]


def _fixed_bfchar(body):
    tokens = [hex_text for hex_text, _bracket in _tokens(body)]
    pairs = zip(tokens[0::2], tokens[1::2])
    return b"\n" + b"".join(b"<%s> <%s>\n" % (src, _ideographs(dst)) for src, dst in pairs)


def _fixed_bfrange(body):
    tokens, out, index = _tokens(body), [], 0
    while index + 2 < len(tokens):
        low, high = tokens[index][0], tokens[index + 1][0]
        index += 2
        if tokens[index][1] == b"[":
            array = []
            index += 1
            while index < len(tokens) and tokens[index][1] != b"]":
                array.append(_ideographs(tokens[index][0]))
                index += 1
            index += 1
        else:  # one destination, incremented along the range: spelled out where a radical changes
            start, index = tokens[index][0], index + 1
            count = int(high, 16) - int(low, 16) + 1
            base = int(start, 16) if len(start) == 4 else None
            if base is None or not any(base + i in EQUIVALENT_IDEOGRAPH for i in range(count)):
                out.append(b"<%s> <%s> <%s>\n" % (low, high, start))
                continue
            array = [_ideographs(b"%04X" % (base + i)) for i in range(count)]
        out.append(b"<%s> <%s> [%s]\n" % (low, high, b" ".join(b"<%s>" % d for d in array)))
    return b"\n" + b"".join(out)


def _fixed_cmap(data):
    def block(match):
        fix = _fixed_bfchar if match.group(2) == b"bfchar" else _fixed_bfrange
        return match.group(1) + fix(match.group(3)) + match.group(4)

    return _BLOCK.sub(block, data)


def named_by_ideographs(pdf):
    """The PDF with its fonts' ToUnicode maps naming ideographs, not radicals (unchanged when none does,
    or when the file is not one this can update safely)."""
    from odoo.tools.pdf import PdfFileReader

    end = _STARTXREF.search(pdf[-64:])
    if not end or b"trailer" not in pdf[-4096:]:
        return pdf  # a cross-reference stream: left as it is
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        changed = {}
        for page in reader.pages:
            fonts = page.get("/Resources", {}).get_object().get("/Font", {})
            for ref in fonts.get_object().values():
                maps = ref.get_object().raw_get("/ToUnicode") if "/ToUnicode" in ref.get_object() else None
                if maps is None or not hasattr(maps, "idnum") or (maps.idnum, maps.generation) in changed:
                    continue
                data = maps.get_object().get_data()
                fixed = _fixed_cmap(data)
                if fixed != data:
                    changed[maps.idnum, maps.generation] = fixed
        if not changed:
            return pdf
        trailer = reader.trailer
        root = trailer.raw_get("/Root")
        info = trailer.raw_get("/Info") if "/Info" in trailer else None
        size = int(trailer["/Size"])
    except Exception:  # noqa: BLE001 - a PDF this cannot read is left as the renderer wrote it
        _logger.warning("could not rewrite the text layer of a PDF", exc_info=True)
        return pdf
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets = {}
    for (number, generation), data in sorted(changed.items()):
        stream = zlib.compress(data)
        offsets[number] = (len(out), generation)
        out += b"%d %d obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % (number, generation, len(stream))
        out += stream + b"\nendstream\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for number, (offset, generation) in sorted(offsets.items()):
        out += b"%d 1\n%010d %05d n \n" % (number, offset, generation)
    out += b"trailer\n<< /Size %d /Root %d %d R%s /Prev %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, root.idnum, root.generation, b" /Info %d %d R" % (info.idnum, info.generation) if info else b"",
        end.group(1), xref)
    return bytes(out)
