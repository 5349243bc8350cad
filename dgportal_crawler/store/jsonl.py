"""Append-only JSON Lines files, one article per line, partitioned by publication month.

A line is written with a single ``write`` of the complete encoded line and flushed at once, so
a crash can tear at most the last line of one file; :meth:`JsonlArchive.repair` finds such a
tail and truncates the file back to its last full line; the cut bytes go into ``events.jsonl``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from dgportal_crawler.store.layout import SiteLayout

logger = logging.getLogger(__name__)

@dataclass(frozen=True, slots=True)
class TornLine:
    path: Path
    offset: int
    data: bytes


def encode_line(record: Mapping[str, Any]) -> bytes:
    """One compact UTF-8 JSON line (Chinese kept as characters, not ``\\u`` escapes)."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8") + b"\n"


class JsonlArchive:
    """Writes and reads the archive lines of one site (``layout.article_file``).

    Files are opened lazily and kept open for the run (a run touches a few dozen months);
    ``fsync`` after each line is optional because a flushed line survives a killed process,
    only a power loss needs the fsync.
    """

    def __init__(self, layout: SiteLayout, *, fsync: bool = False) -> None:
        self.layout = layout
        self.fsync = fsync
        self._files: dict[Path, IO[bytes]] = {}

    def append(self, record: Mapping[str, Any]) -> Path:
        path = self.layout.article_file(record.get("published_at"))
        line = encode_line(record)
        handle = self._files.get(path)
        if handle is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = self._files[path] = path.open("ab")
        start = handle.tell()
        try:
            handle.write(line)
            handle.flush()
            if self.fsync:
                os.fsync(handle.fileno())
        except OSError:
            self._undo(path, start)
            raise
        return path

    def _undo(self, path: Path, start: int) -> None:
        """A write failed (ENOSPC, EFBIG …): cut what reached the file, so the next line
        does not land after half a line. Closing flushes the buffer again, which fails again;
        that echo is dropped. If even the cut fails, recovery cuts the torn tail next run."""
        handle = self._files.pop(path)
        with contextlib.suppress(OSError):
            handle.close()
        with contextlib.suppress(OSError):
            os.truncate(path, start)

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()

    def __enter__(self) -> JsonlArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def files(self) -> list[Path]:
        return self.layout.article_files()

    def repair(self) -> list[TornLine]:
        """Truncate every file to its last complete line; return what was cut off (the
        caller records it, see :func:`dgportal_crawler.store.recovery.torn_line_event`)."""
        return [t for path in self.files() if (t := cut_torn_tail(path)) is not None]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for path in self.files():
            yield from iter_archive_lines(path)

    def iter_lines(self, on_bad: Callable[[BadLine], None]) -> Iterator[dict[str, Any]]:
        for path in self.files():
            yield from iter_archive_lines(path, on_bad)


def cut_torn_tail(path: Path) -> TornLine | None:
    """Truncate ``path`` to its last complete line; what was cut, or None if nothing was."""
    with path.open("r+b") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return None
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return None
        # Read backwards in blocks to the last newline; lines are a few KB, files may be large.
        end = size
        block = 1 << 16
        while end > 0:
            start = max(0, end - block)
            handle.seek(start)
            chunk = handle.read(end - start)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                offset = start + cut + 1
                break
            end = start
        else:
            offset = 0
        handle.seek(offset)
        data = handle.read()
        handle.truncate(offset)
    return TornLine(path=path, offset=offset, data=data)


@dataclass(frozen=True, slots=True)
class BadLine:
    path: Path
    line: int  # 1-based
    problem: str


def _log_bad_line(bad: BadLine) -> None:
    logger.warning("%s:%d: skipped a line that is not a JSON object (%s); `dgportal verify` "
                   "lists every such line", bad.path, bad.line, bad.problem)


def iter_archive_lines(
    path: Path, on_bad: Callable[[BadLine], None] = _log_bad_line, *, require_id: bool = True
) -> Iterator[dict[str, Any]]:
    """Yield each complete line of one JSONL file as a dict.

    A torn tail is not yielded (``repair`` deals with it); a damaged line in the middle is
    passed to ``on_bad`` (by default logged) and skipped, so one bad line cannot stop a
    rebuild or a re-extraction of everything else.
    """
    for _, record in iter_line_offsets(path, on_bad, require_revision=False, require_id=require_id):
        yield record


def iter_line_offsets(
    path: Path, on_bad: Callable[[BadLine], None] = _log_bad_line, *,
    require_id: bool = True, require_revision: bool = True,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(byte offset, record) of each complete line, checked as :func:`iter_archive_lines`
    does; with ``require_revision`` a line without an integer ``revision`` is bad too."""
    wanted = "an object with an id and a revision" if require_revision else "an object with an id"
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.endswith(b"\n"):
                return
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                on_bad(BadLine(path, number, str(exc)))
                continue
            if (not isinstance(record, dict)
                    or (require_id and not isinstance(record.get("id"), str))
                    or (require_revision and type(record.get("revision")) is not int)):
                on_bad(BadLine(path, number, f"not {wanted}"))
                continue
            yield start, record
