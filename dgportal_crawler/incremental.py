"""Incremental crawling: fetch only what is new, re-check what is young, find what vanished.

A spider middleware, so the spider stays a pure navigator: it lists everything, and this
component, which knows the archive's state, decides which of those requests go out.

Modes (``DGPORTAL_MODE``):
- ``incremental`` (default): known articles are skipped unless published within
  ``DGPORTAL_RECHECK_DAYS`` (then re-checked with a conditional request); a column whose list
  the archive has read completely before (see :mod:`dgportal_crawler.coverage`) stops paging
  after ``DGPORTAL_STOP_AFTER_SEEN_PAGES`` whole list pages of known entries; any other column
  is paged to its end (or to ``--since``).
- ``full``: every listed article is fetched (conditionally when known), every list page read,
  and known articles no longer listed are re-checked, so edits and withdrawals are found.
- ``resume``: after an interrupted run: every list page is read (the interrupted run may not
  have reached the end), and known articles are skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response

from dgportal_crawler import config
from dgportal_crawler.clock import Clock, clock_from_settings
from dgportal_crawler.coverage import COMPLETE
from dgportal_crawler.extensions.archive import ArchiveSession, open_session
from dgportal_crawler.runcontext import CrawlRun, crawl_run
from dgportal_crawler.stats import (
    DUPLICATE,
    META_COLUMN,
    META_FEED_WALK,
    META_KIND,
    SKIPPED_KNOWN,
    STOPPED_EARLY,
    column_key,
    count,
    inc,
)
from dgportal_crawler.store.state import ArticleState, StateStore

logger = logging.getLogger(__name__)


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler, run: CrawlRun, *, recheck_days: int, stop_after: int,
                 clock: Clock) -> None:
        self.crawler = crawler
        self.run = run
        self.mode = run.mode
        self.recheck_days = recheck_days
        self.stop_after = stop_after
        self.clock = clock
        self.seen_pages: dict[str, int] = {}
        self.listed: set[str] = set()
        # Articles this run asked for: one of them found known on a later list page was stored
        # by this run (reached by a redirect first), so it is a duplicate, not a known article.
        self.requested: set[str] = set()
        self.rechecked_unlisted = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        run = crawl_run(crawler)
        if run is None or crawler.get_extension(ArchiveSession) is None:
            raise NotConfigured  # no archive, nothing to be incremental against
        mw = cls(crawler, run, recheck_days=config.get_int(crawler.settings, "DGPORTAL_RECHECK_DAYS"),
                 stop_after=config.get_int(crawler.settings, "DGPORTAL_STOP_AFTER_SEEN_PAGES"),
                 clock=clock_from_settings(crawler.settings))
        crawler.signals.connect(mw.spider_idle, signal=signals.spider_idle)
        return mw

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]
                                    ) -> AsyncIterator[Any]:
        # A whole list page is needed to know whether all of it was already archived.
        for item in self._filter(response, [r async for r in result]):
            yield item

    def _filter(self, response: Response, outputs: list[Any]) -> list[Any]:
        if response.meta.get(META_KIND) != "list":
            self.requested.update(self.run.profile.article_id(o.url) for o in outputs if _kind(o) == "article")
            return outputs
        column = response.meta.get(META_COLUMN, "-")
        kept: list[Any] = []
        articles = known = 0
        store = self._store()
        for out in outputs:
            if _kind(out) != "article":
                continue
            articles += 1
            article_id = self.run.profile.article_id(out.url)
            self.listed.add(article_id)
            state = store.get(article_id) if store is not None else None
            if state is None or state.withdrawn_at is not None:
                self.requested.add(article_id)
                kept.append(out)
                continue
            if article_id in self.requested:
                count(self.crawler.stats, column, DUPLICATE)
                logger.info("article %s (column %s) was requested already in this run: counted as duplicate",
                            out.url, column)
                continue
            known += 1
            if self.mode == "full" or self._young(state.published_at):
                self.requested.add(article_id)
                kept.append(_conditional(out, state))
            else:
                count(self.crawler.stats, column, SKIPPED_KNOWN)
        all_known = articles > 0 and known == articles
        self.seen_pages[column] = self.seen_pages.get(column, 0) + 1 if all_known else 0
        # Stop at known pages only where the archive has read the whole list before: in a
        # partial column the older pages may hold articles never fetched.
        stop = (self.mode == "incremental" and self.seen_pages[column] >= self.stop_after
                and store is not None and store.coverage(column) == COMPLETE)
        for out in outputs:
            if _kind(out) == "article":
                continue
            # the next feed of a feed's tree is not the next page: its articles may be new
            if stop and _kind(out) == "list" and not out.meta.get(META_FEED_WALK):
                inc(self.crawler.stats, column_key(column, STOPPED_EARLY))
                logger.info("column %s: a whole list page was already archived; not paging on", column)
                continue
            kept.append(out)
        return kept

    def spider_idle(self) -> None:
        """Once, when the lists are done: re-check known articles that were not listed."""
        if self.rechecked_unlisted:
            return
        self.rechecked_unlisted = True
        requests = list(self._unlisted_rechecks())
        if not requests:
            return
        logger.info("re-checking %d archived articles that the lists no longer show", len(requests))
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def _unlisted_rechecks(self) -> Iterator[Request]:
        run = self.run
        state = self._store()
        if state is None or self.mode == "resume":
            return
        columns = {c.id: c for c in run.plan.columns}
        for row in state.iter_states():
            if row.id in self.listed or row.withdrawn_at is not None:
                continue
            if not (self.mode == "full" or self._young(row.published_at)):
                continue
            url = rebase(row.url, run.profile.base_url)
            column = run.profile.column_for_url(url)
            day = _day(row.published_at)
            if column is None or column.id not in columns or not run.plan.in_range(day):
                continue
            yield _conditional(run.requests.article(url, column), row)

    # -- helpers ---------------------------------------------------------------------------
    def _store(self) -> StateStore | None:
        session = open_session(self.crawler)
        return session.state if session is not None else None

    def _young(self, published_at: str | None) -> bool:
        day = _day(published_at)
        if day is None:
            return True  # unknown age: re-check rather than miss an edit
        return (self.clock().date() - day).days <= self.recheck_days


def rebase(url: str, base_url: str) -> str:
    """The stored URL on the host being crawled now. The archive keys articles by id, so
    a run against a mirror, a moved host or a replica on another port re-checks the same
    article where it can be reached today."""
    stored, base = urlsplit(url), urlsplit(base_url)
    return urlunsplit(stored._replace(scheme=base.scheme, netloc=base.netloc))


def _kind(output: Any) -> str | None:
    """``list``, ``article`` … for the spider's requests; None for anything else."""
    return output.meta.get(META_KIND) if isinstance(output, Request) else None


def _day(published_at: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(published_at[:10]) if published_at else None
    except ValueError:
        return None


def _conditional(request: Request, state: ArticleState) -> Request:
    """The same request, asking the server to answer 304 when nothing changed."""
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    if not headers:
        return request
    return request.replace(headers={**request.headers.to_unicode_dict(), **headers})
