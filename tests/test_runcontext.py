"""The run context: run ids, the allowed hosts, the article request factory, and who has a run."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import scrapy

from dgportal_crawler.crawlplan import make_plan
from dgportal_crawler.profile import load_profile
from dgportal_crawler.runcontext import ArticleRequests, CrawlRun, crawl_run, new_run_id
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler

URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_1234567.html"


def on_article(response, column):  # stand-ins for the spider's callbacks: only their identity matters
    return None


def on_error(failure):
    return None


@pytest.fixture(scope="module")
def profile():
    return load_profile("houjie")


def make_run(profile, **kwargs) -> CrawlRun:
    return CrawlRun.create(profile, make_plan(profile, "czjs"), "20260101T000000Z-abcdef",
                           ArticleRequests(on_article, on_error), **kwargs)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2026, 11, 25, 17, 30, 8, tzinfo=dt.UTC), "20261125T173008Z-1a2b3c"),
        # the start time is written in UTC whatever zone the clock is in
        (dt.datetime(2026, 11, 26, 1, 30, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))), "20261125T173008Z-1a2b3c"),
        (dt.datetime(2026, 1, 1, 0, 0, 0, 999999, tzinfo=dt.UTC), "20260101T000000Z-1a2b3c"),
    ],
)
def test_new_run_id_is_the_utc_start_then_a_suffix(moment, expected):
    assert new_run_id(moment, "1a2b3c") == expected


def test_new_run_id_draws_six_hex_digits():
    moment = dt.datetime(2026, 11, 25, 17, 30, 8, tzinfo=dt.UTC)
    ids = {new_run_id(moment) for _ in range(20)}
    assert all(re.fullmatch(r"20261125T173008Z-[0-9a-f]{6}", i) for i in ids)
    assert len(ids) > 1
    assert sorted([new_run_id(moment + dt.timedelta(seconds=1), "000000"), new_run_id(moment, "ffffff")]) == [
        "20261125T173008Z-ffffff", "20261125T173009Z-000000"]  # sortable by start time


def test_create_allows_the_base_urls_host_only(profile):
    run = make_run(profile)
    assert run.allowed_hosts == frozenset({"www.dg.gov.cn"})
    assert (run.site, run.mode, run.run_id) == ("houjie", "incremental", "20260101T000000Z-abcdef")
    assert run.on_site("https://www.dg.gov.cn/houjie/xwzx/hjyw/content/post_1.html")
    assert run.on_site("http://www.dg.gov.cn:8080/elsewhere")  # scheme and port do not matter
    assert not run.on_site("http://example.invalid/gone")
    assert not run.on_site("https://dg.gov.cn/houjie/")
    assert not run.on_site("/houjie/relative.html")


def test_create_on_a_replica_allows_the_replicas_host(profile):
    run = make_run(profile.with_base_url("http://127.0.0.1:8800/houjie/"), mode="full")
    assert run.allowed_hosts == frozenset({"127.0.0.1"})
    assert run.mode == "full"
    assert run.on_site("http://127.0.0.1:9999/houjie/x.html")
    assert not run.on_site(URL)


def test_article_request_meta(profile):
    column = profile.column("czjs")
    request = ArticleRequests(on_article, on_error).article(URL, column)
    assert isinstance(request, scrapy.Request)
    assert request.url == URL
    assert request.callback is on_article and request.errback is on_error
    assert request.cb_kwargs == {"column": column}
    assert request.meta == {
        "dgportal_kind": "article",
        "dgportal_column": "czjs",
        "handle_httpstatus_list": [301, 302, 303, 307, 308, 304, 404, 410],
        "dont_redirect": True,
    }


def test_article_request_counts_redirect_hops(profile):
    via = ("http://a.invalid/houjie/1.html", "http://a.invalid/houjie/2.html")
    request = ArticleRequests(on_article, on_error).article(URL, profile.column("sqdt"), via=via)
    assert request.meta["dgportal_redirects"] == 2
    assert request.meta["dgportal_listed_url"] == "http://a.invalid/houjie/1.html"
    assert request.dont_filter  # loops are the spider's to count, not the duplicate filter's to drop
    assert request.meta["dgportal_column"] == "sqdt"


def test_crawl_run_of_our_spider():
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_RUN_ID": "20260101T000000Z-abcdef", "DGPORTAL_MODE": "full"},
                           columns="czjs,sqdt", since="2023-01-01")
    run = crawl_run(crawler)
    assert isinstance(run, CrawlRun)
    assert (run.run_id, run.mode, run.site) == ("20260101T000000Z-abcdef", "full", "houjie")
    assert [c.id for c in run.plan.columns] == ["czjs", "sqdt"]
    assert run.plan.since == dt.date(2023, 1, 1)
    request = run.requests.article(URL, run.profile.column("czjs"))
    assert request.callback == crawler.spider.parse_article
    assert request.errback == crawler.spider.article_failed


class OtherSpider(scrapy.Spider):
    name = "other"


def test_no_run_for_someone_elses_spider():
    assert crawl_run(make_crawler(OtherSpider)) is None


@pytest.mark.parametrize("kwargs", [{"columns": "nope"}, {"since": "2023-02-30"},
                                    {"since": "2024-01-01", "until": "2023-01-01"}])
def test_no_run_for_our_spider_given_bad_arguments(kwargs):
    crawler = make_crawler(HoujieSpider, **kwargs)
    assert crawl_run(crawler) is None
    assert crawler.spider.usage_problem


def test_no_run_for_an_unknown_mode():
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_MODE": "sometimes"})
    assert crawl_run(crawler) is None
    assert crawler.spider.usage_problem == "DGPORTAL_MODE must be one of incremental, full, resume, not 'sometimes'"
