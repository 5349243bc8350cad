"""Reading the WARC files back: one record by reference, or every record in order.

The readers tolerate a torn tail (a crash while a record was being written) and report it
instead of failing on the records before it; :func:`repair_torn_tails` cuts such a tail.
"""

from __future__ import annotations

import glob
import logging
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from dgportal_crawler.store.warc import TornRecord, WarcError, WarcRecord, WarcRef
from dgportal_crawler.store.warc_member import check_payload_digest, joined_fields, read_plain_response

log = logging.getLogger(__name__)

# What warcio (and zlib underneath) raise when a record is cut short or garbled.
_READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, zlib.error,
                ValueError)


def read_warc_record(site_folder: Path, ref: WarcRef | Mapping[str, Any]) -> WarcRecord:
    """Read the one record ``ref`` points at; raises :class:`WarcError` if that fails."""
    ref = ref if isinstance(ref, WarcRef) else WarcRef.from_dict(ref)
    path = _resolve(Path(site_folder), ref.file)
    try:
        with path.open("rb") as fh:
            fh.seek(ref.offset)
            if (plain := read_plain_response(fh)) is not None:
                return plain
            fh.seek(ref.offset)  # not a plain response record: warcio reads or rejects it
            record = read_with_warcio(fh)
            if record is None:
                raise WarcError(f"{ref.file}: no record at offset {ref.offset}")
            return record
    except OSError as exc:
        raise WarcError(f"{ref.file}: {exc.strerror or exc}") from exc
    except _READ_ERRORS as exc:
        raise WarcError(f"{ref.file}: unreadable record at offset {ref.offset}: {exc}") from exc


def read_with_warcio(fh: BinaryIO) -> WarcRecord | None:
    """The record at ``fh``'s position, of any shape warcio reads; None at the end of the file.
    Raises warcio's errors (``_READ_ERRORS``) and :class:`WarcError`."""
    record = _next_record(ArchiveIterator(fh))
    return None if record is None else _complete_record(record)


def read_record(site_folder: Path, ref: WarcRef | Mapping[str, Any]
                ) -> tuple[dict[str, str], int | None, bytes]:
    """``(http headers, status, body)`` of the record ``ref`` points at."""
    record = read_warc_record(site_folder, ref)
    return record.headers, record.status, record.body


def iter_records(folder: Path, *, on_torn: Callable[[TornRecord], None] | None = None,
                 pattern: str = "*.warc.gz") -> Iterator[tuple[WarcRef, WarcRecord]]:
    """Every complete record of every ``*.warc.gz`` in ``folder`` (or those matching
    ``pattern``), files in name order.

    Reading a file stops at the first record that is cut short or unreadable; that
    point is passed to ``on_torn`` (default: logged as a warning) and the next file is read.
    """
    folder = Path(folder)
    for path in sorted(folder.glob(pattern)):
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
    check_payload_digest(record.rec_headers.get_header("WARC-Payload-Digest"), body)
    status: int | None = None
    headers: dict[str, str] = {}
    if record.http_headers is not None:
        if record.rec_type == "response":
            status = int(record.http_headers.get_statuscode())
        headers = joined_fields(record.http_headers.headers)
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


def repair_torn_tails(folder: Path, run_id: str) -> list[TornRecord]:
    """Truncate the WARC files of run ``run_id`` to their last complete record (after that
    run was killed). Only that run's files are touched: a file of an earlier run that fails
    to read is damage for ``dgportal verify`` to report, not a tail to cut.

    Every record that an archive line points to was complete before the line was written,
    so cutting a torn tail loses nothing the archive refers to.
    """
    torn: list[TornRecord] = []
    folder = Path(folder)
    if not folder.is_dir():
        return torn
    for _ in iter_records(folder, on_torn=torn.append, pattern=f"{glob.escape(run_id)}-*.warc.gz"):
        pass
    for record in torn:
        with (folder.parent / record.file).open("r+b") as fh:
            fh.truncate(record.offset)
    return torn
