"""The feed route fed the replica's bytes, no engine: the first request of each kind of column,
a feed's articles and its one comparison list page, the fall-backs to the HTML list, and the
comparison counting what the feed lacks."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from scrapy import Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.portal import EMPTY_FEED, PortalReplica
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED
from tests.spiders.spider_helpers import FEED, ORIGIN, make_spider, response_for, response_of

FEED_URL = f"{ORIGIN}/postmeta/i/{FEED}.json"
TZGG_LIST = f"{ORIGIN}/houjie/zwgk/tzgg/index.html"


@pytest.fixture(scope="module")
def portal() -> PortalReplica:
    return PortalReplica(Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES))


def kinds(out: list) -> dict[str, list[Request]]:
    by_kind: dict[str, list[Request]] = {}
    for request in out:
        by_kind.setdefault(request.meta["dgportal_kind"], []).append(request)
    return by_kind


def stat(spider, column: str, counter: str) -> int | None:
    return spider.crawler.stats.get_value(f"dgportal/column/{column}/{counter}")


def test_each_kind_of_column_starts_on_its_own_route(tmp_path) -> None:
    spider = make_spider(tmp_path)
    profile = spider.run.profile
    feed = spider.first_request(profile.column("tzgg"))
    assert (feed.url, feed.callback, feed.errback) == (FEED_URL, spider.parse_feed, spider.feed_failed)
    assert (feed.meta["dgportal_kind"], feed.meta["dgportal_column"]) == ("list", "tzgg")
    plain = spider.first_request(profile.column("hjyw"))
    assert (plain.url, plain.callback) == (f"{ORIGIN}/houjie/xwzx/hjyw/index.html", spider.parse_list)
    api = spider.first_request(profile.column("gkmlpt-2941"))
    assert (api.url, api.callback) == (f"{ORIGIN}/dghjz/gkmlpt/api/all/2941?page=1", spider.parse_api)


def test_a_feed_lists_its_articles_then_one_list_page_to_compare(tmp_path, portal) -> None:
    spider = make_spider(tmp_path)
    request = spider.first_request(spider.run.profile.column("tzgg"))
    response = response_for(portal, request)
    listed = [a["url"] for a in json.loads(response.body)["articles"]]
    out = list(spider.parse_feed(response, **request.cb_kwargs))
    by_kind = kinds(out)
    assert [r.url for r in by_kind["article"]] == listed and len(listed) > 1
    [compare] = by_kind["list"]
    assert (compare.url, compare.callback, out[-1]) == (TZGG_LIST, spider.compare_with_list, compare)
    assert set(compare.cb_kwargs["feed"]) == set(listed)
    assert (stat(spider, "tzgg", "feed_route"), stat(spider, "tzgg", "listed")) == (1, len(listed))
    assert spider.crawler.stats.get_value("dgportal/articles_discovered") == len(listed)


def test_feed_entries_off_the_site_or_out_of_range_are_counted_not_fetched(tmp_path) -> None:
    spider = make_spider(tmp_path, since="2024-01-01")
    body = json.dumps({"articles": [
        {"url": f"{ORIGIN}/houjie/zwgk/tzgg/content/post_1.html", "created_at": "2024-03-01 10:00:00"},
        {"url": f"{ORIGIN}/houjie/zwgk/tzgg/content/post_2.html", "created_at": "2023-12-31 10:00:00"},
        {"url": "https://elsewhere.example/a/content/post_3.html", "created_at": "2024-03-01 10:00:00"},
    ]}).encode()
    request = spider.first_request(spider.run.profile.column("tzgg"))
    out = list(spider.parse_feed(response_of(request, body), **request.cb_kwargs))
    assert [r.url for r in kinds(out)["article"]] == [f"{ORIGIN}/houjie/zwgk/tzgg/content/post_1.html"]
    assert kinds(out)["list"][0].cb_kwargs["feed"] == {
        f"{ORIGIN}/houjie/zwgk/tzgg/content/post_1.html": dt.date(2024, 3, 1),
        f"{ORIGIN}/houjie/zwgk/tzgg/content/post_2.html": dt.date(2023, 12, 31)}
    assert (stat(spider, "tzgg", "feed_off_site"), stat(spider, "tzgg", "out_of_range")) == (1, 1)


@pytest.mark.parametrize(("body", "reason"), [
    (b"<html>not a feed</html>", "not a JSON feed (JSONDecodeError)"),
    (b'{"articles": []}', "the feed lists no article"),
])
def test_a_feed_that_is_unreadable_or_empty_falls_back_to_the_list(tmp_path, caplog, body, reason) -> None:
    spider = make_spider(tmp_path)
    request = spider.first_request(spider.run.profile.column("tzgg"))
    with caplog.at_level(logging.WARNING):
        [fallback] = list(spider.parse_feed(response_of(request, body), **request.cb_kwargs))
    assert (fallback.url, fallback.callback, fallback.cb_kwargs["page"]) == (TZGG_LIST, spider.parse_list, 1)
    assert stat(spider, "tzgg", "feed_fallback") == 1 and stat(spider, "tzgg", "feed_route") is None
    assert f"column tzgg: feed {FEED} not used ({reason}); reading the HTML list instead" in caplog.text


def test_the_replicas_empty_feed_is_an_empty_feed(tmp_path, portal) -> None:
    spider = make_spider(tmp_path)
    request = Request(f"{ORIGIN}/postmeta/i/{EMPTY_FEED}.json")
    [fallback] = list(spider.parse_feed(response_for(portal, request), spider.run.profile.column("tzgg")))
    assert fallback.url == TZGG_LIST


def _failure(exc: Exception, request: Request) -> Failure:
    failure = Failure(exc)
    failure.request = request
    return failure


def test_a_feed_that_fails_falls_back_naming_the_status_or_the_error(tmp_path, caplog, portal) -> None:
    spider = make_spider(tmp_path)
    request = spider.first_request(spider.run.profile.column("tzgg"))
    not_found = response_for(portal, Request(f"{ORIGIN}/postmeta/i/1.json"))
    with caplog.at_level(logging.WARNING):
        [one] = list(spider.feed_failed(_failure(HttpError(not_found, "Ignoring"), request)))
        [two] = list(spider.feed_failed(_failure(TimeoutError(), request)))
    assert one.url == two.url == TZGG_LIST and stat(spider, "tzgg", "feed_fallback") == 2
    assert "(HTTP 404)" in caplog.text and "(TimeoutError)" in caplog.text


def test_the_comparison_fetches_what_only_the_list_shows_and_counts_what_only_the_feed_has(tmp_path, portal,
                                                                                            caplog) -> None:
    spider = make_spider(tmp_path)
    column = spider.run.profile.column("tzgg")
    feed_request = spider.first_request(column)
    out = list(spider.parse_feed(response_for(portal, feed_request), column=column))
    compare = kinds(out)["list"][0]
    feed = dict(compare.cb_kwargs["feed"])
    newest_in_feed = max(feed.values())
    extra = f"{ORIGIN}/houjie/zwgk/tzgg/content/post_999.html"
    feed[extra] = newest_in_feed  # as new as the page: the page should have shown it
    feed[f"{ORIGIN}/houjie/zwgk/tzgg/content/post_998.html"] = dt.date(1999, 1, 1)  # older: off page 1
    with caplog.at_level(logging.WARNING):
        found = list(spider.compare_with_list(response_for(portal, compare), column=column, feed=feed))
    # the replica's feed is a step behind its list: the column's newest article is only on the list
    assert len(found) == 1 and found[0].url not in feed and found[0].meta["dgportal_kind"] == "article"
    assert (stat(spider, "tzgg", "feed_list_only"), stat(spider, "tzgg", "feed_only")) == (1, 1)
    assert stat(spider, "tzgg", "list_pages") == 1
    assert "list page 1 and feed 9149 disagree: 1 articles only in the list (fetched too), 1 only in the feed" \
        in caplog.text


def test_a_list_page_matching_no_template_is_not_compared(tmp_path, portal, caplog) -> None:
    spider = make_spider(tmp_path)
    column = spider.run.profile.column("tzgg")
    request = Request(TZGG_LIST)
    body = response_for(portal, request).body.replace(b"news-list", b"item-list")
    with caplog.at_level(logging.WARNING):
        assert list(spider.compare_with_list(response_for(portal, request, body), column=column, feed={})) == []
    assert stat(spider, "tzgg", "feed_list_only") is None
    assert "column tzgg: the first list page matched no template; feed not compared" in caplog.text


def test_a_comparison_page_that_fails_is_logged(tmp_path, caplog) -> None:
    spider = make_spider(tmp_path)
    request = Request(TZGG_LIST, cb_kwargs={"column": spider.run.profile.column("tzgg"), "feed": {}})
    with caplog.at_level(logging.WARNING):
        spider.comparison_failed(_failure(ConnectionRefusedError(), request))
    assert "column tzgg: list page 1 could not be read (ConnectionRefusedError); feed not compared" in caplog.text
