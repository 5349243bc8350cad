"""IncrementalMiddleware switches itself off where it has nothing to be incremental against;
``rebase`` moves stored URLs to the host crawled now."""

from __future__ import annotations

from pathlib import Path

import pytest
import scrapy
from scrapy.exceptions import NotConfigured

from dgportal_crawler.incremental import IncrementalMiddleware, rebase
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler
from tests.test_incremental import settings


def test_rebase_moves_a_stored_url_to_the_host_crawled_now() -> None:
    stored = "https://www.dg.gov.cn/houjie/xwzx/hjyw/content/post_1.html?a=1#x"
    assert rebase(stored, "http://127.0.0.1:8800/houjie/") == (
        "http://127.0.0.1:8800/houjie/xwzx/hjyw/content/post_1.html?a=1#x")
    assert rebase(stored, "https://www.dg.gov.cn/houjie/") == stored


def test_off_without_the_archive(tmp_path: Path) -> None:
    values = settings(tmp_path)
    del values["EXTENSIONS"]
    with pytest.raises(NotConfigured):
        IncrementalMiddleware.from_crawler(make_crawler(HoujieSpider, values))


class OtherSpider(scrapy.Spider):
    name = "other"


def test_off_for_someone_elses_spider(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        IncrementalMiddleware.from_crawler(make_crawler(OtherSpider, settings(tmp_path)))
    assert not any(tmp_path.iterdir())


def test_off_for_our_spider_given_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        IncrementalMiddleware.from_crawler(make_crawler(HoujieSpider, settings(tmp_path), columns="nope"))
