"""Odoo exports an addon's terms with Babel's Python extractor, which (in the Babel Odoo 18 ships
with) evaluates every string token inside a translated call: one f-string argument there
(``cells=f"{MAX:,}"``) and the whole file's terms are left out of the zh_CN catalog, with no test
failing. No addon file passes an f-string inside ``_(…)``/``env._(…)``/``_lt(…)``."""

import io
import re
import tokenize
from pathlib import Path

import pytest

ADDONS_ROOT = Path(__file__).resolve().parents[2] / "odoo_addon_perf"
FILES = sorted(p for p in ADDONS_ROOT.rglob("*.py") if "/tests/" not in p.as_posix())
KEYWORDS = {"_", "_lt"}
F_PREFIX = re.compile(r"^[rRbBuU]*[fF]")


def f_strings_in_translated_calls(source: str) -> list[int]:
    """Line numbers of f-strings among the arguments of a translated call (Babel reads the call's own
    arguments, not those of calls and parentheses nested in them)."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    found = []
    for index, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in KEYWORDS or tokens[index + 1].string != "(":
            continue
        depth = 0
        for inner in tokens[index + 1:]:
            if inner.string == "(":
                depth += 1
            elif inner.string == ")":
                depth -= 1
                if depth == 0:
                    break
            elif depth == 1 and ((inner.type == tokenize.STRING and F_PREFIX.match(inner.string))
                                 or inner.type == getattr(tokenize, "FSTRING_START", -1)):
                found.append(inner.start[0])
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ADDONS_ROOT)))
def test_no_f_string_inside_a_translated_call(path: Path) -> None:
    assert f_strings_in_translated_calls(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_one() -> None:
    assert f_strings_in_translated_calls('x = env._("%(n)s cells", n=f"{N:,}")\n') == [1]
    assert f_strings_in_translated_calls('most = f"{N:,}"\nx = env._("%(n)s cells", n=most)\n') == []
    assert f_strings_in_translated_calls('x = env._("%s", ", ".join(f"{a}" for a in b))\n') == []
    assert len(FILES) > 40
