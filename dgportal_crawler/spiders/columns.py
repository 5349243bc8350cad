"""A spider that walks the columns of one site profile.

It reads list pages (through :func:`dgportal_crawler.extract.parse_list_page`, so it never
parses a field itself), follows next-page links until the list reaches dates before
``since``, and hands every article page on as a :class:`~dgportal_crawler.pages.FetchedPage`
for the extraction pipeline. It builds the run context (:class:`CrawlRun`) others read.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urldefrag

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from dgportal_crawler import config
from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.crawlplan import CrawlArgumentError, make_plan
from dgportal_crawler.extract import ExtractionError, parse_list_page
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import Column, ProfileError, load_profile
from dgportal_crawler.runcontext import MODES, ArticleRequests, CrawlRun, new_run_id
from dgportal_crawler.spiders.feeds import FeedRoute
from dgportal_crawler.spiders.gkmlpt import GkmlptRoute
from dgportal_crawler.stats import (
    ARTICLE_FAILED,
    ARTICLES_DISCOVERED,
    DUPLICATE,
    LIST_BUDGET_SPENT,
    LIST_END,
    LIST_FAILED,
    LIST_PAGES,
    LIST_TEMPLATE_MISS,
    LISTED,
    META_COLUMN,
    META_FETCHED_AT,
    META_KIND,
    META_LIST_CHAIN,
    META_LISTED_URL,
    META_REDIRECT_CHAIN,
    META_WARC,
    OUT_OF_RANGE,
    SINCE_REACHED,
    column_key,
    failure_key,
    inc,
    total_key,
)

logger = logging.getLogger(__name__)

#: On-site redirects followed for one article before giving up.
MAX_REDIRECTS = 5
#: Answers some Guangdong portals give crawlers instead of pages: say so plainly.
CHALLENGE_HINTS = {f"http_{code}": " (the site may be challenging crawlers: slow down with -s DOWNLOAD_DELAY=5 and "
                   "set --contact; nothing was stored for this page)" for code in (403, 412, 429, 521)}

#: A column whose first list page is missing or unreadable was probably configured wrong.
DISCOVER_HINT = ("; the column's URL or template may be wrong: `dgportal discover {site} --write "
                 "FILE` reads the site's own navigation and writes a profile")


class ColumnSpider(FeedRoute, GkmlptRoute, scrapy.Spider):
    """Base class: subclasses set ``name`` (and ``site`` when it differs from ``name``)."""

    site: str = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ColumnSpider:
        columns, since, until = (kwargs.pop(k, None) for k in ("columns", "since", "until"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        try:
            spider.dgportal_run = spider.make_run(columns, since, until)
            spider.usage_problem = None
            spider.allowed_domains = sorted(spider.dgportal_run.allowed_hosts)
            spider.max_list_pages = config.get_int(crawler.settings, "DGPORTAL_MAX_LIST_PAGES")
            spider.feed_max_depth = max(0, config.get_int(crawler.settings, "DGPORTAL_FEED_MAX_DEPTH"))
        except (ProfileError, CrawlArgumentError) as exc:
            # `scrapy crawl` has no place for a usage error: say it once, then close at start.
            # With no run, no other component switches on, so nothing else complains.
            spider.dgportal_run = None
            spider.usage_problem = str(exc)
        return spider

    def make_run(self, columns: str | None, since: str | None, until: str | None) -> CrawlRun:
        settings = self.settings
        profile = load_profile(config.get_str(settings, "DGPORTAL_PROFILE") if settings.get("DGPORTAL_PROFILE")
                               else self.site or self.name)
        if settings.get("DGPORTAL_BASE_URL"):
            profile = profile.with_base_url(settings.get("DGPORTAL_BASE_URL"))
        mode = config.get_str(settings, "DGPORTAL_MODE")
        if mode not in MODES:
            raise CrawlArgumentError(f"DGPORTAL_MODE must be one of {', '.join(MODES)}, not {mode!r}")
        requests = ArticleRequests(callback=self.parse_article, errback=self.article_failed,
                                   max_bytes=config.get_int(settings, "DGPORTAL_PAGE_MAX_BYTES"))
        run_id = config.get_str(settings, "DGPORTAL_RUN_ID") or new_run_id()
        return CrawlRun.create(profile, make_plan(profile, columns, since, until), run_id, requests,
                               mode, getattr(self, "_job", None))  # type: ignore[arg-type]

    @property
    def run(self) -> CrawlRun:
        return self.dgportal_run

    async def start(self) -> AsyncIterator[Any]:
        if self.usage_problem:
            logger.error("%s", self.usage_problem)
            raise CloseSpider("bad_arguments")
        for column in self.run.plan.columns:
            yield self.first_request(column)

    def list_request(self, url: str, column: Column, page: int, chain: tuple[str, ...] = ()) -> scrapy.Request:
        meta: dict[str, Any] = {META_KIND: "list", META_COLUMN: column.id, META_LIST_CHAIN: list(chain)}
        if self.run.requests.max_bytes:  # 0 in download_maxsize would lift every limit
            meta["download_maxsize"] = self.run.requests.max_bytes
        return scrapy.Request(url, callback=self.parse_list, errback=self.list_failed,
                              cb_kwargs={"column": column, "page": page}, meta=meta)

    def parse_list(self, response: Response, column: Column, page: int) -> Iterator[Any]:
        stats, run = self.crawler.stats, self.run
        inc(stats, column_key(column.id, LIST_PAGES))
        try:
            listing = parse_list_page(
                response.body, url=response.url, profile=run.profile, template=column.template,
                headers=_str_headers(response),
            )
        except ExtractionError as exc:
            inc(stats, column_key(column.id, LIST_FAILED))
            inc(stats, failure_key("list/unreadable"))
            logger.error("list page %s of column %s is unreadable: %s", response.url, column.id, exc)
            return
        # A challenge or error page, or a redirect out of the column (the home page): not its list, exit 1
        redirected = response.request is not None and response.request.meta.get("redirect_urls")
        moved = redirected and run.profile.column_for_url(response.url) != column
        if moved or not (listing.template_matched or listing.entries or listing.next_url):
            inc(stats, column_key(column.id, LIST_FAILED))
            inc(stats, failure_key("list/not_a_list_page"))
            logger.error("list page %s of column %s is no list of it (a challenge, error or other page?); the "
                         "column was not read past it", response.url, column.id)
            return
        if not listing.template_matched:
            inc(stats, column_key(column.id, LIST_TEMPLATE_MISS))
            logger.warning(
                "list page %s of column %s matched no %r selector; the site template may have "
                "changed (check templates.%s in %s)%s",
                response.url, column.id, column.template, column.template, run.profile.source,
                DISCOVER_HINT.format(site=run.site) if page == 1 else "",
            )
        reached_older = False
        for entry in listing.entries:
            if run.plan.before_range(entry.date):
                reached_older = True
            if not run.plan.in_range(entry.date):
                inc(stats, column_key(column.id, OUT_OF_RANGE))
                continue
            inc(stats, column_key(column.id, LISTED))
            inc(stats, ARTICLES_DISCOVERED)
            yield run.requests.article(response.urljoin(entry.url), column)
        if reached_older:
            inc(stats, column_key(column.id, SINCE_REACHED))
        elif listing.next_url and page >= self.max_list_pages:
            inc(stats, column_key(column.id, LIST_BUDGET_SPENT))
            logger.warning("column %s: stopped paging after %d list pages (DGPORTAL_MAX_LIST_PAGES); "
                           "an endless next-page chain?", column.id, page)
        elif not listing.next_url:
            if listing.template_matched:  # an unrecognised page is no proof of the end
                inc(stats, column_key(column.id, LIST_END))
        else:
            next_url = response.urljoin(listing.next_url)
            # The pages this chain of next-page links went through: a link back into it is a
            # loop. (Not every page read in the run: --resume reaches a page twice, rightly.)
            before = response.request.meta.get(META_LIST_CHAIN, ()) if response.request is not None else ()
            chain = (*before, canonicalize_url(response.url))
            if canonicalize_url(next_url) in chain:
                self._list_loop(column.id, next_url, "repeated", "a next-page link led back to it")
                return
            yield self.list_request(next_url, column, page + 1, chain)

    def parse_article(self, response: Response, column: Column) -> Iterator[Any]:
        """Article answers other than 200 come here too (see ``ArticleRequests``); an on-site
        redirect is followed a few hops, anything else goes to the pipelines to judge."""
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            try:
                target = urldefrag(response.urljoin(location.decode("latin-1").strip()))[0]
            except ValueError as exc:  # e.g. "http://[::1" is no URL
                self.article_outcome_failed(response.request, column.id, "bad_location", f" ({exc})")
                return
            via = (*response.meta.get(META_REDIRECT_CHAIN, ()), response.url)
            if canonicalize_url(target) in {canonicalize_url(u) for u in via}:
                chain = " -> ".join([*via, target])
                self.article_outcome_failed(response.request, column.id, "redirect_loop", f" ({chain})")
                return
            if self.run.on_site(target) and len(via) <= MAX_REDIRECTS:
                yield self.run.requests.article(target, column, via=via)
                return
        yield FetchedPage(
            url=response.url,
            site=self.run.site,
            column=column.id,
            column_name=column.name,
            template=column.template,
            status=response.status,
            headers=_str_headers(response),
            body=response.body,
            fetched_at=response.meta.get(META_FETCHED_AT),
            meta={k: v for k, v in response.meta.items() if k in (META_WARC, META_LISTED_URL)},
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """``scrapy parse --spider=houjie URL``: one article page on its own, as the archive
        line the pipelines would make of it. A crawl never calls this (every request it makes
        names its callback); the fields come from ``extract/``, as in the pipelines."""
        column = self.run.profile.column_for_url(response.url)
        page = FetchedPage.saved(self.run.profile, response.url, response.body,
                                 status=response.status, headers=_str_headers(response))
        try:
            yield article_from_page(page, self.run.profile, self.run.run_id).to_dict()
        except ExtractionError as exc:
            logger.error("%s (column %s): %s", response.url, column.id if column else "?", exc)

    def list_failed(self, failure: Failure) -> None:
        self._failed(failure, "list")

    def article_failed(self, failure: Failure) -> None:
        self._failed(failure, "article")

    def _failed(self, failure: Failure, kind: str) -> None:
        request = failure.request  # type: ignore[attr-defined]
        column = request.meta.get(META_COLUMN, "?")
        reason = _failure_reason(failure)
        if kind == "article":
            self.article_outcome_failed(request, column, reason, CHALLENGE_HINTS.get(reason, ""))
            return
        stats = self.crawler.stats
        inc(stats, column_key(column, LIST_FAILED))
        inc(stats, failure_key(f"list/{reason}"))
        hint = CHALLENGE_HINTS.get(reason, "")
        if reason == "http_404" and request.cb_kwargs.get("page") == 1:
            hint = DISCOVER_HINT.format(site=self.run.site)
        url = (request.meta.get("redirect_urls") or [request.url])[0]  # the page asked for, not where it led
        logger.error("list page %s (column %s) failed: %s%s", url, column, reason, hint)

    def _list_loop(self, column: str, url: str, reason: str, how: str) -> None:
        """A list page came up again in this run: the column was not read to its end (a failed list page, exit 1)."""
        inc(self.crawler.stats, column_key(column, LIST_FAILED))
        inc(self.crawler.stats, failure_key(f"list/{reason}"))
        logger.error("list page %s (column %s) was read already in this run (%s): the column was "
                     "not read past it", url, column, how)

    def article_outcome_failed(self, request: scrapy.Request | None, column: str, reason: str, note: str) -> None:
        """An article that ends here, before the pipelines: counted as failed with its reason (and ``note``)."""
        stats = self.crawler.stats
        inc(stats, column_key(column, ARTICLE_FAILED))
        inc(stats, total_key("failed"))
        inc(stats, failure_key(f"article/{reason}"))
        url = request.meta.get(META_LISTED_URL, request.url) if request is not None else "?"
        logger.error("article page %s (column %s) failed: %s%s", url, column, reason, note)

    def request_dropped(self, request: scrapy.Request) -> None:
        """Scrapy's duplicate filter dropped a request. An article listed twice (two list
        pages, two columns) ends here as a counted duplicate instead of vanishing; a list page
        asked for again (a redirect loop, a next-page link back to an earlier page) means the
        column was not read to its end: a failed list page, so the run says so."""
        kind, column = request.meta.get(META_KIND), request.meta.get(META_COLUMN, "?")
        stats = self.crawler.stats
        if kind == "article":
            inc(stats, column_key(column, DUPLICATE))
            inc(stats, total_key(DUPLICATE))
            logger.info("article %s (column %s) was requested already in this run: counted as duplicate",
                        request.url, column)
        elif kind == "list" and request.meta.get("redirect_urls"):
            # Only a redirect: a list page asked for again without one is --resume's restart
            # (the job's filter remembers the pages read before the interruption).
            self._list_loop(column, request.url, "redirect_loop", "a redirect led back to it")


def _str_headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): values[-1].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }


def _failure_reason(failure: Failure) -> str:
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"http_{response.status}"
    return type(failure.value).__name__
