"""The archive of one run: JSONL lines, state, WARC captures, events, report and manifest.

One :class:`ArchiveSession` per crawl owns every file under ``<root>/<site>/``; the
pipelines and middlewares reach it with ``crawler.get_extension(ArchiveSession)``. It opens
on first use (pipelines open before the ``spider_opened`` signal) and closes last.

Crash safety: a line is written before the state learns of it, and a marker file says the
state is open. If a run is killed, the next one finds the marker, repairs any torn JSONL tail
and replays the lines into the state, so an article is neither lost nor written twice.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from dgportal_crawler import __version__
from dgportal_crawler.clock import clock_from_settings, format_time
from dgportal_crawler.reports import write_run_report
from dgportal_crawler.stats import inc
from dgportal_crawler.store import JsonlArchive
from dgportal_crawler.store.events import EVENTS_FILE, iter_events, replay_withdrawals
from dgportal_crawler.store.jsonl import encode_line
from dgportal_crawler.store.manifest import write_manifest
from dgportal_crawler.store.state import StateStore
from dgportal_crawler.store.warc import WarcArchive
from dgportal_crawler.store.warc_read import repair_torn_tails

logger = logging.getLogger(__name__)

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
        self._events: Any = None

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
        crawler.signals.connect(session.close, signal=signals.spider_closed)
        return session

    # -- opening ---------------------------------------------------------------------------
    def ensure_open(self) -> ArchiveSession:
        if self.site_dir is None:
            self._open()
        return self

    def _open(self) -> None:
        spider = self.crawler.spider
        self.site_dir = self.root / spider.profile.name
        self.site_dir.mkdir(parents=True, exist_ok=True)
        self.lines = JsonlArchive(self.root, spider.profile.name, fsync=self.fsync)
        for torn in self.lines.repair():
            inc(self.crawler.stats, "dgportal/torn_lines_repaired")
            logger.warning("repaired a torn line at %s:%d (%d bytes moved to events.jsonl)",
                           torn.path, torn.offset, len(torn.data))
        self.state = StateStore(self.site_dir / "state.sqlite")
        marker = self.site_dir / OPEN_MARKER
        if marker.exists():
            self._recover_from_kill()
        marker.write_text(spider.run_id, encoding="utf-8")
        if self.warc_enabled:
            self.warc = WarcArchive(
                self.site_dir / "warc", spider.run_id, max_bytes=self.warc_max_bytes,
                software=f"dgportal-crawler/{__version__}", info=self._warcinfo(), clock=self.clock,
                fsync=self.fsync,
            )
        self._events = (self.site_dir / EVENTS_FILE).open("ab")

    def _recover_from_kill(self) -> None:
        """The previous run did not close: bring the state up to the lines it wrote, and cut
        the WARC record it was writing when it died."""
        assert self.state is not None and self.lines is not None and self.site_dir is not None
        replayed = self.state.apply_lines(iter(self.lines))
        replayed += replay_withdrawals(self.state, iter_events(self.site_dir))
        self.state.commit()
        inc(self.crawler.stats, "dgportal/state_replayed", replayed)
        torn = repair_torn_tails(self.site_dir / "warc") if (self.site_dir / "warc").is_dir() else []
        with (self.site_dir / EVENTS_FILE).open("ab") as events:
            for record in torn:
                events.write(encode_line({"event": "torn_warc_repaired", "file": record.file,
                                          "offset": record.offset, "problem": record.message}))
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
        line = {"at": format_time(self.clock()), "run_id": self.crawler.spider.run_id, **record}
        self._events.write(encode_line(line))
        self._events.flush()

    # -- closing ---------------------------------------------------------------------------
    def close(self, reason: str) -> None:
        if self.site_dir is None:
            return
        for part in (self.lines, self.warc, self._events):
            if part is not None:
                part.close()
        assert self.state is not None
        self.state.close()
        (self.site_dir / OPEN_MARKER).unlink(missing_ok=True)
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        write_run_report(self.site_dir, self.crawler.spider, stats, reason,
                         started_at=self.started_at, finished_at=format_time(self.clock()))
        write_manifest(self.site_dir, clock=self.clock)
