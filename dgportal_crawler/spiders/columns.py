"""A spider that walks the columns of one site profile.

It reads list pages (through :func:`dgportal_crawler.extract.parse_list_page`, so it never
parses a field itself), follows next-page links until the list reaches dates before
``since``, and hands every article page on as a :class:`~dgportal_crawler.pages.FetchedPage`
for the extraction pipeline.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from dgportal_crawler.crawlplan import CrawlArgumentError, CrawlPlan, make_plan
from dgportal_crawler.extract import ExtractionError, parse_list_page
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import Column, ProfileError, SiteProfile, load_profile
from dgportal_crawler.runinfo import new_run_id
from dgportal_crawler.stats import column_key, inc

logger = logging.getLogger(__name__)

#: Article answers handed to the pipelines instead of Scrapy's error handling.
ARTICLE_STATUSES = [301, 302, 303, 307, 308, 304, 404, 410]
#: On-site redirects followed for one article before giving up.
MAX_REDIRECTS = 5
#: Answers some Guangdong portals give crawlers instead of pages: say so plainly.
CHALLENGE_HINTS = {
    f"http_{code}": " (the site may be challenging crawlers: slow down with -s DOWNLOAD_DELAY=5 "
    "and set --contact; nothing was stored for this page)"
    for code in (403, 412, 429, 521)
}


class ColumnSpider(scrapy.Spider):
    """Base class: subclasses set ``name`` (and ``site`` when it differs from ``name``)."""

    site: str = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ColumnSpider:
        settings = crawler.settings
        columns, since, until = (kwargs.pop(k, None) for k in ("columns", "since", "until"))
        problem = None
        try:
            profile = load_profile(settings.get("DGPORTAL_PROFILE") or cls.site or cls.name)
            if settings.get("DGPORTAL_BASE_URL"):
                profile = profile.with_base_url(settings.get("DGPORTAL_BASE_URL"))
            plan = make_plan(profile, columns, since, until)
        except (ProfileError, CrawlArgumentError) as exc:
            # `scrapy crawl` has no place for a usage error: say it once, then close at start.
            problem = str(exc)
            profile, plan = None, None
        spider = super().from_crawler(crawler, *args, profile=profile, plan=plan, **kwargs)
        spider.run_id = settings.get("DGPORTAL_RUN_ID") or new_run_id()
        spider.usage_problem = problem
        return spider

    def __init__(self, *args: Any, profile: SiteProfile | None, plan: CrawlPlan | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile  # type: ignore[assignment]
        self.plan = plan  # type: ignore[assignment]
        self.allowed_domains = [urlsplit(profile.base_url).hostname or ""] if profile else []

    async def start(self) -> AsyncIterator[Any]:
        if self.usage_problem:
            logger.error("%s", self.usage_problem)
            raise CloseSpider("bad_arguments")
        for column in self.plan.columns:
            yield scrapy.Request(
                self.profile.list_url(column),
                callback=self.parse_list,
                errback=self.list_failed,
                cb_kwargs={"column": column, "page": 1},
                meta={"dgportal_kind": "list", "dgportal_column": column.id},
            )

    def parse_list(self, response: Response, column: Column, page: int) -> Iterator[Any]:
        stats = self.crawler.stats
        inc(stats, column_key(column.id, "list_pages"))
        try:
            listing = parse_list_page(
                response.body, url=response.url, profile=self.profile, template=column.template,
                headers=_str_headers(response),
            )
        except ExtractionError as exc:
            inc(stats, column_key(column.id, "list_failed"))
            inc(stats, "dgportal/failed/list/unreadable")
            logger.error("list page %s of column %s is unreadable: %s", response.url, column.id, exc)
            return
        if not listing.template_matched:
            inc(stats, column_key(column.id, "list_template_miss"))
            logger.warning(
                "list page %s of column %s matched no %r selector; the site template may have "
                "changed (check templates.%s in %s)",
                response.url, column.id, column.template, column.template, self.profile.source,
            )
        reached_older = False
        for entry in listing.entries:
            if self.plan.before_range(entry.date):
                reached_older = True
                inc(stats, column_key(column.id, "out_of_range"))
                continue
            if not self.plan.in_range(entry.date):
                inc(stats, column_key(column.id, "out_of_range"))
                continue
            inc(stats, column_key(column.id, "listed"))
            inc(stats, "dgportal/articles_discovered")
            yield self.article_request(response.urljoin(entry.url), column)
        if listing.next_url and not reached_older:
            yield response.follow(
                listing.next_url,
                callback=self.parse_list,
                errback=self.list_failed,
                cb_kwargs={"column": column, "page": page + 1},
                meta={"dgportal_kind": "list", "dgportal_column": column.id},
            )

    def article_request(self, url: str, column: Column) -> scrapy.Request:
        """Article answers other than 200 reach :meth:`parse_article` too: a 304, 404 or an
        off-site redirect means something to the archive (unchanged, withdrawn)."""
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"column": column},
            meta={
                "dgportal_kind": "article",
                "dgportal_column": column.id,
                "handle_httpstatus_list": ARTICLE_STATUSES,
                "dont_redirect": True,
            },
        )

    def parse_article(self, response: Response, column: Column) -> Iterator[Any]:
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = response.urljoin(location.decode("latin-1"))
            hops = response.meta.get("dgportal_redirects", 0)
            if urlsplit(target).hostname in self.allowed_domains and hops < MAX_REDIRECTS:
                request = self.article_request(target, column)
                request.meta["dgportal_redirects"] = hops + 1
                yield request
                return
        yield FetchedPage(
            url=response.url,
            site=self.profile.name,
            column=column.id,
            column_name=column.name,
            template=column.template,
            status=response.status,
            headers=_str_headers(response),
            body=response.body,
            fetched_at=response.meta.get("dgportal_fetched_at"),
            meta={k: v for k, v in response.meta.items() if k == "dgportal_warc"},
        )

    def list_failed(self, failure: Failure) -> None:
        self._failed(failure, "list")

    def article_failed(self, failure: Failure) -> None:
        self._failed(failure, "article")

    def _failed(self, failure: Failure, kind: str) -> None:
        request = failure.request  # type: ignore[attr-defined]
        column = request.meta.get("dgportal_column", "?")
        reason = _failure_reason(failure)
        inc(self.crawler.stats, column_key(column, f"{kind}_failed"))
        if kind == "article":
            inc(self.crawler.stats, "dgportal/failed")
        inc(self.crawler.stats, f"dgportal/failed/{kind}/{reason}")
        hint = CHALLENGE_HINTS.get(reason, "")
        logger.error("%s page %s (column %s) failed: %s%s", kind, request.url, column, reason, hint)


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


def spider_class_for(site: str) -> type[ColumnSpider]:
    """The spider of a built-in site, or a plain column spider named after a user's profile."""
    from dgportal_crawler.spiders.houjie import HoujieSpider

    known: dict[str, type[ColumnSpider]] = {HoujieSpider.name: HoujieSpider}
    return known.get(site) or type(f"{site.title()}Spider", (ColumnSpider,), {"name": site, "site": site})
