"""The feed route: a column with ``feed = N`` takes its article URLs and dates from
``/postmeta/i/<N>.json`` (no list parsing, no paging), and falls back to its HTML list when
the feed fails, is not a feed, or is empty. Navigation only: the feed is read by
:func:`dgportal_crawler.extract.feed.parse_feed`.

A feed's ``children`` are feeds too (a 专题专栏 feed lists its topics' feeds, not articles):
their articles belong to the column. They are read one after another, down to
``DGPORTAL_FEED_MAX_DEPTH`` levels, each feed once (a child naming its parent or itself is
not read again) and each article asked for once across the tree. The walk's state travels in
the requests' ``cb_kwargs`` (:class:`FeedWalk`), so it stays whole when a worker of a
distributed crawl reads the next feed. A child that is another crawled column's feed is left
to that column; a child that fails or is empty is counted and named once at the end.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from dgportal_crawler.extract import ExtractionError, parse_list_page
from dgportal_crawler.extract.feed import Feed, feed_url, parse_feed, rebase
from dgportal_crawler.extract.gkmlpt import GKMLPT
from dgportal_crawler.profile import Column
from dgportal_crawler.stats import (
    ARTICLES_DISCOVERED,
    FEED_CHILD_ELSEWHERE,
    FEED_CHILD_UNREAD,
    FEED_CHILDREN,
    FEED_FALLBACK,
    FEED_LIST_ONLY,
    FEED_OFF_SITE,
    FEED_ONLY,
    FEED_REPEATED,
    FEED_ROUTE,
    LIST_PAGES,
    LISTED,
    META_COLUMN,
    META_FEED_WALK,
    META_KIND,
    OUT_OF_RANGE,
    column_key,
    inc,
)

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class FeedWalk:
    """One column's walk through its feed and the feeds below it."""

    queue: list[tuple[int, int]] = field(default_factory=list)  # (feed id, level) still to read
    seen: set[int] = field(default_factory=set)  # feeds read or queued: a cycle ends here
    listed: set[str] = field(default_factory=set)  # article URLs the tree named (asked for once)
    own: dict[str, dt.date | None] = field(default_factory=dict)  # the column feed's own entries
    unread: list[int] = field(default_factory=list)  # child feeds that failed or were empty


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
        try:
            feed = parse_feed(response.body, response.url)
        except ExtractionError as exc:
            yield self._fall_back(column, str(exc))
            return
        if not feed.entries and not feed.children:
            yield self._fall_back(column, "the feed lists no article")
            return
        walk = FeedWalk(seen={column.feed} if column.feed else set())
        yield from self._take(feed, column, walk, 0, own=True)
        yield from self._next_feed(column, walk)

    def parse_child_feed(self, response: Response, column: Column, walk: FeedWalk, feed_id: int,
                         level: int) -> Iterator[Any]:
        try:
            feed = parse_feed(response.body, response.url)
        except ExtractionError as exc:
            self._unread(column, walk, feed_id, str(exc))
        else:
            if feed.entries or feed.children:
                inc(self.crawler.stats, column_key(column.id, FEED_CHILDREN))  # type: ignore[attr-defined]
                yield from self._take(feed, column, walk, level, own=False)
            else:
                self._unread(column, walk, feed_id, "empty")
        yield from self._next_feed(column, walk)

    def child_feed_failed(self, failure: Failure) -> Iterator[Any]:
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else type(failure.value).__name__
        self._unread(kwargs["column"], kwargs["walk"], kwargs["feed_id"], reason)
        yield from self._next_feed(kwargs["column"], kwargs["walk"])

    def _take(self, feed: Feed, column: Column, walk: FeedWalk, level: int, own: bool) -> Iterator[Any]:
        """Ask for the feed's articles not asked for already; queue its children."""
        run, stats = self.run, self.crawler.stats  # type: ignore[attr-defined]
        for entry in feed.entries:
            url = rebase(entry.url, run.profile.base_url)
            if not run.on_site(url):
                inc(stats, column_key(column.id, FEED_OFF_SITE))
                continue
            if own:
                walk.own[url] = entry.date
            if url in walk.listed:
                inc(stats, column_key(column.id, FEED_REPEATED))
                continue
            walk.listed.add(url)
            yield from self._listed(url, entry.date, column)
        if level >= self.feed_max_depth:  # type: ignore[attr-defined]
            return
        elsewhere = {c.feed: c.id for c in run.plan.columns if c.feed and c.id != column.id}
        for child in feed.children:
            if child in walk.seen:
                continue
            walk.seen.add(child)
            if child in elsewhere:
                inc(stats, column_key(column.id, FEED_CHILD_ELSEWHERE))
                logger.info("column %s: child feed %s is column %s's own feed; its articles go there",
                            column.id, child, elsewhere[child])
                continue
            walk.queue.append((child, level + 1))

    def _next_feed(self, column: Column, walk: FeedWalk) -> Iterator[Any]:
        """The next feed of the tree, or, when all are read, the end of the walk: the route
        counted, the list compared with the column feed's own entries (children's articles
        live in their own folders, not on this list), or the fall-back when the whole tree
        named no article."""
        if walk.queue:
            feed_id, level = walk.queue.pop(0)
            # dont_filter: two columns may share a child feed; the walk's own `seen` ends cycles
            yield scrapy.Request(feed_url(self.run.profile.base_url, feed_id), callback=self.parse_child_feed,  # type: ignore[attr-defined]
                                 errback=self.child_feed_failed, dont_filter=True,
                                 cb_kwargs={"column": column, "walk": walk, "feed_id": feed_id, "level": level},
                                 meta={META_KIND: "list", META_COLUMN: column.id, META_FEED_WALK: True})
            return
        if walk.unread:
            logger.warning("column %s: %d child feeds of feed %s not read (%s); the column has what the "
                           "others list", column.id, len(walk.unread), column.feed,
                           ", ".join(map(str, walk.unread)))
        if not walk.listed:
            yield self._fall_back(column, "neither the feed nor its child feeds list an article on the site")
            return
        inc(self.crawler.stats, column_key(column.id, FEED_ROUTE))  # type: ignore[attr-defined]
        if walk.own:  # one list page, to see whether the feed keeps up with the list
            yield scrapy.Request(self.run.profile.list_url(column), callback=self.compare_with_list,  # type: ignore[attr-defined]
                                 errback=self.comparison_failed, cb_kwargs={"column": column, "feed": walk.own},
                                 meta={META_KIND: "list", META_COLUMN: column.id, META_FEED_WALK: True})

    def _unread(self, column: Column, walk: FeedWalk, feed_id: int, reason: str) -> None:
        inc(self.crawler.stats, column_key(column.id, FEED_CHILD_UNREAD))  # type: ignore[attr-defined]
        walk.unread.append(feed_id)
        logger.info("column %s: child feed %s not read (%s)", column.id, feed_id, reason)

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
