"""Dropped items are logged by reason, at the level the pipeline chose, without the article."""

from __future__ import annotations

import logging

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse

from dgportal_crawler.logformat import DgportalLogFormatter
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler

URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_1.html"
ITEM = {"id": "houjie:1", "text": "一篇很长的正文" * 500}


def formatted(result) -> str:
    return result["msg"] % result["args"]


@pytest.mark.parametrize(
    ("log_level", "level"),
    [(None, logging.WARNING), ("INFO", logging.INFO), ("debug", logging.DEBUG), ("ERROR", logging.ERROR),
     ("NOT_A_LEVEL", logging.WARNING)],
)
def test_dropped_logs_the_reason_at_the_chosen_level(log_level, level):
    exception = DropItem(f"duplicate of houjie:2 ({URL})", log_level=log_level)
    result = DgportalLogFormatter().dropped(ITEM, exception, HtmlResponse(URL, body=b""), Spider("x"))
    assert result["level"] == level
    assert formatted(result) == f"Dropped: duplicate of houjie:2 ({URL})"
    assert "一篇很长的正文" not in formatted(result)  # the article is not dumped into the log


def test_the_addon_makes_it_the_crawls_log_formatter(tmp_path):
    crawler = make_crawler(HoujieSpider, {"ADDONS": {"dgportal_crawler.addon.DgportalAddon": 0},
                                          "DGPORTAL_ARCHIVE_ROOT": str(tmp_path)})
    assert type(crawler.logformatter) is DgportalLogFormatter


def test_a_dropped_item_is_freed_without_waiting_for_a_garbage_collection():
    """Scrapy keeps the formatter's dict in the frame that handled the DropItem, and that
    frame is in the exception's traceback: had the dict held the exception, the item (a
    10 MB page) would live on in a reference cycle until the next full collection."""
    import gc
    import weakref

    class Page:  # an item we can hold a weak reference to
        pass

    def handle(item: Page) -> None:  # the shape of Scrapy's Scraper.start_itemproc_async
        try:
            raise DropItem("not an article: too long")
        except DropItem as ex:
            logkws = DgportalLogFormatter().dropped(item, ex, None, Spider("x"))
        assert formatted(logkws) == "Dropped: not an article: too long"

    page = Page()
    gone = weakref.ref(page)
    gc.disable()
    try:
        handle(page)
        del page
        assert gone() is None, "the dropped item is kept alive by a reference cycle"
    finally:
        gc.enable()
