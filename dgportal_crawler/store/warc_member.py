"""One WARC response record read straight from its gzip member: the common case, fast.

``reextract`` reads one record per article by its reference. warcio's general reader (every
WARC and ARC version, folded and mis-encoded headers, records spread over several members)
was about a tenth of the work per page. The records this crawler writes are one gzip member
each, with a WARC and an HTTP header block of single lines. :func:`read_plain_response` reads
a record of exactly that shape and returns None for anything else, so that the caller falls
back to warcio, which then reads or rejects the record as it always did.

It answers only where warcio's answer is fixed by the bytes: header lines are split, decoded
(UTF-8, else Latin-1, line by line) and stripped as warcio does, and the first of a repeated
WARC field wins as in warcio's ``get_header``. ``tests/store/test_store_warc_member.py``
compares the two over records of every shape the fast path accepts or refuses.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterable
from typing import BinaryIO

from dgportal_crawler.store.warc import WarcError, WarcRecord

GZIP_MAGIC = b"\x1f\x8b"
#: Bytes read from the file at a time while inflating one member.
READ_SIZE = 1 << 16
#: The status lines read here; warcio also takes other cases and the 0.17/0.18 drafts.
WARC_VERSIONS = frozenset({"WARC/1.0", "WARC/1.1"})
HTTP_VERSIONS = ("HTTP/1.0 ", "HTTP/1.1 ")

#: A header block: its status line, its (name, value) fields, and the offset after it.
HeaderBlock = tuple[str, list[tuple[str, str]], int]


def read_plain_response(fh: BinaryIO) -> WarcRecord | None:
    """The response record starting at ``fh``'s position when it is plain (see the module's
    doc), else None and the caller reads it with warcio. Raises :class:`WarcError` only for a
    payload digest mismatch, exactly as the warcio path does."""
    data = _inflate_member(fh)
    if data is None:
        return None
    warc = _header_block(data, 0, len(data))
    if warc is None or warc[0] not in WARC_VERSIONS:
        return None
    _, warc_fields, start = warc
    fields: dict[str, str] = {}
    for name, value in warc_fields:
        fields.setdefault(name.lower(), value)  # the first wins, as in warcio's get_header
    uri, length = fields.get("warc-target-uri", ""), fields.get("content-length", "")
    if (fields.get("warc-type") != "response" or not uri.startswith(("http:", "https:"))
            or " " in uri or not (length.isascii() and length.isdigit())):
        return None  # other records, bracketed or spaced URIs, odd lengths: warcio's cases
    end = start + int(length)
    if end > len(data) or end == start:
        return None  # the block runs past this member, or is empty
    http = _header_block(data, start, end)
    if http is None or not http[0].startswith(HTTP_VERSIONS):
        return None
    status_line, http_fields, body_start = http
    code = status_line[len(HTTP_VERSIONS[0]):].strip().split(" ", 1)[0]
    if not (code.isascii() and code.isdigit()):
        return None
    body = data[body_start:end]
    check_payload_digest(fields.get("warc-payload-digest"), body)
    return WarcRecord("response", uri, fields.get("warc-record-id"), int(code),
                      joined_fields(http_fields), body)


def check_payload_digest(expected: str | None, body: bytes) -> None:
    """Raise :class:`WarcError` when a ``sha1:`` payload digest does not match ``body``."""
    if expected and expected.startswith("sha1:"):
        actual = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")
        if actual != expected:
            raise WarcError(f"payload digest mismatch ({actual} != {expected})")


def joined_fields(fields: Iterable[tuple[str, str]]) -> dict[str, str]:
    """HTTP fields as a dict; a repeated field's values are joined with ", " as HTTP allows,
    so the dict keeps every value."""
    joined: dict[str, str] = {}
    for name, value in fields:
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    return joined


def _inflate_member(fh: BinaryIO) -> bytes | None:
    """The inflated gzip member at ``fh``'s position; None if it is not gzip, or is cut or
    corrupt (warcio then says which)."""
    chunk = fh.read(READ_SIZE)
    if not chunk.startswith(GZIP_MAGIC):
        return None
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)  # 16: expect a gzip header
    parts = []
    try:
        while chunk:
            parts.append(inflater.decompress(chunk))
            if inflater.eof:
                return b"".join(parts)
            chunk = fh.read(READ_SIZE)
    except zlib.error:
        return None
    return None  # the file ended inside the member


def _header_block(data: bytes, start: int, end: int) -> HeaderBlock | None:
    """The header block at ``data[start:end]``, read line by line as warcio reads it; None
    for what only warcio reads (folded lines, lines without a colon, no blank line)."""
    lines: list[str] = []
    pos = start
    while True:
        cut = data.find(b"\n", pos, end)
        if cut < 0:
            return None
        line = _decode(data[pos:cut + 1]).rstrip()
        pos = cut + 1
        if not line:
            break
        lines.append(line)
    if not lines:
        return None
    fields = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or line[0] in " \t":
            return None
        fields.append((name.rstrip(" \t"), value.lstrip()))
    return lines[0], fields, pos


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("iso-8859-1")
