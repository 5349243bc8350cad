"""The worker side (:mod:`dgportal_crawler.distributed.worker`), against a real redis-server:
every leased request ends as one result handed in under its lease (with what extraction made
of an article page), a late answer is refused, and a leaving worker gives its leases back."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
import scrapy
from distributed_helpers import REPLICA_URL, RUN_ID, IdleEngine, crawler_from, houjie_info
from redis import Redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from scrapy_redis import picklecompat
from twisted.internet import task
from twisted.python.failure import Failure

from dgportal_crawler.distributed.crawlinfo import CrawlInfo
from dgportal_crawler.distributed.frontier import Frontier
from dgportal_crawler.distributed.keys import CrawlKeys
from dgportal_crawler.distributed.messages import Exchange, Result
from dgportal_crawler.distributed.names import META_EXCHANGES, META_FRONTIER, META_LEASE, REFUSED
from dgportal_crawler.distributed.scheduler import CRAWL_SETTING, WorkerScheduler
from dgportal_crawler.distributed.settings import worker_settings
from dgportal_crawler.distributed.worker import CaptureMiddleware, Worker, WorkerSpider
from dgportal_crawler.stats import META_COLUMN, META_FETCHED_AT, META_KIND

KEYS = CrawlKeys("houjie")
ARTICLE = REPLICA_URL + "tsjh/czjs/content/post_3950150.html"
LIST = REPLICA_URL + "tsjh/czjs/index.html"
FIXTURE = Path(__file__).parent.parent / "fixtures" / "current" / "article_news.html"


class OtherSpider(scrapy.Spider):
    name = "other"


@pytest.fixture
def server(redis_url: str) -> Redis:
    return Redis.from_url(redis_url)


def worker_crawler(redis_url: str, info: CrawlInfo | None = None) -> Crawler:
    """A worker's crawler as ``dgportal worker`` builds it, its scheduler open, no engine running."""
    crawler = crawler_from(WorkerSpider, worker_settings(info or houjie_info(), redis_url, "w1", {}))
    scheduler = WorkerScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    crawler.engine = IdleEngine(scheduler)
    for loop in crawler.get_extension(Worker).loops:
        loop.clock = task.Clock()  # the loops are called by the tests, not by time
    return crawler


@pytest.fixture
def crawler(redis_url: str) -> Crawler:
    return worker_crawler(redis_url)


@pytest.fixture
def worker(crawler: Crawler) -> Worker:
    return crawler.get_extension(Worker)


def queue(server: Redis, url: str, kind: str = "article") -> bytes:
    """A request on the shared frontier, as the coordinator queued it."""
    data = picklecompat.dumps(Request(url, meta={META_KIND: kind, META_COLUMN: "czjs"}).to_dict())
    server.zadd(KEYS.requests, {data: 0})
    return data


def leased(crawler: Crawler, server: Redis, url: str = ARTICLE, kind: str = "article") -> Request:
    queue(server, url, kind)
    request = crawler.engine.scheduler.next_request()
    assert request is not None and META_LEASE in request.meta
    return request


def handed_in(server: Redis) -> list[Result]:
    return [Result.loads(server.hget(KEYS.result_data, rid)) for rid in server.lrange(KEYS.results, 0, -1)]


def answer(request: Request, status: int = 200, body: bytes | None = None) -> HtmlResponse:
    request.meta[META_FETCHED_AT] = "2026-01-01T00:00:00Z"
    return HtmlResponse(request.url, status=status, body=FIXTURE.read_bytes() if body is None else body,
                        headers={"Content-Type": "text/html; charset=utf-8"}, request=request)


# -- the spider -------------------------------------------------------------------------------
def test_the_worker_spider_runs_the_coordinators_crawl_with_its_own_callbacks(redis_url):
    info = houjie_info(arguments={"columns": "czjs", "mode": "resume"})
    spider = worker_crawler(redis_url, info).spider
    run = spider.dgportal_run
    assert (run.run_id, run.mode, run.site) == (RUN_ID, "resume", "houjie")
    assert run.profile.base_url == info.profile().base_url
    assert [c.id for c in run.plan.columns] == ["czjs"]
    assert spider.allowed_domains == ["127.0.0.1"]
    assert run.requests.callback == spider.ship_response and run.requests.errback == spider.ship_failure


def test_the_worker_spider_starts_nothing_itself(crawler):
    async def started() -> list[Any]:
        return [r async for r in crawler.spider.start()]

    assert asyncio.run(started()) == []
    assert crawler.spider.dgportal_run.mode == "incremental", "no mode given"


def test_the_worker_extension_and_capture_middleware_are_off_outside_a_distributed_crawl(redis_url):
    for crawler in (get_crawler(WorkerSpider), get_crawler(OtherSpider)):
        with pytest.raises(NotConfigured):
            Worker.from_crawler(crawler)
        with pytest.raises(NotConfigured):
            CaptureMiddleware.from_crawler(crawler)
    no_run = get_crawler(OtherSpider, {CRAWL_SETTING: asdict(houjie_info()), "REDIS_URL": redis_url})
    with pytest.raises(NotConfigured):
        Worker.from_crawler(no_run)


def test_without_a_warc_the_capture_middleware_is_off(redis_url):
    crawler = worker_crawler(redis_url, houjie_info(warc=False))
    with pytest.raises(NotConfigured):
        CaptureMiddleware.from_crawler(crawler)
    assert isinstance(CaptureMiddleware.from_crawler(worker_crawler(redis_url)), CaptureMiddleware)


# -- results ----------------------------------------------------------------------------------
def test_an_article_page_is_handed_in_with_its_extraction_and_its_lease_ends(crawler, worker, server):
    request = leased(crawler, server)
    request.meta[META_EXCHANGES] = [Exchange(ARTICLE, "GET", [], b"", 200, "OK", [], b"raw")]
    worker.ship_response(answer(request))
    (result,) = handed_in(server)
    assert (result.worker, result.url, result.status) == ("w1", ARTICLE, 200)
    assert result.frontier == request.meta[META_FRONTIER] and result.fetched_at == "2026-01-01T00:00:00Z"
    assert result.body == FIXTURE.read_bytes() and result.exchanges[0].body == b"raw"
    article = result.extracted["article"]
    assert article["column"] == "czjs" and article["url"] == ARTICLE
    assert article["crawler"]["run_id"] == RUN_ID
    assert crawler.engine.scheduler.held == set() and server.hlen(KEYS.leases) == 0


@pytest.mark.parametrize(("kind", "status", "body", "extracted"), [
    ("list", 200, None, None),  # list pages are read by the coordinator's spider
    ("article", 404, b"gone", None),  # judged by the coordinator (withdrawn?)
    ("article", 200, b"", {"error": "empty response body"}),
])
def test_only_an_article_answered_200_is_extracted_on_the_worker(crawler, worker, server, kind, status, body,
                                                                 extracted):
    request = leased(crawler, server, LIST if kind == "list" else ARTICLE, kind)
    worker.ship_response(answer(request, status, body))
    (result,) = handed_in(server)
    assert result.extracted == extracted and result.status == status


def test_a_failed_download_is_handed_in_as_its_exception(crawler, worker, server):
    request = leased(crawler, server)
    failure = Failure(TimeoutError("took longer than 30 s"))
    failure.request = request  # type: ignore[attr-defined]
    worker.ship_failure(failure)
    (result,) = handed_in(server)
    assert result.failure == ("TimeoutError", "took longer than 30 s")
    assert result.frontier == request.meta[META_FRONTIER] and result.url is None


def test_an_answer_whose_lease_was_taken_back_is_dropped_and_counted(redis_url, server, caplog):
    crawler = worker_crawler(redis_url, houjie_info(lease_seconds=0))  # every lease expires at once
    request = leased(crawler, server)
    assert Frontier(server, KEYS, 0).reap() == 1, "the coordinator queued it again"
    with caplog.at_level(logging.WARNING):
        crawler.get_extension(Worker).ship_response(answer(request))
    assert handed_in(server) == [] and crawler.stats.get_value(REFUSED) == 1
    assert server.zcard(KEYS.requests) == 1
    assert f"the lease on {ARTICLE} expired" in caplog.text


# -- raw exchanges ----------------------------------------------------------------------------
def test_each_exchange_of_a_leased_request_travels_with_its_result(crawler, server):
    middleware = CaptureMiddleware.from_crawler(crawler)
    request = leased(crawler, server)
    first = Response(ARTICLE, status=503, body=b"busy", request=request)
    assert middleware.process_response(request, first) is first
    middleware.process_response(request, Response(ARTICLE, status=599, request=request))
    assert [(e.status, e.reason, e.body) for e in request.meta[META_EXCHANGES]] == [
        (503, "Service Unavailable", b"busy"), (599, "", b"")]
    assert server.llen(KEYS.results) == 0


def test_a_robots_txt_exchange_goes_to_the_coordinator_at_once_as_a_capture(crawler, server):
    robots = Request(REPLICA_URL + "robots.txt")
    CaptureMiddleware.from_crawler(crawler).process_response(robots, Response(robots.url, body=b"User-agent: *"))
    (capture,) = handed_in(server)
    assert capture.is_capture and capture.worker == "w1"
    assert [(e.url, e.status, e.reason, e.body) for e in capture.exchanges] == [
        (REPLICA_URL + "robots.txt", 200, "OK", b"User-agent: *")]


# -- the worker's life ------------------------------------------------------------------------
def test_a_worker_stays_until_the_coordinator_finishes_the_crawl(crawler, worker, server):
    info = houjie_info()
    info.publish(server)
    with pytest.raises(DontCloseSpider):
        worker.spider_idle()
    worker.check_status()
    assert not worker.finished
    info.finish(server)
    worker.check_status()
    assert worker.finished
    worker.spider_idle()  # may close now


def test_a_worker_of_a_replaced_crawl_leaves(crawler, worker, server):
    houjie_info(run_id="20260102T000000Z-123456").publish(server)
    worker.check_status()
    assert worker.finished


def test_waking_leases_work_for_an_idle_engine_once(crawler, worker, server):
    queue(server, ARTICLE)
    queue(server, LIST, "list")
    worker.wake()
    scheduler = crawler.engine.scheduler
    assert len(scheduler.local) == 1 and scheduler.held == {"w1:1"}
    worker.wake()
    assert scheduler.held == {"w1:1"}, "work is waiting in the engine already"
    worker.finished = True
    scheduler.local.clear()
    worker.wake()
    assert scheduler.held == {"w1:1"}, "a finished crawl takes nothing more"


def test_renewing_keeps_a_workers_leases_from_expiring(crawler, worker, server):
    leased(crawler, server)
    server.zadd(KEYS.lease_expiry, {"w1:1": 0})  # as if about to expire
    worker.renew()
    assert Frontier(server, KEYS, 30).reap() == 0
    assert server.zscore(KEYS.lease_expiry, "w1:1") > 0


def test_a_leaving_worker_gives_its_leases_back(crawler, worker, server, caplog):
    worker.spider_opened()
    assert all(loop.running for loop in worker.loops)
    leased(crawler, server)
    leased(crawler, server, LIST, "list")
    with caplog.at_level(logging.INFO):
        worker.spider_closed("shutdown")
    assert not any(loop.running for loop in worker.loops)
    assert server.zcard(KEYS.requests) == 2 and server.hlen(KEYS.leases) == 0
    assert crawler.engine.scheduler.held == set()
    assert "gave 2 unfinished request(s) back" in caplog.text
