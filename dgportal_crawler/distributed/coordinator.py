"""The coordinator side: takes the workers' results from Redis and feeds each to the engine
as the request it answers, so the ordinary spider, spider middlewares (incremental) and
pipelines run on it exactly as on one machine, and the archive has one writer.

:class:`Coordinator` (an extension) ticks every few milliseconds: it renews its heartbeat,
puts expired leases back on the queue, and takes results while the engine has room. Each
result stays in Redis's ``processing`` set until its effects are stored (:class:`Acks`);
a restarted coordinator takes the unacked ones again. Taking one twice is harmless: its
list page's requests are already in scrapy-redis's dupefilter, and its article's line was
written before the state learnt of it, so the archive (whose recovery replays the lines
into the state) calls it unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time
from collections import Counter
from typing import Any, cast

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from scrapy_redis.connection import get_redis_from_settings
from twisted.internet import task

from dgportal_crawler.distributed import crawlinfo, names
from dgportal_crawler.distributed.frontier import Frontier, outlasts_redis
from dgportal_crawler.distributed.messages import Exchange, Result
from dgportal_crawler.distributed.scheduler import CoordinatorScheduler, crawl_info
from dgportal_crawler.extensions.archive import ArchiveUnusable, open_session
from dgportal_crawler.runcontext import crawl_run
from dgportal_crawler.store.warc import WarcRef

logger = logging.getLogger(__name__)

#: Seconds between ticks, heartbeats and looks for expired leases.
TICK_SECONDS = 0.02
BEAT_SECONDS = 1.0
REAP_SECONDS = 0.25
#: A coordinator whose heartbeat is older than this is taken for dead.
BEAT_TTL = 10.0
#: Results held by the engine at once, beyond those being processed.
READY_LIMIT = 32
_UNREADABLE = (pickle.UnpicklingError, ValueError, TypeError, EOFError, AttributeError, ImportError,
               KeyError)


class Acks:
    """Acks a result once everything it caused is stored: the items it made have left the
    pipelines and its requests are in the frontier. Acks go to Redis in batches, at the
    coordinator's next tick (a later ack only means a little more to redo after a crash)."""

    def __init__(self, frontier: Frontier) -> None:
        self.frontier = frontier
        self.expected: dict[str, int | None] = {}  # result id -> items made (None: not yet known)
        self.done: Counter[str] = Counter()
        self.pending: list[str] = []

    def taken(self, result_id: str) -> None:
        self.expected[result_id] = None

    def outputs_done(self, result_id: str, items: int) -> None:
        if result_id in self.expected:
            self.expected[result_id] = items
            self._maybe(result_id)

    def item_done(self, result_id: str) -> None:
        if result_id in self.expected:
            self.done[result_id] += 1
            self._maybe(result_id)

    def ack(self, result_id: str) -> None:
        self.expected.pop(result_id, None)
        self.done.pop(result_id, None)
        self.pending.append(result_id)

    def ack_all(self) -> None:
        self.pending.extend(self.expected)
        self.expected.clear()
        self.done.clear()
        self.flush()

    def flush(self) -> None:
        if self.pending:
            self.frontier.ack(self.pending)
            self.pending = []

    def _maybe(self, result_id: str) -> None:
        items = self.expected.get(result_id)
        if items is not None and self.done[result_id] >= items:
            self.ack(result_id)


class Coordinator:
    def __init__(self, crawler: Crawler, info: crawlinfo.CrawlInfo, frontier: Frontier) -> None:
        self.crawler = crawler
        self.info = info
        self.frontier = frontier
        self.acks = Acks(frontier)
        self.extractions: dict[tuple[str, str], dict[str, Any]] = {}
        self.loop = task.LoopingCall(self.tick)
        self.next_beat = self.next_reap = 0.0
        self.spider: Spider | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Coordinator:
        info = crawl_info(crawler)
        if info is None or crawl_run(crawler) is None:
            raise NotConfigured
        server = get_redis_from_settings(crawler.settings)
        ext = cls(crawler, info, Frontier(server, info.keys, info.lease_seconds))
        for handler, signal in ((ext.spider_opened, signals.spider_opened),
                                (ext.spider_idle, signals.spider_idle),
                                (ext.spider_closed, signals.spider_closed),
                                (ext.item_done, signals.item_scraped),
                                (ext.item_done, signals.item_dropped),
                                (ext.item_done, signals.item_error)):
            crawler.signals.connect(handler, signal=signal)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.spider = spider  # results name the spider's callbacks, resolved on it
        restored = self.frontier.restore()
        if restored:
            self.crawler.stats.inc_value(names.RESTORED, restored)
            logger.warning("took back %d result(s) a stopped coordinator had not stored", restored)
        self.loop.start(TICK_SECONDS, now=False)  # after the archive session has opened

    def spider_idle(self) -> None:
        """Nothing queued, leased or waiting, and the engine idle: all taken is stored."""
        self.acks.ack_all()
        self.extractions.clear()

    def spider_closed(self, reason: str) -> None:
        if self.loop.running:
            self.loop.stop()
        if reason == "finished":
            self.acks.ack_all()
        else:
            self.acks.flush()  # what is stored is acked; the rest is taken again after a restart
        crawlinfo.stop_beating(self.frontier.server, self.info.site)

    def item_done(self, response: Any = None) -> None:
        if isinstance(response, Response) and response.request is not None:
            result_id = response.request.meta.get(names.META_RESULT_ID)
            if result_id is not None:
                self.acks.item_done(result_id)

    # -- the tick -------------------------------------------------------------------------
    @outlasts_redis
    def tick(self) -> None:
        now = time.monotonic()
        if now >= self.next_beat:
            crawlinfo.beat(self.frontier.server, self.info.site, self.info.run_id, BEAT_TTL)
            self.next_beat = now + BEAT_SECONDS
        if now >= self.next_reap:
            self.next_reap = now + REAP_SECONDS
            requeued = self.frontier.reap()
            if requeued:
                self.crawler.stats.inc_value(names.REQUEUED, requeued)
                logger.warning("%d lease(s) expired (a worker died?): their requests are queued again",
                               requeued)
        self.acks.flush()
        try:
            open_session(self.crawler)
        except ArchiveUnusable:
            return  # the archive session is closing the crawl; take nothing more
        scheduler = cast(CoordinatorScheduler, self.crawler.engine.scheduler)
        room = READY_LIMIT - len(scheduler.ready) if scheduler is not None else 0
        if room > 0:
            for result_id, raw in self.frontier.take(room):
                self.receive(result_id, raw)

    def receive(self, result_id: str, raw: bytes) -> None:
        stats = self.crawler.stats
        try:
            result = Result.loads(raw)
            request = None if result.is_capture else request_from_dict(
                picklecompat.loads(result.frontier), spider=self.spider)
        except _UNREADABLE as exc:
            stats.inc_value(names.UNREADABLE)
            logger.error("dropped an unreadable result from Redis: %s", exc)
            self.acks.ack(result_id)
            return
        stats.inc_value(names.RESULTS)
        if request is None:
            self.write_exchanges(result.exchanges)
            stats.inc_value(names.CAPTURES)
            self.acks.ack(result_id)
            return
        stats.inc_value(names.fetched_by(result.worker))
        request.meta[names.META_RESULT] = result
        request.meta[names.META_RESULT_ID] = result_id
        self.acks.taken(result_id)
        self.crawler.engine.crawl(request)

    def write_exchanges(self, exchanges: list[Exchange]) -> WarcRef | None:
        """Into the run's WARC, as ``WarcCaptureMiddleware`` does on one machine; the last
        reference (the final answer) is the one an article line points at."""
        stats = self.crawler.stats
        archive = open_session(self.crawler)
        ref = None
        for e in exchanges:
            stats.inc_value("downloader/request_count")
            stats.inc_value("downloader/response_count")
            stats.inc_value(f"downloader/response_status_count/{e.status}")
            if archive is not None and archive.warc is not None:
                ref = archive.warc.write_exchange(e.url, e.method, e.request_headers, e.request_body,
                                                  e.status, e.reason, e.response_headers, e.body)
        return ref

    # -- what workers extracted -----------------------------------------------------------
    def keep_extraction(self, url: str, body: bytes, extracted: dict[str, Any]) -> None:
        self.extractions[(url, hashlib.sha256(body).hexdigest())] = extracted

    def pop_extraction(self, url: str, body: bytes) -> dict[str, Any] | None:
        return self.extractions.pop((url, hashlib.sha256(body).hexdigest()), None)
