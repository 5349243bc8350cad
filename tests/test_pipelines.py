"""The pipelines on their own: a real archive session on tmp_path, pages built by hand, no engine."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem

from dgportal_crawler.extensions.archive import ArchiveSession
from dgportal_crawler.items import PendingArticle
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.pipelines import AnswerPipeline
from dgportal_crawler.spiders.houjie import HoujieSpider
from dgportal_crawler.validate import Problem
from tests.crawlers import make_crawler

URL = "https://www.dg.gov.cn/houjie/xwzx/hjyw/content/post_1234567.html"
KNOWN = "houjie:1234567"


@pytest.fixture
def crawler(tmp_path: Path):
    crawler = make_crawler(HoujieSpider, {
        "DGPORTAL_ARCHIVE_ROOT": str(tmp_path),
        "DGPORTAL_WARC": False,
        "DGPORTAL_CLOCK": "fixed:2026-01-01T00:00:00Z",
        "EXTENSIONS": {"dgportal_crawler.extensions.archive.ArchiveSession": 100},
    })
    session = crawler.get_extension(ArchiveSession).ensure_open()
    session.state.record_fetch(KNOWN, URL, text_sha256="0" * 64, revision=1, etag='"e1"', last_modified=None,
                               status=200, published_at="2024-01-01T00:00:00+08:00",
                               seen_at="2025-12-01T00:00:00Z")
    yield crawler
    session.close()


def answer(crawler, status: int, url: str = URL, location: str | None = None) -> str:
    page = FetchedPage(url=url, site="houjie", column="hjyw", column_name="厚街要闻", template="current",
                       status=status, headers={"location": location} if location else {}, body=b"",
                       fetched_at="2026-01-01T00:00:00Z")
    with pytest.raises(DropItem) as info:
        AnswerPipeline.from_crawler(crawler).process_item(page)
    return str(info.value)


def events(tmp_path: Path) -> list[dict]:
    path = tmp_path / "houjie" / "events.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_404_of_a_known_article_is_one_withdrawal(crawler, tmp_path):
    assert answer(crawler, 404).startswith("withdrawn (404)")
    assert answer(crawler, 404).startswith("still withdrawn")  # not a second event
    assert [(e["event"], e["id"], e["status"]) for e in events(tmp_path)] == [("withdrawn", KNOWN, 404)]
    session = crawler.get_extension(ArchiveSession).ensure_open()
    assert session.state.get(KNOWN).withdrawn_at == "2026-01-01T00:00:00Z"
    assert crawler.stats.get_value("dgportal/column/hjyw/withdrawn") == 1


def test_a_304_is_unchanged(crawler):
    assert answer(crawler, 304).startswith("not modified")
    assert crawler.stats.get_value("dgportal/column/hjyw/unchanged") == 1


def test_redirects_off_site_withdraw_but_relative_ones_do_not(crawler, tmp_path):
    assert answer(crawler, 301, location="/houjie/xwzx/hjyw/content/post_7654321.html") == f"HTTP 301 for {URL}"
    assert answer(crawler, 301, location="http://example.invalid/gone").startswith("withdrawn (301)")
    assert events(tmp_path)[0]["location"] == "http://example.invalid/gone"


def test_an_unknown_article_that_fails_is_a_failure_not_a_withdrawal(crawler):
    other = URL.replace("1234567", "7654321")
    assert answer(crawler, 404, url=other) == f"HTTP 404 for {other}"
    assert crawler.stats.get_value("dgportal/failed/http_404") == 1
    assert crawler.stats.get_value("dgportal/column/hjyw/failed") == 1


def test_an_article_redirected_to_the_home_page_fails_with_its_reason_and_listed_url(crawler, replica):
    from scrapy.http import HtmlResponse, Request

    from dgportal_crawler.pipelines import ExtractPipeline, ValidatePipeline

    spider = crawler.spider
    column = spider.run.profile.column("hjyw")
    first = spider.run.requests.article(URL, column)
    moved = HtmlResponse(URL, status=302, headers={"Location": "/houjie/"}, body=b"", request=first)
    (hop,) = spider.parse_article(moved, column=column)
    assert (hop.url, hop.meta["dgportal_listed_url"]) == ("https://www.dg.gov.cn/houjie/", URL)
    home = replica.respond("/houjie/")
    response = HtmlResponse(hop.url, status=200, headers=home.headers, body=home.body,
                            request=Request(hop.url, meta=hop.meta))
    (page,) = spider.parse_article(response, column=column)
    pending = asyncio.run(ExtractPipeline.from_crawler(crawler).process_item(page))
    with pytest.raises(DropItem) as info:
        ValidatePipeline.from_crawler(crawler).process_item(pending)
    assert str(info.value).startswith(
        f"not an article https://www.dg.gov.cn/houjie/ (listed as {URL}): looks like the site's home page")
    assert crawler.stats.get_value("dgportal/failed/home_page") == 1
    assert crawler.stats.get_value("dgportal/column/hjyw/failed") == 1


def test_a_line_that_cannot_be_written_is_one_counted_failure_not_a_traceback(crawler, tmp_path):
    from dgportal_crawler.pipelines import StorePipeline
    from dgportal_crawler.store.layout import SiteLayout
    from tests.test_validate import article

    line = article()
    SiteLayout.of(tmp_path, "houjie").article_file(line.published_at).mkdir(parents=True)  # a folder in its place
    crawler.stats.set_value("dgportal/column/hjyw/new", 1)  # as the revision pipeline counted it
    with pytest.raises(DropItem) as info:
        StorePipeline.from_crawler(crawler).process_item(PendingArticle(line))
    assert str(info.value) == f"not stored {line.url}: Is a directory"
    stats = crawler.stats.get_stats()
    assert (stats["dgportal/failed/storage/EISDIR"], stats["dgportal/column/hjyw/failed"]) == (1, 1)
    assert stats["dgportal/column/hjyw/new"] == 0  # one outcome: failed, not new and failed
    session = crawler.get_extension(ArchiveSession).ensure_open()
    assert session.state.get(line.id) is None  # the next run fetches it again


@pytest.mark.parametrize("found", [[], [Problem("invalid", "planted finding")]])
def test_the_validate_pipeline_acts_on_findings_made_beside_the_extraction(crawler, replica, found):
    """An extraction worker runs the checks; the pipeline then takes its findings as they are
    (not judged a second time) and judges only an article that comes without them."""
    from dgportal_crawler.assemble import article_from_page
    from dgportal_crawler.pipelines import ValidatePipeline

    profile = crawler.spider.run.profile
    truth = replica.ground_truth("https://www.dg.gov.cn")[0]
    page = FetchedPage.saved(profile, truth["url"], replica.respond(truth["url"].removeprefix(
        "https://www.dg.gov.cn")).body, status=200)
    article = article_from_page(page, profile, None)
    validate = ValidatePipeline.from_crawler(crawler)
    assert validate.process_item(PendingArticle(article)).article is article  # judged here: a fine article
    if not found:
        assert validate.process_item(PendingArticle(article, problems=found)).article is article
        return
    with pytest.raises(DropItem, match="planted finding"):
        validate.process_item(PendingArticle(article, problems=found))
