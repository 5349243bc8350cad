"""Crawlers for unit tests of our components, built in the order a real crawl builds them:
the spider first (it makes the run context), then the components from the settings."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.test import get_reactor_settings


def make_crawler(spidercls: type[Spider], settings: dict[str, Any] | None = None,
                 **spider_kwargs: Any) -> Crawler:
    """A crawler whose spider exists before its extensions and middlewares, like
    ``Crawler.crawl`` (Scrapy's ``get_crawler`` builds the components spider-less)."""
    values = {"REMOTE_CONTROL_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
              **get_reactor_settings(), **(settings or {})}
    crawler = Crawler(spidercls, Settings(values))
    crawler.spider = crawler._create_spider(**spider_kwargs)
    crawler._apply_settings()
    return crawler
