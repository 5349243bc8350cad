"""The disclosure-platform route fed the replica's API pages, no engine: page on until the
category's post count is seen, end cleanly on a later page's 404, and count an unreadable page
or a failed first page as a failed list."""

from __future__ import annotations

import json
import logging

import pytest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.portal import PortalReplica
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED
from tests.spiders.spider_helpers import ORIGIN, make_spider, response_for, response_of

API = f"{ORIGIN}/dghjz/gkmlpt/api/all/2941"
COLUMN = "gkmlpt-2941"


@pytest.fixture(scope="module")
def portal() -> PortalReplica:
    return PortalReplica(Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES))


@pytest.fixture
def spider(tmp_path):
    return make_spider(tmp_path)


def stat(spider, counter: str) -> int | None:
    return spider.crawler.stats.get_value(f"dgportal/column/{COLUMN}/{counter}")


def api_page(portal: PortalReplica, page: int) -> dict:
    return json.loads(portal.respond(f"/dghjz/gkmlpt/api/all/2941?page={page}").body)


def test_an_api_request_names_its_page_and_what_was_seen(spider) -> None:
    request = spider.api_request(spider.run.profile.column(COLUMN), 3, seen=20)
    assert (request.url, request.callback, request.errback) == (f"{API}?page=3", spider.parse_api, spider.api_failed)
    assert (request.cb_kwargs["page"], request.cb_kwargs["seen"], request.meta["dgportal_column"]) == (3, 20, COLUMN)


def test_page_one_lists_its_articles_and_asks_for_page_two(spider, portal) -> None:
    first = api_page(portal, 1)
    assert first["classify"]["post_count"] > len(first["articles"]) == 10  # the replica pages by 10
    request = spider.api_request(spider.run.profile.column(COLUMN), 1)
    out = list(spider.parse_api(response_for(portal, request), **request.cb_kwargs))
    articles = [r for r in out if r.meta["dgportal_kind"] == "article"]
    assert [r.url.rsplit("/", 1)[-1] for r in articles] == [a["url"].rsplit("/", 1)[-1] for a in first["articles"]]
    assert all(r.url.startswith(f"{ORIGIN}/dghjz/gkmlpt/content/") for r in articles)
    assert out[-1].url == f"{API}?page=2" and out[-1].cb_kwargs["seen"] == 10
    assert (stat(spider, "list_pages"), stat(spider, "gkmlpt_route"), stat(spider, "listed")) == (1, 1, 10)
    assert stat(spider, "list_end") is None


def test_the_page_that_completes_the_post_count_ends_the_column(spider, portal) -> None:
    count = api_page(portal, 1)["classify"]["post_count"]
    last = -(-count // 10)
    request = spider.api_request(spider.run.profile.column(COLUMN), last, seen=(last - 1) * 10)
    out = list(spider.parse_api(response_for(portal, request), **request.cb_kwargs))
    assert len(out) == count - (last - 1) * 10 and all(r.meta["dgportal_kind"] == "article" for r in out)
    assert stat(spider, "list_end") == 1
    assert stat(spider, "gkmlpt_route") is None  # counted on page 1 only


def test_a_page_without_entries_ends_the_column_whatever_the_count_says(spider) -> None:
    request = spider.api_request(spider.run.profile.column(COLUMN), 2, seen=10)
    body = json.dumps({"classify": {"post_count": 500}, "articles": []}).encode()
    assert list(spider.parse_api(response_of(request, body), **request.cb_kwargs)) == []
    assert stat(spider, "list_end") == 1


def test_an_unreadable_api_page_is_a_failed_list_page(spider, caplog) -> None:
    request = spider.api_request(spider.run.profile.column(COLUMN), 1)
    with caplog.at_level(logging.ERROR):
        assert list(spider.parse_api(response_of(request, b"<html>maintenance</html>"), **request.cb_kwargs)) == []
    assert (stat(spider, "list_failed"), stat(spider, "gkmlpt_route")) == (1, None)
    assert spider.crawler.stats.get_value("dgportal/failed/list/unreadable") == 1
    assert f"API page {API}?page=1 of column {COLUMN} is unreadable: not the platform's JSON" in caplog.text


def _http_failure(portal: PortalReplica, request) -> Failure:
    failure = Failure(HttpError(response_for(portal, request), "Ignoring non-200 response"))
    failure.request = request
    return failure


def test_a_later_page_answering_404_ends_the_column_cleanly(spider, portal, caplog) -> None:
    count = api_page(portal, 1)["classify"]["post_count"]
    past = -(-count // 10) + 1
    request = spider.api_request(spider.run.profile.column(COLUMN), past, seen=count)
    with caplog.at_level(logging.INFO):
        spider.api_failed(_http_failure(portal, request))
    assert (stat(spider, "gkmlpt_end_404"), stat(spider, "list_end"), stat(spider, "list_failed")) == (1, 1, None)
    assert f"column {COLUMN}: API page {past} answered 404 after page 1 worked" in caplog.text


def test_a_first_page_answering_404_is_a_failed_list(spider, portal) -> None:
    column = spider.run.profile.column(COLUMN)
    request = spider.api_request(column, 1)
    request = request.replace(url=f"{ORIGIN}/dghjz/gkmlpt/api/all/1?page=1")  # no such category
    spider.api_failed(_http_failure(portal, request))
    assert (stat(spider, "list_failed"), stat(spider, "gkmlpt_end_404")) == (1, None)
    assert spider.crawler.stats.get_value("dgportal/failed/list/http_404") == 1
