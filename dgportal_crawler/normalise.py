"""Text normalisation: script (traditional → simplified), character width and whitespace.

Every function is pure and cheap to call on text that needs no change. The OpenCC tables are
loaded on first use (never at import) and cached for the life of the process.

Width policy (applied to ``text`` and ``title``, never to the ``*_original`` fields):

* full-width ASCII letters and digits (``Ａ`` ``１``) become ASCII, and the full-width vertical
  bar ``｜`` becomes ``|`` — a separator, not Chinese punctuation;
* ASCII ``, : ; ? !`` next to a CJK character become full-width (``，：；？！``), because a
  browser text capture narrows them while the site writes them full-width: the capture and
  the page then give the same text. Between digits (``10:14``, ``4,000``) they stay ASCII.

So the seed capture's ``一把手訪談|寮廈:今年…`` becomes ``一把手访谈|寮厦：今年…``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Minority share of script-specific characters above which a text is "mixed" rather than
#: "hans" or "hant" (a few traditional names in a simplified article stay "hans").
MIXED_THRESHOLD = 0.2

_SPACE_CHARS = "\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_WS_TABLE = {ord(c): " " for c in _SPACE_CHARS} | {ord(c): None for c in _INVISIBLE_CHARS}

# Full-width letters/digits (U+FF10–FF19, FF21–FF3A, FF41–FF5A) and the bar → ASCII.
_NARROW_TABLE = {
    code: code - 0xFEE0
    for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
} | {ord("｜"): "|", 0x3000: " "}
_NARROWABLE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff5c\u3000]")
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")  # str.split() already splits the spaces
_WIDE_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
CJK_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Punctuation with a CJK character right before it, or right after it (spaces skipped).
_CJK_PUNCT = re.compile(rf"(?<=[{CJK_CLASS}])[,:;?!]|[,:;?!](?=\s*[{CJK_CLASS}])")


@dataclass(frozen=True, slots=True)
class _ScriptTables:
    """Everything derived from the OpenCC tables, built once."""

    converter: object  # opencc.OpenCC('t2s'); typed loosely, the package has no stubs
    char_table: dict[int, str]  # traditional char → simplified, one code point each
    phrase_re: re.Pattern[str] | None  # any t2s phrase key: such text goes through OpenCC
    traditional: frozenset[str]  # chars changed by t2s
    traditional_only: frozenset[str]  # … and not changed by s2t
    simplified_only: frozenset[str]  # chars changed by s2t and not by t2s


@lru_cache(maxsize=1)
def _tables() -> _ScriptTables:
    """Build the conversion tables from OpenCC's own dictionaries (first call only)."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    s2t = opencc.OpenCC("s2t")
    t2s.convert("")  # forces the dictionaries to load
    s2t.convert("")
    phrases, chars = (entry[2] for entry in _group(t2s))
    s2t_chars = _group(s2t)[1][2]
    # Ask the converter itself so the fast path gives exactly what OpenCC gives.
    char_table = {ord(c): t2s.convert(c) for c in chars if len(c) == 1}
    char_table = {k: v for k, v in char_table.items() if v != chr(k)}
    traditional = frozenset(chr(k) for k in char_table)
    simplified = frozenset(c for c in s2t_chars if len(c) == 1 and s2t.convert(c) != c)
    keys = sorted(phrases, key=len, reverse=True)
    phrase_re = re.compile("|".join(map(re.escape, keys))) if keys else None
    return _ScriptTables(
        t2s, char_table, phrase_re, traditional, traditional - simplified, simplified - traditional
    )


def _group(converter: object) -> list[tuple[int, int, dict[str, str]]]:
    """The (phrases, characters) dictionary group of a one-step OpenCC conversion."""
    chain = converter._dict_chain_data  # type: ignore[attr-defined]
    return list(chain[0])


def detect_script(text: str) -> str:
    """``"hans"``, ``"hant"`` or ``"mixed"`` from the characters only one script uses.

    A text with no script-specific character (ASCII, or characters shared by both scripts)
    is ``"hans"``: it is valid simplified text as it stands.
    """
    tables = _tables()
    chars = set(text)
    trad = len(tables.traditional_only.intersection(chars))
    simp = len(tables.simplified_only.intersection(chars))
    total = trad + simp
    if total == 0:
        return "hans"
    share = trad / total
    if share <= MIXED_THRESHOLD:
        return "hans"
    if share >= 1 - MIXED_THRESHOLD:
        return "hant"
    return "mixed"


def is_simplified(text: str) -> bool:
    """True when t2s would leave ``text`` unchanged by any single-character rule."""
    return _tables().traditional.isdisjoint(text)


def to_simplified(text: str) -> str:
    """OpenCC t2s, with a fast exact path.

    Text with no traditional character is returned as is. Text where no t2s phrase occurs is
    converted character by character with the same table OpenCC uses (phrases cannot match,
    so the result is identical); only text containing a phrase key goes through OpenCC.
    """
    tables = _tables()
    if tables.traditional.isdisjoint(text):
        return text
    if tables.phrase_re is not None and tables.phrase_re.search(text):
        return tables.converter.convert(text)  # type: ignore[attr-defined]
    return text.translate(tables.char_table)


def normalise_whitespace(text: str) -> str:
    """Unicode spaces (ideographic, no-break …) → space; invisibles dropped; runs collapsed."""
    if not text.isascii() and _INVISIBLE.search(text):
        text = text.translate(_WS_TABLE)
    return " ".join(text.split())


def narrow_width(text: str) -> str:
    """Full-width ASCII letters, digits and ``｜`` → ASCII; ideographic space → space."""
    return text.translate(_NARROW_TABLE) if _NARROWABLE.search(text) else text


def widen_cjk_punctuation(text: str) -> str:
    """ASCII ``, : ; ? !`` touching a CJK character → the full-width form."""
    return _CJK_PUNCT.sub(lambda m: _WIDE_PUNCT[m.group()], text)


def nfc(text: str) -> str:
    """Canonical composition, so ``ǎ`` typed as ``a`` + combining caron matches ``ǎ``."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


#: The steps from captured text to stored ``text``, in order.
TEXT_STEPS = (nfc, to_simplified, narrow_width, widen_cjk_punctuation, normalise_whitespace)


def normalise_text(text: str) -> str:
    """Captured paragraph → stored paragraph: simplified, width-normalised, trimmed."""
    for step in TEXT_STEPS:
        text = step(text)
    return text
