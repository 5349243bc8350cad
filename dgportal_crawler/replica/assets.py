"""Small deterministic stand-ins for images and attachments, and HTTP date/ETag helpers."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from .blocks import ATTACHMENT_TYPES

_JFIF = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def jpeg_bytes(img_id: int) -> bytes:
    """A well-formed JPEG marker sequence (SOI, APP0/JFIF, comment, EOI) naming the image."""
    comment = f"replica image {img_id}".encode("ascii")
    return (
        b"\xff\xd8\xff\xe0" + (len(_JFIF) + 2).to_bytes(2, "big") + _JFIF
        + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + b"\xff\xd9"
    )


def attachment_bytes(att_id: int, ext: str) -> tuple[bytes, str]:
    """Bytes with the right magic number for the extension, and the content type."""
    label = f"replica attachment {att_id}\n".encode("ascii")
    if ext == "pdf":
        body = b"%PDF-1.4\n%" + label + b"%%EOF\n"
    elif ext in ("docx", "xlsx"):
        body = b"PK\x03\x04" + label  # office open XML files are zip archives
    else:
        body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + label  # legacy office compound file
    return body, ATTACHMENT_TYPES[ext]


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match comparison (weak, as RFC 9110 asks for GET)."""
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))
