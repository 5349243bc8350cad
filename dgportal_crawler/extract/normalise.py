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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from dgportal_crawler.extract.charsets import ASTRAL, CharSet
from dgportal_crawler.extract.kinds import Script

#: Minority share of script-specific characters above which a text is "mixed" rather than
#: "hans" or "hant" (a few traditional names in a simplified article stay "hans").
MIXED_THRESHOLD = 0.2

_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Bidi controls (U+202E turns "txt.exe" into "exe.txt" on screen) and C0/C1 control
# characters (a BEL in a title): never part of a stored text. Tab and line breaks are spaces.
_BIDI_CHARS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL_CHARS = "\x00-\x08\x0e-\x1f\x7f-\x9f"
_DROPPED = re.compile(f"[{_INVISIBLE_CHARS}{_BIDI_CHARS}{_CONTROL_CHARS}]")

# Full-width letters/digits (U+FF10–FF19, FF21–FF3A, FF41–FF5A) and the bar → ASCII.
_NARROW_TABLE = {
    code: code - 0xFEE0
    for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
} | {ord("｜"): "|", 0x3000: " "}
_NARROWABLE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff5c]")
_ASCII_PUNCT = re.compile("[,:;?!]")
_WIDE_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
CJK_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Punctuation with a CJK character right before it, or right after it (spaces skipped).
_CJK_PUNCT = re.compile(rf"(?<=[{CJK_CLASS}])[,:;?!]|[,:;?!](?=\s*[{CJK_CLASS}])")


@dataclass(frozen=True, slots=True)
class _ScriptTables:
    """Everything derived from the OpenCC tables, built once."""

    converter: object  # opencc.OpenCC('t2s'); typed loosely, the package has no stubs
    char_table: dict[int, str]  # traditional char → simplified, one code point each
    bmp_table: list[str]  # the same for the BMP as a list: str.translate indexes it faster
    phrase_re: re.Pattern[str] | None  # any t2s phrase key: such text goes through OpenCC
    phrase_triggers: CharSet  # chars a phrase converts unlike the char table (乾 in 乾坤)
    separators: re.Pattern[str]  # OpenCC's own piece separators (a capturing group)
    attention: CharSet  # chars t2s changes, alone or only in a phrase (瞭 in 一目瞭然)
    traditional_only: CharSet  # chars t2s changes and s2t does not
    simplified_only: CharSet  # chars s2t changes and t2s does not


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
    # Characters where a phrase converts differently from the character table: a text
    # without any can only match phrases that change nothing the table would not.
    triggers = {
        char
        for key in keys
        for char, by_phrase, by_char in zip(
            key, t2s.convert(key), key.translate(char_table), strict=False
        )
        if by_phrase != by_char
    }
    triggers |= {c for key in keys if len(t2s.convert(key)) != len(key) for c in key}
    phrase_only = {c for c in triggers if ord(c) not in char_table}
    bmp_table = [chr(code) for code in range(0x10000)]
    for code, value in char_table.items():
        if code < 0x10000:
            bmp_table[code] = value
    return _ScriptTables(
        converter=t2s, char_table=char_table, bmp_table=bmp_table, phrase_re=phrase_re,
        phrase_triggers=CharSet.of(frozenset(triggers)), separators=t2s.split_chars_re,
        attention=CharSet.of(traditional | phrase_only),
        traditional_only=CharSet.of(traditional - simplified),
        simplified_only=CharSet.of(simplified - traditional),
    )


def _group(converter: object) -> list[tuple[int, int, dict[str, str]]]:
    """The (phrases, characters) dictionary group of a one-step OpenCC conversion."""
    chain = converter._dict_chain_data  # type: ignore[attr-defined]
    return list(chain[0])


def detect_script(text: str) -> Script:
    """``"hans"``, ``"hant"`` or ``"mixed"`` from the characters only one script uses.

    A text with no script-specific character (ASCII, or characters shared by both scripts)
    is ``"hans"``: it is valid simplified text as it stands. The share is over distinct
    characters, so one name repeated often does not outweigh the text.
    """
    tables = _tables()
    if not tables.traditional_only.any_in(text):
        return "hans"
    if not tables.simplified_only.any_in(text):
        return "hant"
    trad = len(tables.traditional_only.found_in(text))
    simp = len(tables.simplified_only.found_in(text))
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
    """True when t2s leaves ``text`` unchanged."""
    return not _tables().attention.any_in(text)


def to_simplified(text: str) -> str:
    """OpenCC t2s, with a fast exact path.

    Text with no character t2s converts (alone or in a phrase) is returned as is. Text where
    no t2s phrase occurs is converted character by character with the same table OpenCC uses
    (phrases cannot match, so the result is identical); only text containing a phrase key goes
    through OpenCC.
    """
    if not _tables().attention.any_in(text):
        return text
    return _convert(text)


def to_simplified_all(texts: list[str]) -> list[str]:
    """:func:`to_simplified` of each text. Converted texts are cached one by one, so the
    paragraphs converted for boilerplate matching are not converted again for output."""
    return [to_simplified(text) for text in texts]


#: Converted texts kept: a paragraph is converted for matching and again for output.
T2S_CACHE_SIZE = 4096


def _translate(text: str, tables: _ScriptTables) -> str:
    """Character-table t2s (beyond the BMP the list table has no entry: use the dict)."""
    if ASTRAL.search(text):
        return text.translate(tables.char_table)
    return text.translate(tables.bmp_table)


@lru_cache(maxsize=T2S_CACHE_SIZE)
def _convert(text: str) -> str:
    tables = _tables()
    if not tables.phrase_triggers.any_in(text) or tables.phrase_re is None:
        return _translate(text, tables)
    if not tables.phrase_re.search(text):
        return _translate(text, tables)
    # OpenCC converts the pieces between its separators independently; only pieces holding
    # a phrase need its (slow) matcher, the others get the same result from the char table.
    pieces = tables.separators.split(text)
    return "".join(
        tables.converter.convert(piece)  # type: ignore[attr-defined]
        if index % 2 == 0 and tables.phrase_re.search(piece)
        else _translate(piece, tables)
        for index, piece in enumerate(pieces)
    )


def normalise_whitespace(text: str) -> str:
    """Unicode spaces (ideographic, no-break …) → space; invisible, bidi and control
    characters dropped; runs collapsed."""
    if _DROPPED.search(text):
        text = _DROPPED.sub("", text)
    return " ".join(text.split())  # str.split() splits every Unicode space


def narrow_width(text: str) -> str:
    """Full-width ASCII letters, digits and ``｜`` → ASCII; ideographic space → space."""
    if "\u3000" in text:  # common indentation; str.replace is far cheaper than translate
        text = text.replace("\u3000", " ")
    return text.translate(_NARROW_TABLE) if _NARROWABLE.search(text) else text


def widen_cjk_punctuation(text: str) -> str:
    """ASCII ``, : ; ? !`` touching a CJK character → the full-width form."""
    if not _ASCII_PUNCT.search(text):  # most site text is full-width already
        return text
    return _CJK_PUNCT.sub(lambda m: _WIDE_PUNCT[m.group()], text)


def nfc(text: str) -> str:
    """Canonical composition, so ``ǎ`` typed as ``a`` + combining caron matches ``ǎ``."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def normalise_cells(text: str) -> str:
    """:func:`normalise_whitespace` of each tab-separated cell (tabs kept)."""
    if "\t" not in text:
        return normalise_whitespace(text)
    return "\t".join(normalise_whitespace(cell) for cell in text.split("\t"))


#: The steps from captured text to stored ``text``, in order.
TEXT_STEPS = (nfc, to_simplified, narrow_width, widen_cjk_punctuation, normalise_whitespace)


def normalise_text(text: str) -> str:
    """Captured paragraph → stored paragraph: simplified, width-normalised, trimmed."""
    for step in TEXT_STEPS:
        text = step(text)
    return text


def _needs_nfc(text: str) -> bool:
    return not text.isascii() and not unicodedata.is_normalized("NFC", text)


#: The steps after NFC and t2s (done for the whole batch at once), each with the test telling
#: whether a text needs it at all.
_STEP_NEEDED: tuple[tuple[Callable[[str], str], Callable[[str], bool]], ...] = (
    (narrow_width, lambda t: "\u3000" in t or _NARROWABLE.search(t) is not None),
    (widen_cjk_punctuation, lambda t: _ASCII_PUNCT.search(t) is not None),
    (normalise_cells, lambda t: True),
)


def normalise_texts(texts: list[str]) -> list[str]:
    """:func:`normalise_text` of each text, keeping the tabs between table cells; steps the
    whole batch does not need are skipped (one test over the joined text, not one per text)."""
    texts = [nfc(text) for text in texts] if _needs_nfc("\n".join(texts)) else texts
    texts = to_simplified_all(texts)
    joined = "\n".join(texts)
    steps = [step for step, needed in _STEP_NEEDED if needed(joined)]
    out = []
    for text in texts:
        for step in steps:
            text = step(text)
        out.append(text)
    return out
