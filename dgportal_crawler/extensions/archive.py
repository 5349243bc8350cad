"""The archive of one run: JSONL lines, state, WARC captures, events, report and manifest.

One :class:`ArchiveSession` per crawl owns every file under ``<root>/<site>/``; the
pipelines and middlewares reach it with :func:`open_session`. It opens
on first use (pipelines open before the ``spider_opened`` signal) and closes last.

Crash safety: a line is written before the state learns of it, and a marker file says the
state is open. If a run is killed, the next one finds the marker, repairs any torn JSONL tail
and replays the lines into the state, so an article is neither lost nor written twice.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from dgportal_crawler import __version__
from dgportal_crawler.clock import clock_from_settings, format_time
from dgportal_crawler.reports import write_run_report
from dgportal_crawler.stats import inc
from dgportal_crawler.store import JsonlArchive
from dgportal_crawler.store.events import EVENTS_FILE, iter_events, replay_withdrawals
from dgportal_crawler.store.jsonl import cut_torn_tail, encode_line
from dgportal_crawler.store.lock import LockError, site_lock
from dgportal_crawler.store.manifest import write_manifest
from dgportal_crawler.store.state import StateError, StateStore
from dgportal_crawler.store.warc import WarcArchive
from dgportal_crawler.store.warc_read import repair_torn_tails

logger = logging.getLogger(__name__)


class ArchiveUnusable(RuntimeError):
    """The archive could not be opened; the crawl is being closed."""

OPEN_MARKER = "state.sqlite.open"


class ArchiveSession:
    def __init__(self, crawler: Crawler, root: Path, *, fsync: bool, warc: bool,
                 warc_max_bytes: int) -> None:
        self.crawler = crawler
        self.root = root
        self.fsync = fsync
        self.warc_enabled = warc
        self.warc_max_bytes = warc_max_bytes
        self.clock = clock_from_settings(crawler.settings)
        self.started_at = format_time(self.clock())
        self.site_dir: Path | None = None
        self.lines: JsonlArchive | None = None
        self.state: StateStore | None = None
        self.warc: WarcArchive | None = None
        self._events: IO[bytes] | None = None
        self._resources = contextlib.ExitStack()
        self._lock = contextlib.ExitStack()
        self.failure: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveSession:
        root = crawler.settings.get("DGPORTAL_ARCHIVE_ROOT")
        if not root:
            raise NotConfigured("DGPORTAL_ARCHIVE_ROOT is empty: no archive")
        session = cls(
            crawler, Path(root),
            fsync=crawler.settings.getbool("DGPORTAL_FSYNC"),
            warc=crawler.settings.getbool("DGPORTAL_WARC", True),
            warc_max_bytes=crawler.settings.getint("DGPORTAL_WARC_MAX_BYTES", 100 * 2**20),
        )
        crawler.signals.connect(session.open_early, signal=signals.spider_opened)
        crawler.signals.connect(session.close, signal=signals.spider_closed)
        return session

    def open_early(self) -> None:
        """Open when the spider opens, so an unusable archive stops the crawl before the
        first request rather than at the first answer."""
        with contextlib.suppress(ArchiveUnusable):  # already logged; the spider is closing
            self.ensure_open()

    # -- opening ---------------------------------------------------------------------------
    def ensure_open(self) -> ArchiveSession:
        """Open on first use; an archive that cannot be opened stops the crawl (once) rather
        than failing every item."""
        if self.site_dir is None:
            if self.failure is not None:
                raise ArchiveUnusable(self.failure)
            try:
                self._open()
            except (StateError, LockError, OSError, sqlite3.Error) as exc:
                self.failure = str(exc)
                logger.error("the archive cannot be used: %s", exc)
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_unusable"))
                raise ArchiveUnusable(self.failure) from exc
        return self

    def _open(self) -> None:
        """Everything is opened first and assigned last, so a failure leaves nothing half-open."""
        spider = self.crawler.spider
        site_dir = self.root / spider.profile.name
        with contextlib.ExitStack() as opened:
            lock = contextlib.ExitStack()
            opened.enter_context(lock)
            if not self.crawler.settings.getbool("DGPORTAL_LOCK_HELD"):  # `scrapy crawl`
                lock.enter_context(site_lock(site_dir))
            lines = JsonlArchive(self.root, spider.profile.name, fsync=self.fsync)
            for torn in lines.repair():
                inc(self.crawler.stats, "dgportal/torn_lines_repaired")
                logger.warning("repaired a torn line at %s:%d (%d bytes moved to events.jsonl)",
                               torn.path, torn.offset, len(torn.data))
            state = opened.enter_context(StateStore(site_dir / "state.sqlite"))
            marker = site_dir / OPEN_MARKER
            killed = marker.exists()  # the previous run never closed the archive
            if killed and (site_dir / EVENTS_FILE).exists():
                torn_event = cut_torn_tail(site_dir / EVENTS_FILE)  # before appending to it
                if torn_event is not None:
                    logger.warning("cut a torn event at %s:%d", torn_event.path, torn_event.offset)
            events = opened.enter_context((site_dir / EVENTS_FILE).open("ab"))
            if killed:
                self._recover_from_kill(site_dir, lines, state, events)
            warc = None
            if self.warc_enabled:
                warc = opened.enter_context(WarcArchive(
                    site_dir / "warc", spider.run_id, max_bytes=self.warc_max_bytes,
                    software=f"dgportal-crawler/{__version__}", info=self._warcinfo(),
                    clock=self.clock, fsync=self.fsync,
                ))
            marker.write_text(spider.run_id, encoding="utf-8")
            opened.pop_all()
        self._lock = lock
        self._resources = contextlib.ExitStack()
        for resource in (state, warc, events):
            if resource is not None:
                self._resources.push(resource)
        self.lines, self.state, self.warc, self._events = lines, state, warc, events
        self.site_dir = site_dir

    def now(self) -> str:
        return format_time(self.clock())

    def _recover_from_kill(self, site_dir: Path, lines: JsonlArchive, state: StateStore,
                           events: IO[bytes]) -> None:
        """The previous run did not close: bring the state up to the lines and events it
        wrote, and cut the WARC record it was writing when it died."""
        replayed = state.apply_lines(iter(lines))
        replayed += replay_withdrawals(state, iter_events(site_dir))
        state.commit()
        inc(self.crawler.stats, "dgportal/state_replayed", replayed)
        torn = repair_torn_tails(site_dir / "warc") if (site_dir / "warc").is_dir() else []
        for record in torn:
            self._write_event(events, {"event": "torn_warc_repaired", "file": record.file,
                                       "offset": record.offset, "problem": record.message})
        inc(self.crawler.stats, "dgportal/torn_warc_repaired", len(torn))
        logger.warning("the previous run did not close the archive (killed?): replayed %d lines "
                       "into the state, cut %d torn WARC record(s)", replayed, len(torn))

    def _warcinfo(self) -> dict[str, Any]:
        settings = self.crawler.settings
        names = ("USER_AGENT", "ROBOTSTXT_OBEY", "AUTOTHROTTLE_ENABLED", "DOWNLOAD_DELAY",
                 "CONCURRENT_REQUESTS_PER_DOMAIN", "DGPORTAL_BASE_URL", "DGPORTAL_PROFILE")
        info: dict[str, Any] = {name.lower(): settings.get(name) for name in names}
        info["robots"] = "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"
        info["run_id"] = self.crawler.spider.run_id
        return info

    # -- writing ---------------------------------------------------------------------------
    def event(self, record: dict[str, Any]) -> None:
        self.ensure_open()
        assert self._events is not None
        self._write_event(self._events, record)

    def _write_event(self, events: IO[bytes], record: dict[str, Any]) -> None:
        """One flushed line: when, which run, what."""
        events.write(encode_line({"at": self.now(), "run_id": self.crawler.spider.run_id, **record}))
        events.flush()

    # -- closing ---------------------------------------------------------------------------
    def close(self, reason: str) -> None:
        if self.site_dir is None:
            return
        assert self.lines is not None
        self.lines.close()
        self._resources.close()  # events, WARC, state (committed)
        (self.site_dir / OPEN_MARKER).unlink(missing_ok=True)  # only once the state is safe
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        write_run_report(self.site_dir, self.crawler.spider, stats, reason,
                         started_at=self.started_at, finished_at=format_time(self.clock()))
        write_manifest(self.site_dir, clock=self.clock)
        self._lock.close()


def open_session(crawler: Crawler) -> ArchiveSession | None:
    """The crawl's archive session, opened; None when the archive is switched off."""
    session = crawler.get_extension(ArchiveSession)
    return session.ensure_open() if session is not None else None
