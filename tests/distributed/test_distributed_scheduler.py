"""scrapy-redis's scheduler on both sides of the shared frontier
(:mod:`dgportal_crawler.distributed.scheduler`), against a real redis-server: the coordinator
queues and deduplicates for every worker and hands the engine only results; a worker leases."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from distributed_helpers import REPLICA_URL, RUN_ID, crawler_from, houjie_info
from redis import Redis
from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler
from scrapy_redis import picklecompat

from dgportal_crawler.distributed.frontier import Frontier
from dgportal_crawler.distributed.keys import CrawlKeys
from dgportal_crawler.distributed.names import META_FRONTIER, META_LEASE, META_RESULT
from dgportal_crawler.distributed.scheduler import (
    CRAWL_SETTING,
    CoordinatorScheduler,
    WorkerScheduler,
    crawl_info,
)
from dgportal_crawler.distributed.settings import worker_settings
from dgportal_crawler.distributed.worker import WorkerSpider
from dgportal_crawler.spiders.houjie import HoujieSpider
from dgportal_crawler.stats import META_COLUMN, META_KIND
from tests.crawlers import make_crawler

KEYS = CrawlKeys("houjie")
ARTICLE = REPLICA_URL + "tsjh/czjs/content/post_{}.html"
FRONTIER_SETTINGS = {"DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
                     "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue"}


@pytest.fixture
def server(redis_url: str) -> Redis:
    return Redis.from_url(redis_url)


@pytest.fixture
def coordinator(redis_url: str) -> CoordinatorScheduler:
    crawler = make_crawler(HoujieSpider, {"REDIS_URL": redis_url, CRAWL_SETTING: asdict(houjie_info()),
                                          "DGPORTAL_BASE_URL": REPLICA_URL, "DGPORTAL_RUN_ID": RUN_ID,
                                          **FRONTIER_SETTINGS})
    scheduler = CoordinatorScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def worker_scheduler(redis_url: str, name: str | None = "w1") -> WorkerScheduler:
    settings = worker_settings(houjie_info(), redis_url, name or "", {})
    crawler = crawler_from(WorkerSpider, settings)
    scheduler = WorkerScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def article(scheduler: CoordinatorScheduler, number: int, priority: int = 0) -> Request:
    """An article request as the coordinator's spider makes it."""
    run = scheduler.spider.dgportal_run
    request = run.requests.article(ARTICLE.format(number), run.profile.column("czjs"))
    return request.replace(priority=priority)


def test_the_crawl_description_travels_in_one_setting():
    info = houjie_info()
    assert crawl_info(get_crawler(Spider, {CRAWL_SETTING: asdict(info)})) == info
    assert crawl_info(get_crawler(Spider)) is None


@pytest.mark.parametrize("cls", [CoordinatorScheduler, WorkerScheduler])
def test_without_a_crawl_description_neither_scheduler_can_be_built(cls, redis_url):
    with pytest.raises(ValueError, match=CRAWL_SETTING):
        cls.from_crawler(get_crawler(Spider, {"REDIS_URL": redis_url}))


def test_both_sides_use_the_sites_keys(coordinator, redis_url):
    worker = worker_scheduler(redis_url)
    for scheduler in (coordinator, worker):
        assert (scheduler.queue_key, scheduler.dupefilter_key) == (KEYS.requests, KEYS.dupefilter)
        assert (scheduler.queue.key, scheduler.df.key) == (KEYS.requests, KEYS.dupefilter)
        assert scheduler.frontier.keys == KEYS and scheduler.frontier.lease_seconds == 30.0


def test_the_coordinator_queues_each_request_once_for_every_worker(coordinator, server):
    assert coordinator.enqueue_request(article(coordinator, 1))
    assert not coordinator.enqueue_request(article(coordinator, 1)), "seen: scrapy-redis's dupefilter"
    assert coordinator.enqueue_request(article(coordinator, 1).replace(dont_filter=True))
    assert server.zcard(KEYS.requests) == 2 and server.scard(KEYS.dupefilter) == 1
    assert coordinator.stats.get_value("scheduler/enqueued/redis") == 2
    assert coordinator.next_request() is None, "the coordinator fetches nothing from the queue itself"
    assert len(coordinator) == 0


def test_a_request_that_fails_to_be_queued_leaves_no_fingerprint_behind(coordinator, server):
    """The coordinator killed between recording a fingerprint and queueing its request lost that
    article for good (the restarted run filtered it as seen). Enqueueing is one step: here the
    queue's key is made unwritable, and the fingerprint must not be recorded without the request."""
    from redis.exceptions import ResponseError

    server.set(KEYS.requests, b"not a sorted set")
    with pytest.raises(ResponseError):
        coordinator.enqueue_request(article(coordinator, 1))
    assert server.scard(KEYS.dupefilter) == 0, "a fingerprint recorded for a request never queued"
    server.delete(KEYS.requests)
    assert coordinator.enqueue_request(article(coordinator, 1)), "the same request can come again"
    assert server.zcard(KEYS.requests) == 1 and server.scard(KEYS.dupefilter) == 1


def test_the_coordinator_hands_the_engine_only_results_in_the_order_they_came(coordinator, server):
    first, second = article(coordinator, 1), article(coordinator, 2)
    for request in (first, second):
        request.meta[META_RESULT] = object()  # what the Coordinator extension attaches
        assert coordinator.enqueue_request(request)
    assert server.zcard(KEYS.requests) == 0 and len(coordinator) == 2
    assert coordinator.next_request() is first and coordinator.next_request() is second
    assert coordinator.next_request() is None


def test_the_coordinator_has_work_while_anything_is_queued_leased_or_answered(coordinator, server):
    frontier = Frontier(server, KEYS, 30)
    assert not coordinator.has_pending_requests()
    coordinator.enqueue_request(article(coordinator, 1))
    assert coordinator.has_pending_requests()
    assert frontier.lease("w1:1")
    assert coordinator.has_pending_requests(), "leased by a worker: not done yet"
    assert frontier.complete("w1:1", "r1", b"result")
    assert coordinator.has_pending_requests(), "answered, not yet taken"
    assert frontier.take(1)
    assert not coordinator.has_pending_requests()


def test_closing_flushes_nothing_other_processes_share(coordinator, server):
    coordinator.enqueue_request(article(coordinator, 1))
    coordinator.close("shutdown")
    assert server.zcard(KEYS.requests) == 1 and server.scard(KEYS.dupefilter) == 1


def test_a_worker_leases_the_best_request_with_its_own_callbacks_and_the_queued_bytes(coordinator, redis_url,
                                                                                     server):
    coordinator.enqueue_request(article(coordinator, 1, priority=0))
    coordinator.enqueue_request(article(coordinator, 2, priority=5))
    worker = worker_scheduler(redis_url)
    request = worker.next_request()
    assert request.url == ARTICLE.format(2)
    assert request.callback == worker.spider.ship_response and request.errback == worker.spider.ship_failure
    assert request.meta[META_LEASE] == "w1:1" and worker.held == {"w1:1"}
    assert (request.meta[META_KIND], request.meta[META_COLUMN]) == ("article", "czjs")
    assert server.hget(KEYS.leases, "w1:1") == b"-5|" + request.meta[META_FRONTIER]
    assert worker.stats.get_value("scheduler/dequeued/redis") == 1
    # the coordinator gets its own request back from the queued bytes
    back = request_from_dict(picklecompat.loads(request.meta[META_FRONTIER]), spider=coordinator.spider)
    assert back.callback == coordinator.spider.parse_article and back.url == ARTICLE.format(2)
    assert worker.next_request().meta[META_LEASE] == "w1:2"
    assert worker.next_request() is None and worker.held == {"w1:1", "w1:2"}


def test_a_workers_retries_and_redirects_stay_local_to_their_lease(coordinator, redis_url, server):
    coordinator.enqueue_request(article(coordinator, 1))
    coordinator.enqueue_request(article(coordinator, 2))
    worker = worker_scheduler(redis_url)
    leased = worker.next_request()
    retry = leased.replace(dont_filter=True)
    assert worker.enqueue_request(retry) and len(worker) == 1
    assert worker.next_request() is retry, "before a new lease"
    assert server.zcard(KEYS.requests) == 1
    with pytest.raises(RuntimeError, match="a worker makes no requests of its own"):
        worker.enqueue_request(Request(ARTICLE.format(3)))


def test_a_worker_has_work_while_the_queue_does_not_for_what_others_lease(coordinator, redis_url, server):
    worker = worker_scheduler(redis_url)
    assert not worker.has_pending_requests()
    coordinator.enqueue_request(article(coordinator, 1))
    assert worker.has_pending_requests()
    assert Frontier(server, KEYS, 30).lease("someone-else:1")
    assert not worker.has_pending_requests()


def test_a_worker_without_a_name_leases_as_worker(redis_url):
    assert worker_scheduler(redis_url, name=None).worker_id == "worker"
    assert worker_scheduler(redis_url, name="host-7").worker_id == "host-7"
