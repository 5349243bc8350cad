"""The coordinator extension and its acks (:mod:`dgportal_crawler.distributed.coordinator`),
against a real redis-server: results come back as the requests they answer, no faster than the
engine takes them; a result stays unacked until its effects are stored."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
import scrapy
from distributed_helpers import REPLICA_URL, RUN_ID, IdleEngine, houjie_info
from redis import Redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy_redis import picklecompat
from twisted.internet import task
from warcio.archiveiterator import ArchiveIterator

from dgportal_crawler.distributed import names
from dgportal_crawler.distributed.coordinator import READY_LIMIT, Acks, Coordinator
from dgportal_crawler.distributed.frontier import Frontier
from dgportal_crawler.distributed.keys import CrawlKeys
from dgportal_crawler.distributed.messages import Exchange, Result
from dgportal_crawler.distributed.scheduler import CRAWL_SETTING, CoordinatorScheduler
from dgportal_crawler.extensions.archive import ArchiveSession
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler

KEYS = CrawlKeys("houjie")
ARTICLE = REPLICA_URL + "tsjh/czjs/content/post_{}.html"
COORDINATOR = "dgportal_crawler.distributed.coordinator.Coordinator"
ARCHIVE = "dgportal_crawler.extensions.archive.ArchiveSession"


class OtherSpider(scrapy.Spider):
    name = "other"


def settings_for(redis_url: str, **extra: Any) -> dict[str, Any]:
    return {"REDIS_URL": redis_url, CRAWL_SETTING: asdict(houjie_info()), "DGPORTAL_BASE_URL": REPLICA_URL,
            "DGPORTAL_RUN_ID": RUN_ID, "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue", "EXTENSIONS": {COORDINATOR: 50},
            **extra}


@pytest.fixture
def server(redis_url: str) -> Redis:
    return Redis.from_url(redis_url)


@pytest.fixture
def crawler(redis_url: str) -> Crawler:
    """A coordinator's crawler, its scheduler open on the real frontier, no engine running."""
    crawler = make_crawler(HoujieSpider, settings_for(redis_url))
    scheduler = CoordinatorScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    crawler.engine = IdleEngine(scheduler)
    return crawler


@pytest.fixture
def ext(crawler: Crawler) -> Coordinator:
    coordinator = crawler.get_extension(Coordinator)
    coordinator.loop.clock = task.Clock()  # the tick is called by the tests, not by time
    coordinator.spider = crawler.spider
    return coordinator


def queued(crawler: Crawler, number: int) -> bytes:
    """An article request as the coordinator queued it (scrapy-redis's encoding)."""
    run = crawler.spider.dgportal_run
    request = run.requests.article(ARTICLE.format(number), run.profile.column("czjs"))
    return picklecompat.dumps(request.to_dict(spider=crawler.spider))


def answer(crawler: Crawler, number: int, worker: str = "w1") -> Result:
    return Result(worker, queued(crawler, number), fetched_at="2026-01-01T00:00:00Z", url=ARTICLE.format(number),
                  status=200, headers=[(b"Content-Type", [b"text/html"])], body=f"page {number}".encode())


def posted(frontier: Frontier, *ids: str) -> None:
    """Results the coordinator has taken (now in ``processing``)."""
    for result_id in ids:
        frontier.post(result_id, b"result")
    assert len(frontier.take(len(ids))) == len(ids)


# -- switched on or off -----------------------------------------------------------------------
def test_off_without_a_distributed_crawl_or_an_archive_run(redis_url):
    no_crawl = settings_for(redis_url)
    del no_crawl[CRAWL_SETTING]
    for crawler in (make_crawler(HoujieSpider, no_crawl), make_crawler(OtherSpider, settings_for(redis_url)),
                    make_crawler(HoujieSpider, settings_for(redis_url), columns="nope")):
        with pytest.raises(NotConfigured):
            Coordinator.from_crawler(crawler)
        assert crawler.get_extension(Coordinator) is None


def test_on_for_a_distributed_archive_crawl_with_the_crawls_frontier(crawler):
    ext = crawler.get_extension(Coordinator)
    assert ext.info == houjie_info()
    assert ext.frontier.keys == KEYS and ext.frontier.lease_seconds == 30.0


# -- acks -------------------------------------------------------------------------------------
def test_a_result_is_acked_once_its_output_ended_and_every_item_left_the_pipelines(server):
    frontier = Frontier(server, KEYS, 30)
    posted(frontier, "r1")
    acks = Acks(frontier)
    acks.taken("r1")
    acks.outputs_done("r1", 2)
    acks.item_done("r1")
    acks.flush()
    assert server.smembers(KEYS.processing) == {b"r1"}, "one item still in the pipelines"
    acks.item_done("r1")
    acks.flush()
    assert server.smembers(KEYS.processing) == set() and server.hlen(KEYS.result_data) == 0


def test_items_may_finish_before_the_output_ends_and_a_page_may_make_none(server):
    acks = Acks(Frontier(server, KEYS, 30))
    acks.taken("r1")
    acks.item_done("r1")
    assert acks.pending == []
    acks.outputs_done("r1", 1)
    acks.taken("r2")
    acks.outputs_done("r2", 0)
    assert acks.pending == ["r1", "r2"]


def test_unknown_results_are_ignored_and_ack_all_stores_every_taken_one(server):
    frontier = Frontier(server, KEYS, 30)
    posted(frontier, "r1", "r2")
    acks = Acks(frontier)
    acks.outputs_done("stranger", 1)
    acks.item_done("stranger")
    assert acks.pending == [] and acks.expected == {}
    acks.taken("r1")
    acks.taken("r2")
    acks.ack_all()
    assert server.smembers(KEYS.processing) == set() and acks.pending == [] and acks.expected == {}


# -- the tick ---------------------------------------------------------------------------------
def test_a_tick_hands_a_workers_result_to_the_engine_as_the_request_it_answers(crawler, ext, server):
    frontier = Frontier(server, KEYS, 30)
    server.zadd(KEYS.requests, {queued(crawler, 1): 0})
    assert frontier.lease("w1:1") == queued(crawler, 1)
    assert frontier.complete("w1:1", "r1", answer(crawler, 1).dumps())
    ext.tick()
    (request,) = crawler.engine.scheduler.ready
    assert request.url == ARTICLE.format(1) and request.callback == crawler.spider.parse_article
    assert request.meta[names.META_RESULT_ID] == "r1"
    assert request.meta[names.META_RESULT].body == b"page 1"
    assert server.smembers(KEYS.processing) == {b"r1"} and ext.acks.expected == {"r1": None}
    stats = crawler.stats
    assert stats.get_value(names.RESULTS) == 1 and stats.get_value(names.fetched_by("w1")) == 1
    assert json.loads(server.get(KEYS.coordinator))["run_id"] == RUN_ID, "the heartbeat"


def test_a_tick_takes_no_more_results_than_the_engine_has_room_for(crawler, ext, server):
    frontier = Frontier(server, KEYS, 30)
    for i in range(READY_LIMIT + 8):
        frontier.post(f"r{i}", answer(crawler, i).dumps())
    ext.tick()
    assert len(crawler.engine.scheduler.ready) == READY_LIMIT
    assert server.llen(KEYS.results) == 8
    ext.tick()
    assert server.llen(KEYS.results) == 8, "the engine took none of them yet"
    crawler.engine.scheduler.ready.popleft()
    ext.next_beat = ext.next_reap = 0.0
    ext.tick()
    assert server.llen(KEYS.results) == 7


def test_a_tick_puts_an_expired_lease_back_on_the_queue(crawler, ext, server, caplog):
    server.zadd(KEYS.requests, {queued(crawler, 1): -3})
    assert Frontier(server, KEYS, lease_seconds=0).lease("dead:1")  # expired at once
    with caplog.at_level(logging.WARNING):
        ext.tick()
    assert server.zrange(KEYS.requests, 0, -1, withscores=True) == [(queued(crawler, 1), -3.0)]
    assert server.hlen(KEYS.leases) == 0
    assert crawler.stats.get_value(names.REQUEUED) == 1
    assert "1 lease(s) expired" in caplog.text


# -- what a result may be ---------------------------------------------------------------------
@pytest.mark.parametrize("raw", [b"", b"not a pickle", Result("w1", b"no queued request either").dumps()])
def test_an_unreadable_result_is_counted_logged_and_acked_not_retried(crawler, ext, raw, caplog):
    with caplog.at_level(logging.ERROR):
        ext.receive("r1", raw)
    assert crawler.stats.get_value(names.UNREADABLE) == 1 and crawler.stats.get_value(names.RESULTS) is None
    assert ext.acks.pending == ["r1"] and not crawler.engine.scheduler.ready
    assert "dropped an unreadable result from Redis" in caplog.text


def test_a_capture_goes_to_the_warc_only_and_is_acked_at_once(crawler, ext):
    robots = Exchange(REPLICA_URL + "robots.txt", "GET", [], b"", 404, "Not Found", [], b"")
    ext.receive("c1", Result("w1", None, [robots]).dumps())
    stats = crawler.stats
    assert stats.get_value(names.RESULTS) == 1 and stats.get_value(names.CAPTURES) == 1
    assert stats.get_value("downloader/response_status_count/404") == 1
    assert stats.get_value("downloader/request_count") == 1
    assert ext.acks.pending == ["c1"] and not crawler.engine.scheduler.ready


def test_exchanges_are_written_to_the_runs_warc_and_the_last_is_referenced(redis_url, tmp_path: Path):
    crawler = make_crawler(HoujieSpider, settings_for(
        redis_url, DGPORTAL_ARCHIVE_ROOT=str(tmp_path), DGPORTAL_CLOCK="fixed:2026-01-01T00:00:00Z",
        EXTENSIONS={COORDINATOR: 50, ARCHIVE: 100}))
    archive = crawler.get_extension(ArchiveSession).ensure_open()
    try:
        redirect = Exchange(ARTICLE.format(1), "GET", [], b"", 301, "Moved Permanently",
                            [("Location", ARTICLE.format(2))], b"")
        final = Exchange(ARTICLE.format(2), "GET", [], b"", 200, "OK", [("Content-Type", "text/html")], b"final")
        ref = crawler.get_extension(Coordinator).write_exchanges([redirect, final])
    finally:
        archive.close()
    with (tmp_path / "houjie" / ref.file).open("rb") as stream:
        stream.seek(ref.offset)
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Target-URI") == ARTICLE.format(2)
        assert record.content_stream().read() == b"final"
    assert crawler.stats.get_value("downloader/response_status_count/301") == 1


# -- the crawl's life -------------------------------------------------------------------------
def test_opening_takes_back_what_a_stopped_coordinator_had_not_stored(crawler, ext, server, caplog):
    posted(Frontier(server, KEYS, 30), "r1")
    with caplog.at_level(logging.WARNING):
        ext.spider_opened(crawler.spider)
    try:
        assert crawler.stats.get_value(names.RESTORED) == 1
        assert server.lrange(KEYS.results, 0, -1) == [b"r1"] and server.scard(KEYS.processing) == 0
        assert "took back 1 result(s)" in caplog.text
        assert ext.loop.running
    finally:
        ext.spider_closed("shutdown")
    assert not ext.loop.running


def test_a_finished_crawl_acks_everything_and_stops_beating(crawler, ext, server):
    posted(Frontier(server, KEYS, 30), "r1")
    ext.acks.taken("r1")
    ext.tick()
    assert server.exists(KEYS.coordinator)
    ext.spider_closed("finished")
    assert server.scard(KEYS.processing) == 0 and not server.exists(KEYS.coordinator)


def test_a_stopped_crawl_acks_only_what_was_stored(crawler, ext, server):
    posted(Frontier(server, KEYS, 30), "stored", "unfinished")
    ext.acks.taken("stored")
    ext.acks.outputs_done("stored", 0)
    ext.acks.taken("unfinished")
    ext.spider_closed("shutdown")
    assert server.smembers(KEYS.processing) == {b"unfinished"}, "taken again after a restart"


def test_an_idle_engine_means_everything_taken_is_stored(crawler, ext, server):
    posted(Frontier(server, KEYS, 30), "r1")
    ext.acks.taken("r1")
    ext.keep_extraction(ARTICLE.format(1), b"body", {"error": "x"})
    ext.spider_idle()
    assert server.scard(KEYS.processing) == 0 and ext.extractions == {}


def test_each_item_of_a_result_counts_towards_its_ack(ext):
    request = Request(ARTICLE.format(1), meta={names.META_RESULT_ID: "r1"})
    ext.acks.taken("r1")
    ext.acks.outputs_done("r1", 2)
    ext.item_done(response=Response(ARTICLE.format(1), request=request))
    ext.item_done(response=Response(ARTICLE.format(2), request=Request(ARTICLE.format(2))))  # not a result
    ext.item_done(response=None)
    assert ext.acks.done["r1"] == 1 and ext.acks.pending == []
    ext.item_done(response=Response(ARTICLE.format(1), request=request))
    assert ext.acks.pending == ["r1"]


def test_a_workers_extraction_is_kept_for_the_same_url_and_body_once(ext):
    ext.keep_extraction(ARTICLE.format(1), b"body", {"article": {"id": "a"}})
    assert ext.pop_extraction(ARTICLE.format(1), b"another body") is None
    assert ext.pop_extraction(ARTICLE.format(2), b"body") is None
    assert ext.pop_extraction(ARTICLE.format(1), b"body") == {"article": {"id": "a"}}
    assert ext.pop_extraction(ARTICLE.format(1), b"body") is None
