"""Spiders navigate only: list pages, next-page links, article links. No field parsing, no I/O."""

from __future__ import annotations

from dgportal_crawler.spiders.columns import ColumnSpider
from dgportal_crawler.spiders.houjie import HoujieSpider

#: Built-in sites with a spider class of their own (``scrapy crawl <name>``).
BUILTIN_SPIDERS: dict[str, type[ColumnSpider]] = {HoujieSpider.name: HoujieSpider}


def spider_class_for(site: str) -> type[ColumnSpider]:
    """The spider of a built-in site, or a plain column spider named after a user's profile."""
    return BUILTIN_SPIDERS.get(site) or type(f"{site.title()}Spider", (ColumnSpider,),
                                             {"name": site, "site": site})
