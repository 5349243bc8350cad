"""The Scrapy side of the archive: opens a :class:`~dgportal_crawler.store.site.SiteArchive`
for the run and closes it with the run report. Everything else happens in ``store/``.

Pipelines and middlewares reach the open archive through :func:`open_session`. It opens on
first use (pipelines open before the ``spider_opened`` signal) and closes last. An archive
that cannot be opened (held lock, unreadable state, read-only folder) closes the crawl once,
before the first request, instead of failing every item.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from dgportal_crawler import __version__, config
from dgportal_crawler.clock import clock_from_settings, format_time
from dgportal_crawler.coverage import ListFacts, describe, next_coverage
from dgportal_crawler.health import RunFacts, Thresholds, evaluate, health_key
from dgportal_crawler.outcome import SIGNAL_KEY, decide
from dgportal_crawler.reports import build_run_report, read_run_reports
from dgportal_crawler.runcontext import CrawlRun, crawl_run
from dgportal_crawler.stats import (
    ATTACHMENT_FAILED,
    COLUMN_PREFIX,
    COVERAGE_PREFIX,
    FAILED,
    LIST_END,
    LIST_FAILED,
    LIST_PAGES,
    SINCE_REACHED,
    STATE_REPLAYED,
    STATE_WRITE_FAILED,
    STOPPED_EARLY,
    TORN_LINES_REPAIRED,
    TORN_WARC_REPAIRED,
    inc,
    per_column,
)
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.lock import LockError
from dgportal_crawler.store.origin import OriginMismatch
from dgportal_crawler.store.site import ArchiveOptions, SiteArchive
from dgportal_crawler.store.state import StateError, StateWriteError

logger = logging.getLogger(__name__)

#: Settings recorded in each WARC file's warcinfo record.
WARCINFO_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "AUTOTHROTTLE_ENABLED", "DOWNLOAD_DELAY",
                     "CONCURRENT_REQUESTS_PER_DOMAIN", "DGPORTAL_BASE_URL", "DGPORTAL_PROFILE")


class ArchiveUnusable(RuntimeError):
    """The archive could not be opened; the crawl is being closed."""


class ArchiveSession:
    def __init__(self, crawler: Crawler, run: CrawlRun, layout: SiteLayout, options: ArchiveOptions) -> None:
        self.crawler = crawler
        self.run = run
        self.layout = layout
        self.options = options
        self.clock = clock_from_settings(crawler.settings)
        self.started_at = format_time(self.clock())
        self.archive: SiteArchive | None = None
        self.failure: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveSession:
        run = crawl_run(crawler)
        if run is None:
            raise NotConfigured  # not an archive crawl (scrapy shell, fetch, another spider)
        root = config.get(crawler.settings, "DGPORTAL_ARCHIVE_ROOT")
        if not root:
            raise NotConfigured  # switched off: scrapy parse/shell/fetch, or by the user
        settings = crawler.settings
        info: dict[str, Any] = {name.lower(): settings.get(name) for name in WARCINFO_SETTINGS}
        info["robots"] = "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"
        info["run_id"] = run.run_id
        options = ArchiveOptions(
            fsync=config.get_bool(settings, "DGPORTAL_FSYNC"),
            warc=config.get_bool(settings, "DGPORTAL_WARC"),
            warc_max_bytes=config.get_int(settings, "DGPORTAL_WARC_MAX_BYTES"),
            warc_software=f"dgportal-crawler/{__version__}",
            warc_info=info,
            lock=not config.get_bool(settings, "DGPORTAL_LOCK_HELD"),
            state_commit_every=config.get_int(settings, "DGPORTAL_STATE_COMMIT_EVERY"),
            base_url=run.profile.base_url,
        )
        session = cls(crawler, run, SiteLayout.of(root, run.site), options)
        crawler.signals.connect(session.open_early, signal=signals.spider_opened)
        crawler.signals.connect(session.close, signal=signals.spider_closed)
        return session

    def open_early(self) -> None:
        """Open when the spider opens, so an unusable archive stops the crawl before the
        first request rather than at the first answer."""
        with contextlib.suppress(ArchiveUnusable):  # already logged; the spider is closing
            self.ensure_open()

    def ensure_open(self) -> SiteArchive:
        if self.archive is not None:
            return self.archive
        if self.failure is not None:
            raise ArchiveUnusable(self.failure)
        try:
            self.archive = SiteArchive.open(self.layout, self.run.run_id, self.clock, self.options)
        except (StateError, LockError, OriginMismatch, OSError, sqlite3.Error) as exc:
            self.failure = str(exc)
            logger.error("the archive cannot be used: %s", exc)
            reason = "lock_held" if isinstance(exc, LockError) and "another crawl" in str(exc) else "archive_unusable"
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
            raise ArchiveUnusable(self.failure) from exc
        self._count_recovery()
        return self.archive

    def _count_recovery(self) -> None:
        assert self.archive is not None
        recovery, stats = self.archive.recovery, self.crawler.stats
        for torn in recovery.torn_lines:
            logger.warning("repaired a torn line at %s:%d (%d bytes moved to events.jsonl)",
                           torn.path, torn.offset, len(torn.data))
        inc(stats, TORN_LINES_REPAIRED, len(recovery.torn_lines))
        inc(stats, STATE_REPLAYED, recovery.replayed)
        inc(stats, TORN_WARC_REPAIRED, len(recovery.torn_warc))
        if recovery.killed_run is not None:
            logger.warning("run %s did not close the archive (killed?): replayed %d lines into the "
                           "state, cut %d torn WARC record(s)", recovery.killed_run,
                           recovery.replayed, len(recovery.torn_warc))
        elif recovery.replayed:
            logger.warning("the state was empty or missing: rebuilt it from %d archive lines",
                           recovery.replayed)

    def close(self, reason: str) -> None:
        if self.archive is None:
            return
        self.update_coverage(reason)
        breaches = self.check_health()
        self.archive.close(lambda: self._report(reason, breaches))
        prune_logs(self.layout, config.get_int(self.crawler.settings, "DGPORTAL_KEEP_RUNS"))

    @contextlib.contextmanager
    def state_writes(self) -> Iterator[None]:
        """Around writes to the state: the first failed one (disk full, I/O error) is one
        ERROR line and stops the crawl; every refused write is counted. The lines already
        written are safe: the archive keeps its open mark, so the next run replays them into
        the state as after a kill, and nothing is written twice."""
        try:
            yield
        except StateWriteError as exc:
            stats = self.crawler.stats
            first = not (stats and stats.get_value(STATE_WRITE_FAILED))
            inc(stats, STATE_WRITE_FAILED)
            if first:
                logger.error("%s: stopping the crawl", exc)
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="state_unwritable"))

    def update_coverage(self, reason: str) -> None:
        """Record how much of each column's list this run read completely; the coverage goes
        into the stats (``dgportal/coverage/<column>``) for the table and the report."""
        assert self.archive is not None
        stats = self.crawler.stats
        table = per_column(stats.get_stats() if stats else {})
        plan, state = self.run.plan, self.archive.state
        for column in plan.columns:
            row = table.get(column.id, {})
            facts = ListFacts(
                list_pages=row.get(LIST_PAGES, 0), list_failed=row.get(LIST_FAILED, 0),
                reached_end=bool(row.get(LIST_END)), reached_since=bool(row.get(SINCE_REACHED)),
                stopped_early=bool(row.get(STOPPED_EARLY)),
                since=plan.since.isoformat() if plan.since else None,
                until=plan.until.isoformat() if plan.until else None,
                finished=reason == "finished" and not (stats and stats.get_value(SIGNAL_KEY)),
                today=self.archive.now()[:10],
                articles_failed=row.get(FAILED, 0) - row.get(LIST_FAILED, 0) - row.get(ATTACHMENT_FAILED, 0),
            )
            current = state.coverage(column.id)
            coverage = next_coverage(current, facts)
            if coverage is not None and coverage != current:
                with self.state_writes():
                    state.record_coverage(column.id, coverage, self.archive.now())
            if stats is not None:
                stats.set_value(COVERAGE_PREFIX + column.id, describe(coverage))

    def check_health(self) -> list[Any]:
        """Run the health checks on this run's counters and the earlier reports; each breach
        is logged once and counted, so the outcome (and the exit code) sees it."""
        settings, stats = self.crawler.settings, self.crawler.stats
        current = stats.get_stats() if stats else {}
        limits = Thresholds(
            fallback_rate=config.get_float(settings, "DGPORTAL_FALLBACK_WARN_RATE"),
            failure_rate=config.get_float(settings, "DGPORTAL_HEALTH_FAILURE_RATE"),
            challenges=config.get_int(settings, "DGPORTAL_HEALTH_CHALLENGES"),
            stale_runs=config.get_int(settings, "DGPORTAL_HEALTH_STALE_RUNS"),
        )
        table = per_column(current)
        rows = {c.id: table.get(c.id, {}) for c in self.run.plan.columns}
        totals = {k: v for k, v in current.items() if not k.startswith(COLUMN_PREFIX)}
        breaches = evaluate(RunFacts(rows, totals, read_run_reports(self.layout)), limits)
        for breach in breaches:
            logger.warning("%s", breach.message)
            inc(stats, health_key(breach.check))
        return breaches

    def _report(self, reason: str, breaches: list[Any]) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        effective = {name: self.crawler.settings.get(name, default)
                     for name, default in config.DEFAULTS.items()}
        report = build_run_report(self.run, stats, reason, started_at=self.started_at,
                                  finished_at=format_time(self.clock()), settings=effective)
        report["health"] = [b.to_dict() for b in breaches]
        outcome = decide(stats, [c.id for c in self.run.plan.columns], reason,
                         scheduled=self.run.job is not None)
        report.update(outcome.to_dict())
        logger.info("outcome: %s (exit code %d)%s", outcome.name, outcome.code,
                    "".join(f"; {r}" for r in outcome.reasons))
        return report


def prune_logs(layout: SiteLayout, keep: int) -> None:
    """Keep the newest ``keep`` run logs (run ids sort by start time); reports stay."""
    logs = layout.run_logs() if keep > 0 else []
    for old in logs[:-keep]:
        old.unlink(missing_ok=True)


def open_session(crawler: Crawler) -> SiteArchive | None:
    """The crawl's open archive; None when there is none (archive off, not an archive crawl)."""
    session = crawler.get_extension(ArchiveSession)
    return session.ensure_open() if session is not None else None
