"""The worker side: fetch what the frontier holds, extract article pages, hand every finished
exchange to the coordinator through Redis. A worker never opens the archive.

- :class:`WorkerSpider` answers every leased request with :meth:`Worker.ship_response` or
  :meth:`Worker.ship_failure` (the scheduler points the queued request's callbacks there).
- :class:`Worker` (an extension) keeps the leases alive, wakes the engine when the frontier
  fills while it is idle, gives its leases back when it stops, and closes the spider when
  the coordinator marks the crawl finished.
- :class:`CaptureMiddleware` keeps every raw exchange (as ``WarcCaptureMiddleware`` does on
  one machine) for the coordinator to write to the WARC.
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus
from typing import Any, cast

import scrapy
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task
from twisted.python.failure import Failure

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.crawlplan import make_plan
from dgportal_crawler.distributed import crawlinfo
from dgportal_crawler.distributed.frontier import outlasts_redis
from dgportal_crawler.distributed.messages import Result, exchange_of, str_headers
from dgportal_crawler.distributed.names import META_EXCHANGES, META_FRONTIER, META_LEASE, REFUSED
from dgportal_crawler.distributed.scheduler import WorkerScheduler, crawl_info
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.runcontext import ArticleRequests, CrawlRun, crawl_run
from dgportal_crawler.stats import META_COLUMN, META_FETCHED_AT, META_KIND

logger = logging.getLogger(__name__)

#: Seconds between looks at the frontier while the engine has room, and at the crawl's status.
WAKE_SECONDS = 0.05
STATUS_SECONDS = 0.5


class WorkerSpider(scrapy.Spider):
    """The coordinator's crawl with the archive switched off: the same run context (profile,
    plan, run id), so the project's fetch-side components (site bounds, robots policy …)
    work here as on one machine, while everything that needs the archive stays off."""

    name = "dgportal-worker"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WorkerSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        info = crawl_info(crawler)
        if info is not None:
            args_ = info.arguments
            profile = info.profile()
            plan = make_plan(profile, args_.get("columns"), args_.get("since"), args_.get("until"))
            requests = ArticleRequests(callback=spider.ship_response, errback=spider.ship_failure)
            spider.dgportal_run = CrawlRun.create(profile, plan, info.run_id, requests,
                                                  args_.get("mode") or "incremental")
            spider.allowed_domains = sorted(spider.dgportal_run.allowed_hosts)
        return spider

    async def start(self) -> Any:
        return  # the frontier feeds the scheduler
        yield

    def ship_response(self, response: Response, **_: Any) -> None:
        _worker(self).ship_response(response)

    def ship_failure(self, failure: Failure) -> None:
        _worker(self).ship_failure(failure)


def _worker(spider: scrapy.Spider) -> Worker:
    return _worker_of(spider.crawler)


class Worker:
    def __init__(self, crawler: Crawler, info: crawlinfo.CrawlInfo, run: CrawlRun, worker_id: str) -> None:
        self.crawler = crawler
        self.info = info
        self.run = run
        self.worker_id = worker_id
        self.finished = False
        self.loops = [task.LoopingCall(self.wake), task.LoopingCall(self.renew),
                      task.LoopingCall(self.check_status)]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Worker:
        info, run = crawl_info(crawler), crawl_run(crawler)
        if info is None or run is None:
            raise NotConfigured
        worker = cls(crawler, info, run, crawler.settings.get("DGPORTAL_WORKER_ID") or "worker")
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        return worker

    @property
    def scheduler(self) -> WorkerScheduler:
        return cast(WorkerScheduler, self.crawler.engine.scheduler)

    def spider_opened(self) -> None:
        logger.info("worker %s joined the crawl of %s (run %s)", self.worker_id, self.info.site,
                    self.info.run_id)
        for loop, every in zip(self.loops, (WAKE_SECONDS, self.info.lease_seconds / 3, STATUS_SECONDS),
                               strict=True):
            loop.start(every, now=False)

    def spider_idle(self) -> None:
        if not self.finished:
            raise DontCloseSpider

    def spider_closed(self, reason: str) -> None:
        for loop in self.loops:
            if loop.running:
                loop.stop()
        scheduler = self.scheduler
        if scheduler is not None and scheduler.held:
            given = scheduler.frontier.release(scheduler.held)
            logger.info("gave %d unfinished request(s) back to the frontier", given)
            scheduler.held.clear()

    # -- the loops ------------------------------------------------------------------------
    @outlasts_redis
    def wake(self) -> None:
        """The engine asks its scheduler for work only when something happens; an idle
        worker is woken here as soon as the frontier has a request for it."""
        engine, scheduler = self.crawler.engine, self.scheduler
        if self.finished or scheduler is None or scheduler.local or engine.needs_backout():
            return
        request = scheduler.lease_next()
        if request is not None:
            engine.crawl(request)

    @outlasts_redis
    def renew(self) -> None:
        scheduler = self.scheduler
        if scheduler is not None:
            scheduler.frontier.renew(scheduler.held)

    @outlasts_redis
    def check_status(self) -> None:
        if crawlinfo.still_running(self.scheduler.frontier.server, self.info):
            return
        self.finished = True
        engine = self.crawler.engine
        if engine.spider_is_idle():
            deferred_from_coro(engine.close_spider_async(reason="finished"))

    # -- results --------------------------------------------------------------------------
    def ship_response(self, response: Response) -> None:
        request = response.request
        assert request is not None
        result = Result.of_response(self.worker_id, request.meta[META_FRONTIER], response,
                                    request.meta.get(META_EXCHANGES, []),
                                    request.meta.get(META_FETCHED_AT))
        try:
            if request.meta.get(META_KIND) == "article" and response.status == 200:
                result.extracted = self.extract(response)
        finally:  # an extraction bug must not keep the lease: the coordinator extracts then
            self._hand_in(request, result)

    def ship_failure(self, failure: Failure) -> None:
        request: Request = failure.request  # type: ignore[attr-defined]
        result = Result(self.worker_id, request.meta[META_FRONTIER], request.meta.get(META_EXCHANGES, []),
                        request.meta.get(META_FETCHED_AT),
                        failure=(type(failure.value).__name__, str(failure.value)))
        self._hand_in(request, result)

    def extract(self, response: Response) -> dict[str, Any]:
        """What the coordinator's extraction pipeline would make of the page, done here."""
        profile = self.run.profile
        column = profile.column(response.meta[META_COLUMN])
        page = FetchedPage(url=response.url, site=profile.name, column=column.id,
                           column_name=column.name, template=column.template,
                           status=response.status, headers=str_headers(response), body=response.body,
                           fetched_at=response.meta.get(META_FETCHED_AT))
        try:
            return {"article": article_from_page(page, profile, self.run.run_id).to_dict()}
        except ExtractionError as exc:
            return {"error": str(exc)}

    def _hand_in(self, request: Request, result: Result) -> None:
        lease = request.meta[META_LEASE]
        scheduler = self.scheduler
        scheduler.held.discard(lease)
        if not scheduler.frontier.complete(lease, uuid.uuid4().hex, result.dumps()):
            self.crawler.stats.inc_value(REFUSED)
            logger.warning("the lease on %s expired before it was answered; the request was "
                           "queued again and this answer is dropped", request.url)

    def post_capture(self, request: Request, response: Response, reason: str) -> None:
        result = Result(self.worker_id, None, [exchange_of(request, response, reason)])
        self.scheduler.frontier.post(uuid.uuid4().hex, result.dumps())


class CaptureMiddleware:
    """Next to the downloader (priority 960, like ``WarcCaptureMiddleware``): every raw
    exchange of a leased request travels with its result; others (robots.txt) go at once."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        info = crawl_info(crawler)
        if info is None or not info.warc:
            raise NotConfigured
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        if META_LEASE in request.meta:
            request.meta.setdefault(META_EXCHANGES, []).append(exchange_of(request, response, reason))
        else:
            _worker_of(self.crawler).post_capture(request, response, reason)
        return response


def _worker_of(crawler: Crawler) -> Worker:
    worker = crawler.get_extension(Worker)
    if worker is None:
        raise RuntimeError("the Worker extension is not enabled")
    return worker
