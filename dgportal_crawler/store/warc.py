"""Raw HTTP exchanges as WARC files, the evidence behind every archive line.

:class:`WarcArchive` appends request/response pairs to ``<folder>/<run_id>-NNNNN.warc.gz``
(one gzip member per record, so any record can be read by seeking to its offset) and
returns a :class:`WarcRef` that the archive line stores. Files are never reopened for
writing: a restarted run with the same id continues with the next file number, so a
crash can at worst leave one torn record at the end of one file. The readers tolerate
that torn tail and report it instead of failing on the records before it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

log = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.0"
#: Start a new file past this size (``DGPORTAL_WARC_MAX_BYTES``).
DEFAULT_MAX_BYTES = 100 * 2**20

class WarcError(Exception):
    """A WARC record could not be read (missing file, bad offset, torn or corrupt record)."""


@dataclass(frozen=True, slots=True)
class WarcRef:
    """Where a response record lives: ``file`` is relative to the site folder."""

    file: str
    offset: int
    record_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "offset": self.offset, "record_id": self.record_id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WarcRef:
        return cls(str(data["file"]), int(data["offset"]), str(data["record_id"]))


@dataclass(frozen=True, slots=True)
class WarcRecord:
    """One record read back: WARC facts plus the HTTP status, headers and payload."""

    rec_type: str
    target_uri: str | None
    record_id: str | None
    status: int | None
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class TornRecord:
    """The point from which a WARC file could not be read (normally a crash's torn tail)."""

    file: str
    offset: int
    message: str


class WarcArchive:
    """Writes request/response pairs for one run into rotating ``.warc.gz`` files."""

    def __init__(self, folder: Path, run_id: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 clock: Callable[[], datetime] | None = None,
                 record_ids: Callable[[], str] | None = None,
                 software: str, info: Mapping[str, Any], fsync: bool = True) -> None:
        """``clock`` gives WARC-Date (naive = UTC); ``record_ids`` gives WARC-Record-IDs
        (``<...>`` added if missing); ``fsync=False`` trades power-loss safety for speed."""
        if not re.fullmatch(r"[A-Za-z0-9._-]+", run_id):
            raise ValueError(f"run_id {run_id!r} is not safe as a file name")
        self.folder = Path(folder)
        self.run_id = run_id
        self.max_bytes = max_bytes
        self._clock = clock or (lambda: datetime.now(UTC))
        self._record_ids = record_ids or (lambda: f"<urn:uuid:{uuid.uuid4()}>")
        self._software = software
        self._info = dict(info)
        self._fsync = fsync
        self._out: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._name = ""
        self.folder.mkdir(parents=True, exist_ok=True)
        # Continue numbering after files a previous attempt of this run left behind.
        self._index = max((_file_index(p.name, run_id) for p in self.folder.iterdir()), default=0)

    def write_exchange(self, url: str, request_method: str,
                       request_headers: list[tuple[str, str]], request_body: bytes,
                       status: int, reason: str, response_headers: list[tuple[str, str]],
                       response_body: bytes, *, protocol: str = "HTTP/1.1") -> WarcRef:
        """Append a response record and its request record; durable when this returns."""
        if self._out is None or self._writer is None:
            self._open_next()
        assert self._out is not None and self._writer is not None
        date = _warc_date(self._clock())
        response_id = self._new_id()
        response_http = StatusAndHeaders(f"{status} {reason}".rstrip(), list(response_headers),
                                         protocol=protocol)
        request_http = StatusAndHeaders(f"{request_method} {_request_target(url)} {protocol}",
                                        list(request_headers), is_http_request=True)
        offset = self._out.tell()
        try:
            # Response first: the ref points at it, and a crash before the request is
            # written still leaves the evidence that matters complete.
            self._write("response", response_id, date, response_body, url, response_http)
            self._write("request", self._new_id(), date, request_body, url, request_http,
                        ("WARC-Concurrent-To", response_id))
            self._sync()
        except OSError:
            # The file may now end in a partial record: leave it as a torn tail and let
            # the next exchange start a fresh file rather than write after the damage.
            self._abandon_current()
            raise
        ref = WarcRef(f"{self.folder.name}/{self._name}", offset, response_id)
        if self._out.tell() > self.max_bytes:
            self._close_current()
        return ref

    def close(self) -> None:
        self._close_current()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _open_next(self) -> None:
        self._index += 1
        self._name = f"{self.run_id}-{self._index:05d}.warc.gz"
        # "x": never append to or clobber a file another process or attempt wrote.
        self._out = (self.folder / self._name).open("xb")
        self._writer = WARCWriter(self._out, gzip=True, warc_version=WARC_VERSION)
        fields = {"software": self._software, "format": "WARC File Format 1.0", **self._info}
        payload = b"".join(_field_line(k, v) for k, v in fields.items())
        try:
            self._write("warcinfo", self._new_id(), _warc_date(self._clock()), payload, None, None,
                        ("WARC-Filename", self._name))
            self._sync()
        except OSError:
            self._abandon_current()  # the next exchange tries a new file (the disk may have room again)
            raise

    def _write(self, rec_type: str, record_id: str, date: str, body: bytes, url: str | None,
               http: StatusAndHeaders | None, *extra: tuple[str, str]) -> None:
        assert self._writer is not None
        headers = [("WARC-Type", rec_type), ("WARC-Record-ID", record_id), ("WARC-Date", date)]
        headers += [("WARC-Target-URI", url)] if url is not None else []
        # Our own header block (not warcio's defaults) so ids and dates are the injected ones.
        warc_headers = StatusAndHeaders("", headers + list(extra), protocol=WARC_VERSION)
        record = self._writer.create_warc_record(
            url or "", rec_type, payload=BytesIO(body), length=len(body),
            warc_headers=warc_headers, http_headers=http)
        self._writer.write_record(record)

    def _close_current(self) -> None:
        out, self._out, self._writer = self._out, None, None
        if out is not None:
            out.close()

    def _abandon_current(self) -> None:
        """Drop a file a write failed on (ENOSPC, EFBIG …). Closing it flushes its buffer
        again, which fails again: that second error is the first one's echo, so the writer is
        reset whatever happens and the next exchange starts a fresh file."""
        out, self._out, self._writer = self._out, None, None
        if out is not None:
            with contextlib.suppress(OSError):
                out.close()

    def _sync(self) -> None:
        assert self._out is not None
        self._out.flush()
        if self._fsync:
            os.fsync(self._out.fileno())

    def _new_id(self) -> str:
        rid = self._record_ids()
        return rid if rid.startswith("<") else f"<{rid}>"


def _warc_date(moment: datetime) -> str:
    if moment.tzinfo is None:  # a naive clock is taken to be UTC, as WARC-Date requires
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _field_line(name: str, value: Any) -> bytes:
    # warc-fields are one line each: anything but a one-line string (settings dicts,
    # multi-line robots policies) is written as JSON, which has no raw line breaks.
    one_line = isinstance(value, str) and "\n" not in value and "\r" not in value
    text = value if one_line else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return f"{name}: {text}\r\n".encode()


def _file_index(name: str, run_id: str) -> int:
    match = re.fullmatch(re.escape(run_id) + r"-(\d{5,})\.warc\.gz", name)
    return int(match.group(1)) if match else 0
