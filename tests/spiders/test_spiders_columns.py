"""The spider navigates only: fed list and article pages built from the replica's bytes,
with no engine running, it yields the right requests and hands pages on unparsed."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.replica import Replica
from dgportal_crawler.spiders.houjie import HoujieSpider

ORIGIN = "https://www.dg.gov.cn"


def make_spider(**kwargs: str) -> HoujieSpider:
    crawler = get_crawler(HoujieSpider, {"DGPORTAL_ARCHIVE_ROOT": ""})
    spider = crawler._create_spider(**kwargs)
    crawler.spider = spider
    return spider


def response_for(replica: Replica, url: str, request: Request | None = None) -> HtmlResponse:
    answer = replica.respond(url.removeprefix(ORIGIN))
    headers = {k: v for k, v in answer.headers.items()}
    return HtmlResponse(url=url, status=answer.status, headers=headers, body=answer.body,
                        request=request or Request(url))


def newest_first(replica: Replica, column_id: str) -> list[dict]:
    """The column's articles in list order (newest first), from the answer key."""
    index = [c.id for c in replica.columns].index(column_id)
    by_id = {a["post_id"]: a for a in replica.ground_truth(ORIGIN)}
    return [by_id[m.post_id] for m in replica.column_entries(index)]


def run_list(spider: HoujieSpider, replica: Replica, column_id: str, url: str | None = None) -> list:
    column = spider.run.profile.column(column_id)
    url = url or spider.run.profile.list_url(column)
    return list(spider.parse_list(response_for(replica, url), column=column, page=1))


@pytest.mark.parametrize("column_id", ["czjs", "sqdt"])  # current and legacy templates
def test_a_list_page_yields_its_articles_then_the_next_page(replica, column_id):
    spider = make_spider()
    out = run_list(spider, replica, column_id)
    articles = [r for r in out if r.meta["dgportal_kind"] == "article"]
    pages = [r for r in out if r.meta["dgportal_kind"] == "list"]
    expected = [a["url"] for a in newest_first(replica, column_id)][:15]
    assert sorted(r.url for r in articles) == sorted(expected)
    assert len(pages) == 1 and pages[0].url.endswith(("index_2.html", "list_2.shtml"))
    assert all(r.callback == spider.parse_article for r in articles)
    assert spider.crawler.stats.get_value(f"dgportal/column/{column_id}/listed") == 15


def test_paging_stops_once_the_list_reaches_dates_before_since(replica):
    truth = newest_first(replica, "hjyw")
    cutoff = truth[5]["published_at"][:10]  # newest first: entries after the 6th are older
    spider = make_spider(since=cutoff)
    out = run_list(spider, replica, "hjyw")
    urls = {r.url for r in out if r.meta["dgportal_kind"] == "article"}
    assert urls == {a["url"] for a in truth[:15] if a["published_at"][:10] >= cutoff}
    assert not [r for r in out if r.meta["dgportal_kind"] == "list"], "should not page on"


def test_until_skips_newer_entries_but_keeps_paging(replica):
    truth = newest_first(replica, "hjyw")
    spider = make_spider(until=truth[20]["published_at"][:10])
    out = run_list(spider, replica, "hjyw")
    assert not [r for r in out if r.meta["dgportal_kind"] == "article"]
    assert len([r for r in out if r.meta["dgportal_kind"] == "list"]) == 1


def test_a_list_page_matching_no_selector_is_counted_and_logged(replica, caplog):
    spider = make_spider()
    column = spider.run.profile.column("czjs")
    url = spider.run.profile.list_url(column)
    body = replica.respond(url.removeprefix(ORIGIN)).body.replace(b"news-list", b"item-list")
    response = HtmlResponse(url=url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    list(spider.parse_list(response, column=column, page=1))
    assert spider.crawler.stats.get_value("dgportal/column/czjs/list_template_miss") == 1
    assert "matched no 'current' selector" in caplog.text and "czjs" in caplog.text


def test_an_article_page_is_handed_on_unparsed(replica):
    spider = make_spider()
    record = replica.ground_truth(ORIGIN)[0]
    column = spider.run.profile.column(record["column"])
    request = spider.run.requests.article(record["url"], column)
    request.meta["dgportal_fetched_at"] = "2026-11-25T00:00:00Z"
    response = response_for(replica, record["url"], request)
    (page,) = list(spider.parse_article(response, column=column))
    assert isinstance(page, FetchedPage)
    assert (page.url, page.column, page.template, page.status) == (record["url"], column.id, column.template, 200)
    assert page.body == response.body and page.fetched_at == "2026-11-25T00:00:00Z"
    assert page.headers["content-type"].startswith("text/html")


def test_redirects_on_site_are_followed_and_off_site_handed_on(replica):
    spider = make_spider()
    column = spider.run.profile.column("hjyw")
    url = f"{ORIGIN}/houjie/xwzx/hjyw/content/post_1.html"
    on_site = HtmlResponse(url=url, status=301, headers={"Location": "/houjie/xwzx/hjyw/content/post_2.html"},
                           request=spider.run.requests.article(url, column))
    (follow,) = list(spider.parse_article(on_site, column=column))
    assert isinstance(follow, Request) and follow.url.endswith("post_2.html")
    assert follow.meta["dgportal_redirects"] == 1
    off_site = HtmlResponse(url=url, status=301, headers={"Location": "http://example.invalid/x"},
                            request=spider.run.requests.article(url, column))
    (page,) = list(spider.parse_article(off_site, column=column))
    assert isinstance(page, FetchedPage) and page.status == 301
    assert page.headers["location"] == "http://example.invalid/x"


def test_start_requests_one_list_per_chosen_column():
    import asyncio

    spider = make_spider(columns="sqdt,czjs")

    async def collect() -> list:
        return [r async for r in spider.start()]

    requests = asyncio.run(collect())
    assert [r.url for r in requests] == [
        "https://www.dg.gov.cn/houjie/xwzx/sqdt/list.shtml",
        "https://www.dg.gov.cn/houjie/tsjh/czjs/index.html",
    ]


def test_an_empty_list_page_is_counted_not_a_crash(caplog):
    spider = make_spider()
    column = spider.run.profile.column("czjs")
    url = spider.run.profile.list_url(column)
    response = HtmlResponse(url=url, body=b"", headers={"Content-Type": "text/html"})
    assert list(spider.parse_list(response, column=column, page=1)) == []
    assert spider.crawler.stats.get_value("dgportal/column/czjs/list_failed") == 1
    assert "is unreadable" in caplog.text


def test_bad_arguments_through_scrapy_crawl_close_the_spider_with_one_error(caplog):
    import asyncio

    from scrapy.exceptions import CloseSpider

    spider = make_spider(columns="nosuch")

    async def first() -> None:
        async for _ in spider.start():
            pass

    with pytest.raises(CloseSpider) as info:
        asyncio.run(first())
    assert info.value.reason == "bad_arguments"
    assert "unknown column 'nosuch'; valid columns: hjyw (厚街要闻)" in caplog.text


def test_a_challenge_in_place_of_a_list_page_fails_the_column_and_the_run():
    from dgportal_crawler.outcome import ExitCode, decide
    from tests.extract.extract_helpers import fixture_bytes

    spider = make_spider()
    column = spider.run.profile.column("czjs")
    url = spider.run.profile.list_url(column)
    response = HtmlResponse(url=url, body=fixture_bytes("hostile/challenge_rate_limit.html"),
                            headers={"Content-Type": "text/html; charset=utf-8"})
    assert list(spider.parse_list(response, column=column, page=1)) == []
    stats = spider.crawler.stats.get_stats()
    assert stats["dgportal/column/czjs/list_failed"] == 1 and stats["dgportal/failed/list/not_a_list_page"] == 1
    assert "dgportal/column/czjs/list_end" not in stats  # no proof the list ended
    assert decide({**stats, "finish_reason": "finished"}, ["czjs"]).code == ExitCode.ATTENTION


@pytest.mark.parametrize(("redirected_to", "failed"), [
    ("/houjie/", True),  # the home page links articles of every column: no list of this one
    ("/houjie/xwzx/hjyw/index.html", True),  # another column's list
    ("/houjie/tsjh/czjs/index.html", False),  # moved within the column: its list all the same
])
def test_a_list_page_redirected_out_of_its_column_is_a_failed_list_page(redirected_to: str, failed: bool):
    replica = Replica()
    spider = make_spider()
    column = spider.run.profile.column("czjs")
    listed = ORIGIN + "/houjie/tsjh/czjs/"
    request = Request(ORIGIN + redirected_to, meta={"redirect_urls": [listed]})
    out = list(spider.parse_list(response_for(replica, ORIGIN + redirected_to, request), column=column, page=1))
    stats = spider.crawler.stats.get_stats()
    assert (out == [], stats.get("dgportal/failed/list/not_a_list_page")) == ((True, 1) if failed else (False, None))


CALLBACKS = sorted(name for name in dir(HoujieSpider) if name.startswith("parse"))


def test_the_callbacks_checked_below_include_the_routes():
    assert {"parse", "parse_list", "parse_article"} <= set(CALLBACKS)
    assert len(CALLBACKS) > 3  # the feed and disclosure-platform routes have callbacks of their own


@pytest.mark.parametrize("name", CALLBACKS)
def test_no_callback_is_a_generator_returning_a_value(name: str) -> None:
    # The project turns off Scrapy's per-response check (WARN_ON_GENERATOR_RETURN_VALUE)
    # because it costs 5% of a crawl; this is the same check, made once.
    from scrapy.utils.misc import is_generator_with_return_value

    callback = getattr(HoujieSpider, name)
    assert is_generator_with_return_value(callback) is False


def test_the_per_response_generator_check_is_off_in_the_project_settings() -> None:
    from dgportal_crawler import settings

    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False
