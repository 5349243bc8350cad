"""Bytes → text, with the charset decision recorded.

Precedence is BOM > HTTP ``Content-Type`` charset > ``<meta charset>`` / ``http-equiv``, as
browsers do. GBK and GB2312 are read as GB18030 (a superset, so no character is lost).
A declaration is not trusted blindly: if the declared charset cannot decode the bytes but
another candidate decodes them cleanly, the clean one wins and ``conflict`` is set; a
single-byte declaration (Latin-1 …), which "decodes" anything, yields to a multi-byte
candidate that decodes cleanly; and GB-declared bytes that are valid UTF-8 are UTF-8. Bytes no
candidate can decode are replaced by U+FFFD and counted, never silently dropped.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.kinds import CharsetSource

#: How far into the document to look for a ``<meta>`` charset (browsers use 1024 bytes;
#: some portals put long comments first).
META_SCAN_BYTES = 4096
#: Charsets tried, in order, when nothing is declared or the declaration fails.
SNIFF_ORDER = ("utf-8", "gb18030")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Web labels Python does not know.
_LABELS = {"x-gbk": "gbk", "x-gb18030": "gb18030", "unicode-1-1-utf-8": "utf-8"}
#: Codecs read as another charset (WHATWG reads GBK and GB2312 as GBK; GB18030 is its
#: superset, so nothing is lost), and ASCII/Latin-1 as their web supersets.
_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "ascii": "utf-8",
            "latin_1": "cp1252", "iso8859_1": "cp1252"}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_SURROGATE = re.compile("[\udc80-\udcff]")
#: Bytes looked at to tell text from binary content (an executable, an image).
BINARY_SCAN_BYTES = 4096
_WIDE = ("utf-16", "utf-32")


@dataclass(slots=True)
class DecodedText:
    """Decoded text and how the charset was chosen."""

    text: str
    charset: str
    source: CharsetSource
    declared: dict[str, str | None] = field(default_factory=dict)  # raw labels by source
    conflict: bool = False
    undecodable_bytes: int = 0

    def record(self) -> dict[str, Any]:
        """The ``extraction.encoding`` entry of an article."""
        return {
            "charset": self.charset,
            "source": self.source,
            "declared": dict(self.declared),
            "conflict": self.conflict,
            "undecodable_bytes": self.undecodable_bytes,
        }


def canonical_charset(label: str | None) -> str | None:
    """Python codec name for a charset label, GBK family as GB18030; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(_LABELS.get(label, label)).name
        b"x".decode(name, "ignore")  # rejects codecs that are not text encodings (base64 …)
    except LookupError:
        return None
    return _ALIASES.get(name.replace("-", "_"), name)


def _declared_charset(source: str, label: str | None) -> str | None:
    """A declaration's charset; a ``<meta>`` saying UTF-16/32 means UTF-8 (the page is ASCII
    enough to be read, so it is not UTF-16)."""
    name = canonical_charset(label)
    if source == "meta" and name and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    """The raw charset label of a ``Content-Type`` header (any key case), if any."""
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type" and isinstance(value, str):
            match = _HEADER_CHARSET.search(value)
            return match.group(1) if match else None
    return None


def meta_charset(body: bytes) -> str | None:
    """The raw charset label of the first ``<meta>`` declaring one."""
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def _bom(body: bytes) -> tuple[str | None, int]:
    for mark, charset in _BOMS:
        if body.startswith(mark):
            return charset, len(mark)
    return None, 0


def _decode(data: bytes, charset: str) -> tuple[str, int]:
    """Decode, replacing undecodable bytes with U+FFFD; returns (text, bytes replaced)."""
    try:
        return data.decode(charset), 0  # the common, clean case: no scan for replacements
    except UnicodeDecodeError:
        pass
    try:
        raw = data.decode(charset, errors="surrogateescape")
    except UnicodeDecodeError:  # UTF-32 cannot escape bytes below 0x80: nothing fits at all
        return data.decode(charset, errors="replace"), len(data)
    bad = len(_SURROGATE.findall(raw))
    return (_SURROGATE.sub("\ufffd", raw) if bad else raw), bad


@lru_cache(maxsize=64)
def _single_byte(charset: str) -> bool:
    """True for charsets decoding every byte to one character (Latin-1, cp1252 …)."""
    high = bytes(range(0x80, 0x100))
    return not charset.startswith("utf") and len(high.decode(charset, "replace")) == len(high)


def _utf8_beats(data: bytes, declared: str) -> bool:
    """A GB-declared page whose bytes are valid, non-ASCII UTF-8 is UTF-8 mislabelled.

    Chinese GB18030 text is almost never valid UTF-8, while UTF-8 text often decodes as
    (garbled) GB18030 without any error, so a clean GB18030 decode proves nothing.
    """
    if declared != "gb18030" or data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> DecodedText:
    """Decode an HTML body, choosing the charset as documented in the module."""
    bom, skip = _bom(body)
    header, meta = header_charset(headers), meta_charset(body)
    declared: dict[str, str | None] = {"bom": bom, "header": header, "meta": meta}
    data = body[skip:]
    has_nul = b"\0" in data[:BINARY_SCAN_BYTES]
    named = [(source, name) for source, label in (("header", header), ("meta", meta))
             if (name := _declared_charset(source, label))]
    # UTF-16/32 markup is full of NUL bytes; a page without any is not in them.
    candidates = [(source, name) for source, name in named if has_nul or not name.startswith(_WIDE)]
    distinct = {name for _, name in named} | ({bom} if bom else set())
    if len(candidates) < len(named):
        distinct.add("")  # a declaration was overruled: that is a conflict, whatever is read
    if bom:  # a BOM is authoritative; declarations that disagree are only recorded
        text, bad = _decode(data, bom)
        return DecodedText(text, bom, "bom", declared, len(distinct) > 1, bad)
    first = candidates[0] if candidates else None
    if has_nul and not (first and first[1].startswith(_WIDE)):
        # Text in an 8-bit charset has no NUL bytes; an executable or an image does.
        raise ExtractionError("binary content, not a text or HTML page (NUL bytes)")
    if first and _utf8_beats(data, first[1]):
        text, bad = _decode(data, "utf-8")
        return DecodedText(text, "utf-8", "sniff", declared, True, bad)
    tries = [*candidates, *(("sniff", name) for name in SNIFF_ORDER)]
    if not data.isascii():
        # A single-byte charset decodes any bytes "cleanly", so a Latin-1 header on a GBK
        # page proves nothing: multi-byte candidates that decode cleanly are tried first.
        tries.sort(key=lambda item: _single_byte(item[1]))
    for source, name in tries:
        text, bad = _decode(data, name)
        if bad == 0:
            conflict = len(distinct) > 1 or (first is not None and name != first[1])
            return DecodedText(text, name, source, declared, conflict, 0)
    # Nothing decodes cleanly: keep the candidate that loses the fewest bytes.
    decoded = [(_decode(data, name), source, name) for source, name in tries]
    (text, bad), source, name = min(decoded, key=lambda item: item[0][1])
    conflict = len(distinct) > 1 or (first is not None and name != first[1])
    return DecodedText(text, name, source, declared, conflict, bad)
