"""Item pipelines, one job each, in this order:

``ExtractPipeline`` (page bytes → Article) → ``ValidatePipeline`` (refuse what is not an
article) → ``DedupePipeline`` (one line per article per run) → ``StorePipeline`` (JSONL).

Every drop says why in its ``DropItem`` message and counts under ``dgportal/``, per column.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.items import Article
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.stats import column_key, inc
from dgportal_crawler.store import JsonlArchive
from dgportal_crawler.validate import problems_of

logger = logging.getLogger(__name__)


class _Component:
    """Keeps the crawler for stats and for the spider's run id and profile."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def count(self, column: str | None, counter: str) -> None:
        inc(self.crawler.stats, column_key(column, counter))
        inc(self.crawler.stats, f"dgportal/{counter}")


class ExtractPipeline(_Component):
    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        spider = self.crawler.spider
        try:
            article = article_from_page(item, spider.profile, getattr(spider, "run_id", None))
        except ExtractionError as exc:
            self.count(item.column, "failed")
            inc(self.crawler.stats, "dgportal/failed/extraction")
            raise DropItem(f"extraction failed for {item.url}: {exc}") from exc
        if article.extraction["method"] == "fallback":
            self.count(item.column, "fallback")
            logger.warning("no template matched %s; used the fallback extractor", item.url)
        return article


class ValidatePipeline(_Component):
    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            problems = problems_of(item)
            if problems:
                self.count(item.column, "invalid")
                self.count(item.column, "failed")
                raise DropItem(f"invalid article {item.url}: {'; '.join(problems)}")
        return item


class DedupePipeline(_Component):
    """Drops a second line for the same article id within one run (e.g. listed twice)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen: set[str] = set()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            if item.id in self.seen:
                self.count(item.column, "duplicate")
                raise DropItem(f"duplicate of {item.id} in this run: {item.url}")
            self.seen.add(item.id)
        return item


class StorePipeline(_Component):
    """Appends each article to ``<DGPORTAL_ARCHIVE_ROOT>/<site>/articles/…jsonl``."""

    def __init__(self, crawler: Crawler, root: Path, fsync: bool) -> None:
        super().__init__(crawler)
        self.root, self.fsync = root, fsync
        self.archive: JsonlArchive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        root = crawler.settings.get("DGPORTAL_ARCHIVE_ROOT")
        if not root:
            raise NotConfigured("DGPORTAL_ARCHIVE_ROOT is empty: not storing articles")
        return cls(crawler, Path(root), crawler.settings.getbool("DGPORTAL_FSYNC"))

    def open_spider(self) -> None:
        self.archive = JsonlArchive(self.root, self.crawler.spider.profile.name, fsync=self.fsync)
        for torn in self.archive.repair():
            inc(self.crawler.stats, "dgportal/torn_lines_repaired")
            logger.warning("repaired a torn line at %s:%d (%d bytes moved to events.jsonl)",
                           torn.path, torn.offset, len(torn.data))

    def close_spider(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article) and self.archive is not None:
            self.archive.append(item.to_dict())
            self.count(item.column, "stored")
        return item
