"""HTTP content-codings: one table of name → decoder, for everything that reads a body.

The crawl keeps bodies in the WARC exactly as they came off the wire, so every coding the
crawler advertises (``Accept-Encoding``) must also be undone when a capture is read back
(``reextract``, ``clean``). Both read this table: :func:`accept_encoding` advertises only the
codings whose library is importable here, and :func:`decode_body` undoes them, so the two
cannot drift apart. No Scrapy in here: the archive tools use it without a crawler.

Every decoder stops at ``max_size`` decoded bytes, so a small compressed body that inflates
to gigabytes (a "zip bomb") costs at most ``max_size`` of memory.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Callable
from io import BytesIO
from types import ModuleType

#: Bytes produced per decompression step; the size limit is checked after each.
CHUNK = 64 * 1024
#: Decoded size allowed by default: the crawl's ``DOWNLOAD_MAXSIZE`` (settings.py).
MAX_DECODED_BYTES = 32 * 2**20


class ContentEncodingError(ValueError):
    """A body that cannot be decoded: unknown coding, damaged data, or too large."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # a short word for counters: unknown | damaged | too_large


def _check(size: int, max_size: int) -> None:
    if max_size and size > max_size:
        raise ContentEncodingError("too_large", f"decoded body exceeds {max_size} bytes")


def _zlib_stream(body: bytes, wbits: int, max_size: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = BytesIO()
    data = body
    while data and not inflater.eof:
        chunk = inflater.decompress(data, CHUNK)
        out.write(chunk)
        _check(out.tell(), max_size)
        data = inflater.unconsumed_tail
    if not inflater.eof:
        raise ContentEncodingError("damaged", "compressed stream ends early")
    return out.getvalue()


def _gzip(body: bytes, max_size: int) -> bytes:
    return _zlib_stream(body, zlib.MAX_WBITS | 16, max_size)  # 16: a gzip header and trailer


def _deflate(body: bytes, max_size: int) -> bytes:
    # RFC 9110 says zlib-wrapped; some servers send raw deflate, so try that second.
    try:
        return _zlib_stream(body, zlib.MAX_WBITS, max_size)
    except zlib.error:
        return _zlib_stream(body, -zlib.MAX_WBITS, max_size)


def _brotli_module() -> ModuleType:
    return importlib.import_module("brotli")


def _zstd_module() -> ModuleType:
    # Python 3.14 has it in the standard library; before, the backport Scrapy depends on.
    for name in ("compression.zstd", "backports.zstd"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("no zstd module (compression.zstd or backports.zstd)")


def _brotli(body: bytes, max_size: int) -> bytes:
    decompressor = _brotli_module().Decompressor()
    out = BytesIO()
    chunk = decompressor.process(body, output_buffer_limit=CHUNK)
    while chunk:
        out.write(chunk)
        _check(out.tell(), max_size)
        if decompressor.is_finished():
            break
        chunk = decompressor.process(b"", output_buffer_limit=CHUNK)
    if not decompressor.is_finished():
        raise ContentEncodingError("damaged", "compressed stream ends early")
    return out.getvalue()


def _zstd(body: bytes, max_size: int) -> bytes:
    module = _zstd_module()
    out = BytesIO()
    with module.ZstdFile(BytesIO(body)) as stream:
        while chunk := stream.read(CHUNK):
            out.write(chunk)
            _check(out.tell(), max_size)
    return out.getvalue()


def _identity(body: bytes, max_size: int) -> bytes:
    return body


Decoder = Callable[[bytes, int], bytes]

#: Coding name (lower case) → (decoder, the module it needs or None). ``x-gzip`` is the old
#: name of gzip (RFC 9110 §8.4.1.3); ``identity`` means no coding.
DECODERS: dict[str, tuple[Decoder, Callable[[], ModuleType] | None]] = {
    "gzip": (_gzip, None),
    "x-gzip": (_gzip, None),
    "deflate": (_deflate, None),
    "br": (_brotli, _brotli_module),
    "zstd": (_zstd, _zstd_module),
    "identity": (_identity, None),
}
#: Names never advertised: an alias, and "no coding", which is always acceptable.
NOT_ADVERTISED = frozenset({"x-gzip", "identity"})

#: What the standard library's decoders raise on damaged data.
_BASE_ERRORS: tuple[type[BaseException], ...] = (zlib.error, EOFError, OSError)


def available() -> list[str]:
    """Codings decodable in this environment, in table order."""
    names = []
    for name, (_, needs) in DECODERS.items():
        try:
            if needs is not None:
                needs()
        except ImportError:
            continue
        names.append(name)
    return names


def accept_encoding() -> str:
    """The ``Accept-Encoding`` value: every coding this table can decode here."""
    return ", ".join(n for n in available() if n not in NOT_ADVERTISED)


def codings(header: str | None) -> list[str]:
    """``"gzip, br"`` → ``["gzip", "br"]`` in the order they were applied."""
    return [c.strip().lower() for c in (header or "").split(",") if c.strip()]


#: The exception class each optional library raises on damaged data.
_LIBRARY_ERRORS = ((_brotli_module, "error"), (_zstd_module, "ZstdError"))


def _data_errors() -> tuple[type[BaseException], ...]:
    errors = list(_BASE_ERRORS)
    for load, name in _LIBRARY_ERRORS:
        try:
            error = getattr(load(), name, None)
        except ImportError:
            continue
        if isinstance(error, type) and issubclass(error, BaseException):
            errors.append(error)
    return tuple(errors)


def decode_body(header: str | None, body: bytes, max_size: int = MAX_DECODED_BYTES) -> bytes:
    """Undo the ``Content-Encoding`` ``header`` (codings applied left to right, so undone
    right to left). Raises :class:`ContentEncodingError` for an unknown or unavailable
    coding, damaged data or a body decoding past ``max_size``: never garbled text."""
    applied = codings(header)
    if not applied:  # most bodies: nothing to undo, and no optional module to look for
        return body
    usable = set(available())
    for name in reversed(applied):
        if name not in usable:
            known = "unknown" if name not in DECODERS else "not installed"
            raise ContentEncodingError("unknown", f"content-encoding {name!r} is {known}")
        decoder, _ = DECODERS[name]
        try:
            body = decoder(body, max_size)
        except _data_errors() as exc:
            raise ContentEncodingError("damaged", f"{name} body is damaged ({exc})") from None
    return body


def header_value(headers: dict[str, str]) -> str | None:
    """The ``Content-Encoding`` of a header dict, whatever the case of its name."""
    return next((v for k, v in headers.items() if k.lower() == "content-encoding"), None)
