"""One run's hold on one site's archive, without Scrapy: lock, repair, replay, write, close.

``SiteArchive.open`` takes the writer lock, repairs what a killed run left (see
:mod:`dgportal_crawler.store.recovery`), opens the lines, the state, the events and the WARC
writer, and marks the archive open; ``close`` commits everything, writes the run report and
the manifest, clears the mark and releases the lock. Crash safety: a line is written before
the state learns of it, so a killed run loses nothing that :func:`recovery.recover` cannot
bring back.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dgportal_crawler.clock import Clock, format_time
from dgportal_crawler.store.atomic import write_atomic
from dgportal_crawler.store.events import EventLog
from dgportal_crawler.store.jsonl import JsonlArchive
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.lock import site_lock
from dgportal_crawler.store.manifest import write_manifest
from dgportal_crawler.store.origin import check_origin, record_origin
from dgportal_crawler.store.recovery import Recovery, recover
from dgportal_crawler.store.state import StateStore, StateWriteError
from dgportal_crawler.store.warc import DEFAULT_MAX_BYTES, WarcArchive

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ArchiveOptions:
    fsync: bool = False
    warc: bool = True
    warc_max_bytes: int = DEFAULT_MAX_BYTES
    warc_software: str = "dgportal-crawler"
    warc_info: Mapping[str, Any] | None = None
    lock: bool = True  # False when the caller already holds the archive's lock
    base_url: str | None = None  # the site crawled: checked against, then recorded as, the origin
    state_commit_every: int = 100


class SiteArchive:
    """Everything under ``<root>/<site>/`` that one run writes."""

    def __init__(self, layout: SiteLayout, run_id: str, clock: Clock, *, lines: JsonlArchive,
                 state: StateStore, events: EventLog, warc: WarcArchive | None,
                 recovery: Recovery, files: contextlib.ExitStack, lock: contextlib.ExitStack) -> None:
        self.layout = layout
        self.run_id = run_id
        self.clock = clock
        self.lines = lines
        self.state = state
        self.events = events
        self.warc = warc
        self.recovery = recovery
        self._files = files
        self._lock = lock
        self.closed = False

    @classmethod
    def open(cls, layout: SiteLayout, run_id: str, clock: Clock,
             options: ArchiveOptions = ArchiveOptions()) -> SiteArchive:
        """Everything is opened first and handed over last, so a failure (a held lock, an
        unreadable state, a read-only folder) leaves nothing half-open."""
        with contextlib.ExitStack() as lock, contextlib.ExitStack() as opened:
            if options.lock:
                lock.enter_context(site_lock(layout))
            if options.base_url is not None:
                check_origin(layout, options.base_url)
            lines = opened.enter_context(JsonlArchive(layout, fsync=options.fsync))
            state = opened.enter_context(StateStore(layout.state_file,
                                                    commit_every=options.state_commit_every))
            recovery = recover(layout, lines, state)
            events = opened.enter_context(EventLog(layout.events_file, run_id,
                                                   lambda: format_time(clock()), fsync=options.fsync))
            for event in recovery.events(layout):
                events.write(event)
            warc = None
            if options.warc:
                warc = opened.enter_context(WarcArchive(
                    layout.warc_dir, run_id, max_bytes=options.warc_max_bytes,
                    software=options.warc_software, info=dict(options.warc_info or {}),
                    clock=clock, fsync=options.fsync,
                ))
            if options.base_url is not None:
                record_origin(layout, options.base_url, format_time(clock()))
            layout.open_marker.write_text(run_id, encoding="utf-8")
            files, held = opened.pop_all(), lock.pop_all()
        return cls(layout, run_id, clock, lines=lines, state=state, events=events, warc=warc,
                   recovery=recovery, files=files, lock=held)

    def now(self) -> str:
        return format_time(self.clock())

    def append(self, line: Mapping[str, Any]) -> Path:
        """One archive line, written (and flushed) before anything else learns of it."""
        return self.lines.append(line)

    def event(self, record: dict[str, Any]) -> None:
        self.events.write(record)

    def close(self, report: Callable[[], Mapping[str, Any]] | None = None) -> None:
        """Commit and close every file, then write the run report (``report()``, built only
        now so it sees the final counts) and the manifest, and release the lock."""
        if self.closed:
            return
        self.closed = True
        with self._lock:  # released last, whatever fails before
            failed_before = self.state.write_failure is not None
            try:
                self._files.close()  # WARC, events, state (committed), lines
            except StateWriteError as exc:
                if not failed_before:
                    logger.error("%s", exc)
            if self.state.write_failure is None:
                # Only once the state is safe: a kept marker makes the next run replay the
                # lines into the state, as after a kill.
                self.layout.open_marker.unlink(missing_ok=True)
            if report is not None:
                write_run_report(self.layout, self.run_id, report())
            write_manifest(self.layout.site_dir, clock=self.clock, on_damage=self._damaged)

    def _damaged(self, rel: str, what: str) -> None:
        logger.error("%s in %s changed after it was recorded (%s): not re-recorded in the "
                     "manifest; `dgportal verify %s` reports it", rel, self.layout.site_dir, what,
                     self.layout.site_dir)


def write_run_report(layout: SiteLayout, run_id: str, report: Mapping[str, Any]) -> Path:
    path = layout.run_report(run_id)
    data = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    write_atomic(path, data.encode("utf-8"))
    return path
