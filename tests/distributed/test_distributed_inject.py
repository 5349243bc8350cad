"""The coordinator's stand-ins for a download (:mod:`dgportal_crawler.distributed.inject`): the
worker's answer becomes the response (or the failure) of the request it answers, the spider's
output tells the acks how many items a result made, and the worker's extraction is used as if
it had been done here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest
import scrapy
from distributed_helpers import RUN_ID, houjie_info
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.distributed.coordinator import Coordinator
from dgportal_crawler.distributed.inject import (
    AckMiddleware,
    RemoteError,
    ResultMiddleware,
    ShippedExtractPipeline,
    remote_error,
)
from dgportal_crawler.distributed.messages import Result
from dgportal_crawler.distributed.names import META_RESULT, META_RESULT_ID
from dgportal_crawler.distributed.scheduler import CRAWL_SETTING
from dgportal_crawler.items import PendingArticle, Validators
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.pipelines import ExtractPipeline
from dgportal_crawler.spiders.houjie import HoujieSpider
from dgportal_crawler.stats import EXTRACTED, FAILED, FALLBACK, META_FETCHED_AT, META_WARC, column_key, failure_key
from tests.crawlers import make_crawler

URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_3950150.html"
FIXTURE = Path(__file__).parent.parent / "fixtures" / "current" / "article_news.html"
WARC_REF = {"file": "warc/x.warc.gz", "offset": 0, "record_id": "<urn:uuid:1>"}


class OtherSpider(scrapy.Spider):
    name = "other"


@pytest.fixture
def crawler(redis_url: str) -> Crawler:
    return make_crawler(HoujieSpider, {
        "REDIS_URL": redis_url, CRAWL_SETTING: asdict(houjie_info()), "DGPORTAL_RUN_ID": RUN_ID,
        "EXTENSIONS": {"dgportal_crawler.distributed.coordinator.Coordinator": 50}})


@pytest.fixture
def coordinator(crawler: Crawler) -> Coordinator:
    return crawler.get_extension(Coordinator)


def page(**changes: Any) -> FetchedPage:
    fetched = FetchedPage(url=URL, site="houjie", column="czjs", column_name="创卫工作", template="current",
                          status=200, headers={"etag": '"v1"', "content-type": "text/html"},
                          body=FIXTURE.read_bytes(), fetched_at="2026-01-01T00:00:00Z", meta={META_WARC: WARC_REF})
    return replace(fetched, **changes)


def request_for(result: Result, result_id: str = "r1") -> Request:
    return Request(result.url or URL, meta={META_RESULT: result, META_RESULT_ID: result_id})


# -- remote errors ----------------------------------------------------------------------------
def test_a_workers_failure_keeps_the_name_of_its_exception():
    error = remote_error("TimeoutErrorForInjectTest", "took longer than 30 s")
    assert isinstance(error, RemoteError) and type(error).__name__ == "TimeoutErrorForInjectTest"
    assert str(error) == "took longer than 30 s"
    assert type(remote_error("TimeoutErrorForInjectTest", "again")) is type(error), "one class per name"


def test_ignore_request_stays_scrapys_and_an_odd_name_is_a_plain_remote_error():
    assert type(remote_error("IgnoreRequest", "robots.txt")) is IgnoreRequest
    assert type(remote_error("not a name!", "x")).__name__ == "RemoteError"


# -- switched off -----------------------------------------------------------------------------
@pytest.mark.parametrize("component", [ResultMiddleware, AckMiddleware])
def test_the_middlewares_are_off_without_a_coordinator(component):
    with pytest.raises(NotConfigured):
        component.from_crawler(make_crawler(HoujieSpider))
    with pytest.raises(NotConfigured):
        component.from_crawler(make_crawler(OtherSpider))


# -- ResultMiddleware -------------------------------------------------------------------------
def test_a_request_without_a_result_is_never_downloaded_here(coordinator):
    with pytest.raises(IgnoreRequest, match="a coordinator fetches nothing itself"):
        ResultMiddleware(coordinator).process_request(Request(URL))


def test_a_workers_response_becomes_the_response_to_the_request(coordinator):
    result = Result("w1", b"queued", fetched_at="2026-01-01T00:00:00Z", url=URL + "?final", status=200,
                    headers=[(b"Content-Type", [b"text/html; charset=utf-8"])], body=b"<html>ok</html>",
                    extracted={"error": "nothing"})
    request = request_for(result)
    response = ResultMiddleware(coordinator).process_request(request)
    assert isinstance(response, HtmlResponse)
    assert (response.url, response.status, response.body) == (URL + "?final", 200, b"<html>ok</html>")
    assert response.request is request and response.headers[b"Content-Type"] == b"text/html; charset=utf-8"
    assert META_RESULT not in request.meta, "the result is not carried on through the spider"
    assert request.meta[META_FETCHED_AT] == "2026-01-01T00:00:00Z"
    assert META_WARC not in request.meta, "no archive session: nothing written"
    assert coordinator.pop_extraction(URL + "?final", b"<html>ok</html>") == {"error": "nothing"}


def test_a_workers_failure_is_raised_as_its_exception_and_acked(coordinator):
    result = Result("w1", b"queued", fetched_at="2026-01-01T00:00:01Z",
                    failure=("ConnectionRefusedErrorForInjectTest", "refused"))
    request = request_for(result, "r7")
    coordinator.acks.taken("r7")
    with pytest.raises(RemoteError, match="refused") as caught:
        ResultMiddleware(coordinator).process_request(request)
    assert type(caught.value).__name__ == "ConnectionRefusedErrorForInjectTest"
    assert coordinator.acks.pending == ["r7"], "the errback only counts: nothing to wait for"
    assert request.meta[META_FETCHED_AT] == "2026-01-01T00:00:01Z"


# -- AckMiddleware ----------------------------------------------------------------------------
def spider_output(mw: AckMiddleware, response: Response, outputs: list[Any]) -> list[Any]:
    async def produced() -> AsyncIterator[Any]:
        for out in outputs:
            yield out

    async def collect() -> list[Any]:
        return [out async for out in mw.process_spider_output(response, produced())]

    return asyncio.run(collect())


def test_the_ack_middleware_passes_the_output_on_and_counts_its_items(coordinator):
    outputs = [Request(URL + "?next"), {"item": 1}, None, {"item": 2}]
    coordinator.acks.taken("r1")
    response = Response(URL, request=Request(URL, meta={META_RESULT_ID: "r1"}))
    assert spider_output(AckMiddleware(coordinator), response, outputs) == outputs
    assert coordinator.acks.expected == {"r1": 2}, "requests and Nones are no items"


def test_an_output_without_items_acks_its_result_at_once(coordinator):
    coordinator.acks.taken("r1")
    response = Response(URL, request=Request(URL, meta={META_RESULT_ID: "r1"}))
    spider_output(AckMiddleware(coordinator), response, [Request(URL + "?next")])
    assert coordinator.acks.pending == ["r1"]


def test_a_response_that_answers_no_result_is_passed_through_untouched(coordinator):
    response = Response(URL, request=Request(URL))
    assert spider_output(AckMiddleware(coordinator), response, [{"item": 1}]) == [{"item": 1}]
    assert coordinator.acks.expected == {} and coordinator.acks.pending == []


# -- ShippedExtractPipeline -------------------------------------------------------------------
def shipped_article(crawler: Crawler, **extraction: Any) -> dict[str, Any]:
    """What a worker (another run id, no WARC) made of the page."""
    worker_page = page(meta={})
    article = article_from_page(worker_page, crawler.spider.dgportal_run.profile, "worker-side-run")
    article.extraction = {**article.extraction, **extraction}
    return article.to_dict()


def test_a_shipped_extraction_is_the_same_article_as_one_made_here(crawler, coordinator):
    here = asyncio.run(ExtractPipeline.from_crawler(crawler).process_item(page()))
    coordinator.keep_extraction(URL, page().body, {"article": shipped_article(crawler)})
    shipped = asyncio.run(ShippedExtractPipeline.from_crawler(crawler).process_item(page()))
    assert isinstance(shipped, PendingArticle)
    assert coordinator.extractions == {}, "the worker's extraction was used"
    assert shipped.article == here.article
    assert shipped.article.crawler["run_id"] == RUN_ID and shipped.article.warc == WARC_REF
    assert shipped.validators == Validators('"v1"', None)
    assert crawler.stats.get_value(column_key("czjs", EXTRACTED)) == 2


def test_a_shipped_extraction_error_drops_the_page_as_a_failure(crawler, coordinator):
    coordinator.keep_extraction(URL, page().body, {"error": "no article body"})
    with pytest.raises(DropItem, match=f"extraction failed for {URL}: no article body"):
        asyncio.run(ShippedExtractPipeline.from_crawler(crawler).process_item(page()))
    stats = crawler.stats
    assert stats.get_value(failure_key("extraction")) == 1
    assert stats.get_value(column_key("czjs", FAILED)) == 1 and stats.get_value(column_key("czjs", EXTRACTED)) == 1


def test_a_shipped_fallback_extraction_is_counted_and_warned_about(crawler, coordinator, caplog):
    coordinator.keep_extraction(URL, page().body, {"article": shipped_article(crawler, method="fallback")})
    with caplog.at_level(logging.WARNING):
        asyncio.run(ShippedExtractPipeline.from_crawler(crawler).process_item(page()))
    assert crawler.stats.get_value(column_key("czjs", FALLBACK)) == 1
    assert f"no template matched {URL}" in caplog.text


def test_a_page_no_worker_extracted_is_extracted_here(crawler):
    pipeline = ShippedExtractPipeline.from_crawler(crawler)
    made = asyncio.run(pipeline.process_item(page()))
    assert made.article == asyncio.run(ExtractPipeline.from_crawler(crawler).process_item(page())).article
    assert asyncio.run(pipeline.process_item({"not": "a page"})) == {"not": "a page"}


def test_without_a_coordinator_the_pipeline_is_the_plain_extract_pipeline():
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_RUN_ID": RUN_ID})
    pipeline = ShippedExtractPipeline.from_crawler(crawler)
    assert pipeline.coordinator is None
    assert asyncio.run(pipeline.process_item(page())).article.crawler["run_id"] == RUN_ID
