"""The end-of-run table: one row per planned column and a total, on the console and in the log."""

from __future__ import annotations

import io
import logging

import pytest
import scrapy
from rich.console import Console
from scrapy.exceptions import NotConfigured

from dgportal_crawler.extensions.summary import RunSummary
from dgportal_crawler.runcontext import crawl_run
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler

STATS = {
    "dgportal/column/czjs/list_pages": 2, "dgportal/column/czjs/listed": 30, "dgportal/column/czjs/stored": 12,
    "dgportal/column/czjs/unchanged": 3, "dgportal/column/czjs/duplicate": 1, "dgportal/column/czjs/failed": 1,
    "dgportal/column/czjs/article_failed": 1, "dgportal/column/czjs/fallback": 2,
    "dgportal/column/czjs/extracted": 15, "dgportal/column/czjs/skipped_known": 12,
    "dgportal/column/sqdt/list_pages": 1, "dgportal/column/sqdt/listed": 15, "dgportal/column/sqdt/withdrawn": 2,
    "dgportal/column/hjyw/stored": 99,  # not planned: no row
    "dgportal/coverage/czjs": "complete", "dgportal/coverage/sqdt": "partial since 2024-01-01",
}


class OtherSpider(scrapy.Spider):
    name = "other"


def cells(text: str, label: str) -> list[str]:
    """The cells of the table row whose first cell is ``label``."""
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("│")[1:-1]]
        if parts and parts[0] == label:
            return parts
    raise AssertionError(f"no row {label!r} in:\n{text}")


def closed(reason: str = "finished") -> tuple[str, RunSummary]:
    crawler = make_crawler(HoujieSpider, columns="czjs,sqdt")
    for key, value in STATS.items():
        crawler.stats.set_value(key, value)
    out = io.StringIO()
    summary = RunSummary(crawler, crawl_run(crawler), Console(file=out, width=200))
    summary.spider_closed(reason)
    return out.getvalue(), summary


def test_a_row_per_planned_column_then_the_total():
    text, _ = closed()
    assert "dgportal crawl houjie: finished" in text
    header = cells(text.replace("┃", "│"), "column")
    assert header == ["column", "list pages", "listed", "known", "stored", "unchanged", "withdrawn", "duplicate",
                      "failed", "fallback", "coverage"]
    assert cells(text, "czjs 城镇建设") == ["czjs 城镇建设", "2", "30", "12", "12", "3", "0", "1", "2", "2", "complete"]
    assert cells(text, "sqdt 社区动态") == ["sqdt 社区动态", "1", "15", "0", "0", "0", "2", "0", "0", "0",
                                         "partial since 2024-01-01"]
    assert cells(text, "total") == ["total", "3", "45", "12", "12", "3", "2", "1", "2", "2", ""]
    assert "hjyw" not in text and "99" not in text


def test_the_table_goes_to_the_log_too(caplog):
    with caplog.at_level(logging.INFO, logger="dgportal_crawler.extensions.summary"):
        closed("shutdown")
    (record,) = [r for r in caplog.records if r.name == "dgportal_crawler.extensions.summary"]
    assert record.levelno == logging.INFO
    message = record.getMessage()
    assert message.startswith("end-of-run summary:\n")
    assert "dgportal crawl houjie: shutdown" in message
    assert cells(message, "total")[1:4] == ["3", "45", "12"]


def test_without_a_console_only_the_log_gets_it(caplog):
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_SUMMARY": False}, columns="czjs")
    summary = RunSummary.from_crawler(crawler)
    assert summary.console is None
    with caplog.at_level(logging.INFO, logger="dgportal_crawler.extensions.summary"):
        summary.spider_closed("finished")
    assert "end-of-run summary:" in caplog.text and "czjs 城镇建设" in caplog.text


def test_on_by_default_for_our_spider():
    summary = RunSummary.from_crawler(make_crawler(HoujieSpider))
    assert isinstance(summary.console, Console)


@pytest.mark.parametrize("kwargs", [{}, {"columns": "nope"}])
def test_off_when_there_is_no_run(kwargs):
    spider = OtherSpider if not kwargs else HoujieSpider
    with pytest.raises(NotConfigured):
        RunSummary.from_crawler(make_crawler(spider, **kwargs))
