"""Raw HTTP exchanges as WARC files, the evidence behind every archive line.

:class:`WarcArchive` appends request/response pairs to ``<folder>/<run_id>-NNNNN.warc.gz``
(one gzip member per record, so any record can be read by seeking to its offset) and
returns a :class:`WarcRef` that the archive line stores. Files are never reopened for
writing: a restarted run with the same id continues with the next file number, so a
crash can at worst leave one torn record at the end of one file. The readers tolerate
that torn tail and report it instead of failing on the records before it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import uuid
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, BinaryIO, Self
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.warcwriter import WARCWriter

log = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.0"

# What warcio (and zlib underneath) raise when a record is cut short or garbled.
_READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, zlib.error,
                ValueError)


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

    def __init__(self, folder: Path, run_id: str, *, max_bytes: int = 100 * 2**20,
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
            self._close_current()
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
        self._write("warcinfo", self._new_id(), _warc_date(self._clock()), payload, None, None,
                    ("WARC-Filename", self._name))
        self._sync()

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
        if self._out is not None:
            self._out.close()
        self._out = None
        self._writer = None

    def _sync(self) -> None:
        assert self._out is not None
        self._out.flush()
        if self._fsync:
            os.fsync(self._out.fileno())

    def _new_id(self) -> str:
        rid = self._record_ids()
        return rid if rid.startswith("<") else f"<{rid}>"


def read_warc_record(site_folder: Path, ref: WarcRef | Mapping[str, Any]) -> WarcRecord:
    """Read the one record ``ref`` points at; raises :class:`WarcError` if that fails."""
    ref = ref if isinstance(ref, WarcRef) else WarcRef.from_dict(ref)
    path = _resolve(Path(site_folder), ref.file)
    try:
        with path.open("rb") as fh:
            fh.seek(ref.offset)
            record = _next_record(ArchiveIterator(fh))
            if record is None:
                raise WarcError(f"{ref.file}: no record at offset {ref.offset}")
            return _complete_record(record)
    except OSError as exc:
        raise WarcError(f"{ref.file}: {exc.strerror or exc}") from exc
    except _READ_ERRORS as exc:
        raise WarcError(f"{ref.file}: unreadable record at offset {ref.offset}: {exc}") from exc


def read_record(site_folder: Path, ref: WarcRef | Mapping[str, Any]
                ) -> tuple[dict[str, str], int | None, bytes]:
    """``(http headers, status, body)`` of the record ``ref`` points at."""
    record = read_warc_record(site_folder, ref)
    return record.headers, record.status, record.body


def iter_records(folder: Path, *, on_torn: Callable[[TornRecord], None] | None = None
                 ) -> Iterator[tuple[WarcRef, WarcRecord]]:
    """Every complete record of every ``*.warc.gz`` in ``folder``, files in name order.

    Reading a file stops at the first record that is cut short or unreadable; that
    point is passed to ``on_torn`` (default: logged as a warning) and the next file is read.
    """
    folder = Path(folder)
    for path in sorted(folder.glob("*.warc.gz")):
        rel = f"{folder.name}/{path.name}"
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            records = ArchiveIterator(fh)
            next_offset = 0  # where the record being read starts, for the torn report
            problem: str | None = None
            while True:
                try:
                    record = _next_record(records)
                    if record is None:
                        break
                    read = _complete_record(record)
                    offset = records.get_record_offset()
                    length = records.get_record_length()
                except (*_READ_ERRORS, WarcError) as exc:
                    problem = str(exc).strip()
                    break
                yield WarcRef(rel, offset, read.record_id or ""), read
                next_offset = offset + length
            if problem is None and next_offset < size:
                # warcio ends quietly when a member is cut inside its WARC headers.
                problem = "record cut short"
            elif problem is None and next_offset > 0 and not _last_member_ends(fh, offset):
                # The content was all there, but the writer died before the gzip trailer.
                next_offset, problem = offset, "last record's gzip member is unterminated"
            if problem is not None and on_torn is not None:
                on_torn(TornRecord(rel, next_offset, problem))
            elif problem is not None:
                log.warning("%s: unreadable from offset %d (%s)", rel, next_offset, problem)


def _next_record(records: ArchiveIterator) -> ArcWarcRecord | None:
    try:
        return next(records)
    except StopIteration:
        return None
    except AttributeError as exc:
        # warcio trips over a record cut before its WARC-Target-URI header.
        raise WarcError(f"record headers cut short ({exc})") from exc


def iter_responses(folder: Path, *, on_torn: Callable[[TornRecord], None] | None = None
                   ) -> Iterator[tuple[WarcRef, str | None, int | None, dict[str, str], bytes]]:
    """``(ref, url, status, headers, body)`` for every complete response record."""
    for ref, record in iter_records(folder, on_torn=on_torn):
        if record.rec_type == "response":
            yield ref, record.target_uri, record.status, record.headers, record.body


def _complete_record(record: ArcWarcRecord) -> WarcRecord:
    """Read the payload and check it is all there, since warcio returns short reads silently."""
    if record.length is None:  # every WARC record states its length; a cut header block does not
        raise WarcError("record headers cut short (no Content-Length)")
    body = record.raw_stream.read()
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise WarcError(f"record cut short: {record.raw_stream.limit} bytes missing")
    expected = record.rec_headers.get_header("WARC-Payload-Digest")
    if expected and expected.startswith("sha1:"):
        actual = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")
        if actual != expected:
            raise WarcError(f"payload digest mismatch ({actual} != {expected})")
    status: int | None = None
    headers: dict[str, str] = {}
    if record.http_headers is not None:
        if record.rec_type == "response":
            status = int(record.http_headers.get_statuscode())
        for name, value in record.http_headers.headers:
            # Repeated fields are joined as HTTP allows, so the dict keeps every value.
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
    warc_header = record.rec_headers.get_header
    return WarcRecord(record.rec_type, warc_header("WARC-Target-URI"),
                      warc_header("WARC-Record-ID"), status, headers, body)


def _last_member_ends(fh: BinaryIO, offset: int) -> bool:
    fh.seek(offset)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)  # 16: expect a gzip header
    while chunk := fh.read(1 << 16):
        try:
            inflater.decompress(chunk)
        except zlib.error:
            return False
    return inflater.eof and not inflater.unused_data


def _resolve(site_folder: Path, rel: str) -> Path:
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        raise WarcError(f"{rel!r} is not a path inside the site folder")
    return site_folder.joinpath(*parts)


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


def repair_torn_tails(folder: Path) -> list[TornRecord]:
    """Truncate each WARC file to its last complete record (after a killed run).

    Every record that an archive line points to was complete before the line was written,
    so cutting a torn tail loses nothing the archive refers to.
    """
    torn: list[TornRecord] = []
    for _ in iter_records(folder, on_torn=torn.append):
        pass
    for record in torn:
        with (Path(folder).parent / record.file).open("r+b") as fh:
            fh.truncate(record.offset)
    return torn
