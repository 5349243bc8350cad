"""The feed route: a column with ``feed = N`` takes its article URLs and dates from
``/postmeta/i/<N>.json`` (no list parsing, no paging), and falls back to its HTML list when
the feed fails, is not a feed, or is empty. Navigation only: the feed is read by
:func:`dgportal_crawler.extract.feed.parse_feed`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.extract.feed import feed_url, parse_feed, rebase
from dgportal_crawler.profile import Column
from dgportal_crawler.stats import (
    ARTICLES_DISCOVERED,
    FEED_FALLBACK,
    FEED_OFF_SITE,
    FEED_ROUTE,
    LISTED,
    META_COLUMN,
    META_KIND,
    OUT_OF_RANGE,
    column_key,
    inc,
)

logger = logging.getLogger(__name__)


class FeedRoute:
    """Mixed into :class:`ColumnSpider`, which provides ``run``, ``crawler`` and
    ``list_request``."""

    def first_request(self, column: Column) -> scrapy.Request:
        """The column's feed when it names one, else its first list page."""
        if column.feed is None:
            return self.list_request(self.run.profile.list_url(column), column, 1)  # type: ignore[attr-defined]
        # kind "list": the incremental filter skips known articles of a feed as of a list page
        return scrapy.Request(feed_url(self.run.profile.base_url, column.feed),  # type: ignore[attr-defined]
                              callback=self.parse_feed, errback=self.feed_failed,
                              cb_kwargs={"column": column},
                              meta={META_KIND: "list", META_COLUMN: column.id})

    def parse_feed(self, response: Response, column: Column) -> Iterator[Any]:
        run, stats = self.run, self.crawler.stats  # type: ignore[attr-defined]
        try:
            feed = parse_feed(response.body, response.url)
        except ExtractionError as exc:
            yield self._fall_back(column, str(exc))
            return
        if not feed.entries:
            yield self._fall_back(column, "the feed lists no article")
            return
        inc(stats, column_key(column.id, FEED_ROUTE))
        for entry in feed.entries:
            url = rebase(entry.url, run.profile.base_url)
            if not run.on_site(url):
                inc(stats, column_key(column.id, FEED_OFF_SITE))
                continue
            if not run.plan.in_range(entry.date):
                inc(stats, column_key(column.id, OUT_OF_RANGE))
                continue
            inc(stats, column_key(column.id, LISTED))
            inc(stats, ARTICLES_DISCOVERED)
            yield run.requests.article(url, column)

    def feed_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        column: Column = request.cb_kwargs["column"]
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else type(failure.value).__name__
        yield self._fall_back(column, reason)

    def _fall_back(self, column: Column, reason: str) -> scrapy.Request:
        inc(self.crawler.stats, column_key(column.id, FEED_FALLBACK))  # type: ignore[attr-defined]
        logger.warning("column %s: feed %s not used (%s); reading the HTML list instead",
                       column.id, column.feed, reason)
        return self.list_request(self.run.profile.list_url(column), column, 1)  # type: ignore[attr-defined]
