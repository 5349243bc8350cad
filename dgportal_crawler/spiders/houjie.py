"""The Houjie town (厚街镇) sub-site: ``scrapy crawl houjie -a columns=czjs -a since=2023-01-01``."""

from dgportal_crawler.spiders.columns import ColumnSpider


class HoujieSpider(ColumnSpider):
    name = "houjie"
    site = "houjie"
