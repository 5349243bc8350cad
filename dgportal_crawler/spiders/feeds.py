"""The feed route: a column with ``feed = N`` takes its article URLs and dates from
``/postmeta/i/<N>.json`` (no list parsing, no paging), and falls back to its HTML list when
the feed fails, is not a feed, or is empty. Navigation only: the feed is read by
:func:`dgportal_crawler.extract.feed.parse_feed`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from dgportal_crawler.extract import ExtractionError, parse_list_page
from dgportal_crawler.extract.feed import feed_url, parse_feed, rebase
from dgportal_crawler.extract.gkmlpt import GKMLPT
from dgportal_crawler.profile import Column
from dgportal_crawler.stats import (
    ARTICLES_DISCOVERED,
    FEED_FALLBACK,
    FEED_LIST_ONLY,
    FEED_OFF_SITE,
    FEED_ONLY,
    FEED_ROUTE,
    LIST_PAGES,
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
        """The platform's API for a gkmlpt column, the column's feed when it names one, else
        its first list page."""
        if column.template == GKMLPT:
            return self.api_request(column, 1)  # type: ignore[attr-defined]
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
        dated: dict[str, dt.date | None] = {}
        for entry in feed.entries:
            url = rebase(entry.url, run.profile.base_url)
            if not run.on_site(url):
                inc(stats, column_key(column.id, FEED_OFF_SITE))
                continue
            dated[url] = entry.date
            yield from self._listed(url, entry.date, column)
        # one list page, to see whether the feed keeps up with the list (and lose nothing if not)
        yield scrapy.Request(self.run.profile.list_url(column), callback=self.compare_with_list,  # type: ignore[attr-defined]
                             errback=self.comparison_failed, cb_kwargs={"column": column, "feed": dated},
                             meta={META_KIND: "list", META_COLUMN: column.id})

    def _listed(self, url: str, date: dt.date | None, column: Column) -> Iterator[Any]:
        run, stats = self.run, self.crawler.stats  # type: ignore[attr-defined]
        if not run.plan.in_range(date):
            inc(stats, column_key(column.id, OUT_OF_RANGE))
            return
        inc(stats, column_key(column.id, LISTED))
        inc(stats, ARTICLES_DISCOVERED)
        yield run.requests.article(url, column)

    def compare_with_list(self, response: Response, column: Column, feed: dict[str, dt.date | None]) -> Iterator[Any]:
        """Count articles on the list's first page missing from the feed (and fetch them), and
        feed articles as new as that page's oldest that the page does not show."""
        stats = self.crawler.stats  # type: ignore[attr-defined]
        inc(stats, column_key(column.id, LIST_PAGES))
        try:
            listing = parse_list_page(response.body, url=response.url, profile=self.run.profile,  # type: ignore[attr-defined]
                                      template=column.template)
        except ExtractionError:
            listing = None
        if listing is None or not listing.template_matched:
            logger.warning("column %s: the first list page matched no template; feed not compared", column.id)
            return
        on_page = {e.url: e.date for e in listing.entries}
        oldest = min((d for d in on_page.values() if d), default=None)
        list_only = [u for u in on_page if u not in feed]
        feed_only = [u for u, d in feed.items() if u not in on_page and d and oldest and d >= oldest]
        inc(stats, column_key(column.id, FEED_LIST_ONLY), len(list_only))
        inc(stats, column_key(column.id, FEED_ONLY), len(feed_only))
        if list_only or feed_only:
            logger.warning("column %s: list page 1 and feed %s disagree: %d articles only in the list "
                           "(fetched too), %d only in the feed", column.id, column.feed, len(list_only),
                           len(feed_only))
        for url in list_only:
            yield from self._listed(url, on_page[url], column)

    def comparison_failed(self, failure: Failure) -> None:
        column: Column = failure.request.cb_kwargs["column"]  # type: ignore[attr-defined]
        logger.warning("column %s: list page 1 could not be read (%s); feed not compared",
                       column.id, type(failure.value).__name__)

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
