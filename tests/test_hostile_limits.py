"""Limits against traps and accidents: an endless next-page chain ends at a per-column page
budget (counted, and the run says so), an over-long text is not stored, control characters
in a contact or base URL are usage errors."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from dgportal_crawler.config import check_values
from dgportal_crawler.items import ExtractedArticle, Extraction, Provenance, make_article
from dgportal_crawler.outcome import ExitCode, decide
from dgportal_crawler.replica import Replica
from dgportal_crawler.spiders.houjie import HoujieSpider
from dgportal_crawler.validate import problems_of
from tests.crawlers import make_crawler

ORIGIN = "https://www.dg.gov.cn"


def test_paging_stops_at_the_list_page_budget_and_the_run_says_so():
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_ARCHIVE_ROOT": "", "DGPORTAL_MAX_LIST_PAGES": 2})
    spider = crawler.spider
    column = spider.run.profile.column("hjyw")
    replica = Replica(seed=2023, articles=150)
    url = spider.run.profile.list_url(column)
    answer = replica.respond(url.removeprefix(ORIGIN))
    response = HtmlResponse(url=url, status=answer.status, headers=dict(answer.headers), body=answer.body)
    first = [r for r in spider.parse_list(response, column=column, page=1) if r.meta["dgportal_kind"] == "list"]
    assert len(first) == 1  # page 1 of a budget of 2: the next page is followed
    second = [r for r in spider.parse_list(response, column=column, page=2) if r.meta["dgportal_kind"] == "list"]
    assert second == []  # page 2 is the last one the budget allows
    stats = crawler.stats.get_stats()
    assert stats["dgportal/column/hjyw/list_budget_spent"] == 1
    outcome = decide({**stats, "finish_reason": "finished"}, ["hjyw"])
    assert outcome.code == ExitCode.ATTENTION
    assert any("DGPORTAL_MAX_LIST_PAGES" in r for r in outcome.reasons)


def article(text: str):
    extracted = ExtractedArticle(title="标题", title_original="标题", published_at=None, published_precision=None,
                                 source=None, text=text, text_original=text, script_original="hans",
                                 extraction=Extraction("template", "current"))
    prov = Provenance(url="https://www.dg.gov.cn/houjie/a/content/post_1.html", site="houjie", column="hjyw",
                      column_name="厚街要闻", fetched_at=None, http_status=200, raw_body=b"", crawler_version="0",
                      run_id=None)
    return make_article(extracted, prov, "houjie:1")


def test_an_over_long_text_is_refused_with_its_size():
    assert problems_of(article("长" * 50), max_text_chars=50) == []
    assert problems_of(article("长" * 51), max_text_chars=50) == [
        "text has 51 characters (> 50, DGPORTAL_MAX_TEXT_CHARS)"]


@pytest.mark.parametrize("name", ["DGPORTAL_CONTACT", "DGPORTAL_BASE_URL"])
def test_control_characters_in_header_or_url_settings_are_refused(name):
    from scrapy.settings import Settings

    settings = Settings({name: "me@example.org\r\nX-Forged: 1"})
    assert check_values(settings) == [
        f"setting {name}='me@example.org\\r\\nX-Forged: 1' contains control characters (a line break?)"]


def test_a_runs_folder_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, replica_server):
    from tests.conftest import run_crawl

    (tmp_path / "houjie").mkdir()
    (tmp_path / "houjie" / "runs").write_text("not a folder")  # as unwritable as a read-only one, even for root
    result = run_crawl(tmp_path, "houjie", "--base-url", replica_server.base_url, "--columns", "hjyw")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"dgportal: error: {tmp_path / 'houjie' / 'runs'}: cannot write the run log there (File exists); "
        "check the archive folder")


def test_list_and_article_requests_carry_the_page_size_limit():
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_ARCHIVE_ROOT": "", "DGPORTAL_PAGE_MAX_BYTES": 5_000_000})
    spider = crawler.spider
    column = spider.run.profile.column("hjyw")
    listing = spider.list_request(spider.run.profile.list_url(column), column, 1)
    article = spider.run.requests.article(ORIGIN + "/houjie/xwzx/hjyw/content/post_1.html", column)
    hop = spider.run.requests.article(ORIGIN + "/houjie/xwzx/hjyw/content/post_2.html", column, via=(article.url,))
    assert [r.meta["download_maxsize"] for r in (listing, article, hop)] == [5_000_000] * 3


def test_a_page_size_limit_of_0_leaves_scrapys_limit_in_place():
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_ARCHIVE_ROOT": "", "DGPORTAL_PAGE_MAX_BYTES": 0})
    spider = crawler.spider
    column = spider.run.profile.column("hjyw")
    listing = spider.list_request(spider.run.profile.list_url(column), column, 1)
    article = spider.run.requests.article(ORIGIN + "/houjie/xwzx/hjyw/content/post_1.html", column)
    assert "download_maxsize" not in listing.meta and "download_maxsize" not in article.meta
