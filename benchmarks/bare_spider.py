"""Baseline for benchmarks/crawl_throughput.py: fetch the same pages with a bare Scrapy spider
(list pages, next links, article pages) and do nothing with them.

    python benchmarks/bare_spider.py BASE_URL
"""

from __future__ import annotations

import sys

import scrapy
from scrapy.crawler import CrawlerProcess

NEXT = "//a[contains(@class, 'next') or normalize-space(.)='下一页']/@href"
COLUMNS = ("xwzx/hjyw/index.html", "zwgk/tzgg/index.html", "tsjh/czjs/index.html",
           "hdjl/fttd/index.html", "xwzx/sqdt/list.shtml", "zwgk/zcjd/index.html")


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    async def start(self):
        for path in COLUMNS:
            yield scrapy.Request(self.base_url + path, callback=self.parse_list)

    def parse_list(self, response):
        yield from response.follow_all(xpath="//a[contains(@href, 'content/post_')]/@href",
                                       callback=self.parse_article)
        yield from response.follow_all(xpath=NEXT, callback=self.parse_list)

    def parse_article(self, response):
        return None


if __name__ == "__main__":
    process = CrawlerProcess({"LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True, "DOWNLOAD_DELAY": 0,
                              "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "TELNETCONSOLE_ENABLED": False})
    process.crawl(BareSpider, base_url=sys.argv[1])
    process.start()
