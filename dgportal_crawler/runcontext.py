"""The run context: what one archive crawl is (profile, plan, run id), built once.

The spider builds a :class:`CrawlRun` in ``from_crawler`` (``dgportal crawl`` hands it the run
id through ``DGPORTAL_RUN_ID``); every other component reaches it through :func:`crawl_run`.
A component that finds no run (``scrapy shell``, ``scrapy fetch``, someone else's spider, or
our spider closing for bad arguments) switches itself off instead of failing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler

from dgportal_crawler.crawlplan import CrawlPlan
from dgportal_crawler.profile import Column, SiteProfile
from dgportal_crawler.stats import META_COLUMN, META_KIND, META_LISTED_URL, META_REDIRECT_CHAIN, META_REDIRECTS

#: How much of the site a run reads: see :mod:`dgportal_crawler.incremental`.
Mode = Literal["incremental", "full", "resume"]
MODES: tuple[Mode, ...] = ("incremental", "full", "resume")

#: Article answers handed to the pipelines instead of Scrapy's error handling: a 304, 404 or
#: an off-site redirect means something to the archive (unchanged, withdrawn).
ARTICLE_STATUSES = (301, 302, 303, 307, 308, 304, 404, 410)


def new_run_id(now: dt.datetime | None = None, suffix: str | None = None) -> str:
    """``20261125T173008Z-1a2b3c``: UTC start time, then 6 random hex digits; sortable by
    start time, unique across concurrent machines."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{suffix or secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class ArticleRequests:
    """Builds article requests, for the spider (listed articles) and for the incremental
    middleware (re-checks of archived articles) alike. The callbacks are the spider's; the
    factory is shared so nobody has to call the spider to make a request."""

    callback: Callable[..., Any]
    errback: Callable[..., Any]
    max_bytes: int = 0  # DGPORTAL_PAGE_MAX_BYTES; 0 = DOWNLOAD_MAXSIZE

    def article(self, url: str, column: Column, *, via: tuple[str, ...] = ()) -> Request:
        """A request for an article; ``via``: the URLs whose redirects led here, the listed one
        first. A redirect hop skips Scrapy's duplicate filter (it may lead to a page fetched
        already, another listed article): loops are caught by the spider, which counts them."""
        meta: dict[str, Any] = {
            META_KIND: "article",
            META_COLUMN: column.id,
            "handle_httpstatus_list": list(ARTICLE_STATUSES),
            "dont_redirect": True,  # redirects are judged by the archive (withdrawn?), see parse
        }
        if self.max_bytes:
            meta["download_maxsize"] = self.max_bytes
        if via:
            meta[META_REDIRECTS] = len(via)
            meta[META_REDIRECT_CHAIN] = list(via)
            meta[META_LISTED_URL] = via[0]
        return Request(url, callback=self.callback, errback=self.errback,
                       cb_kwargs={"column": column}, meta=meta, dont_filter=bool(via))


@dataclass(frozen=True, slots=True)
class CrawlRun:
    """One archive crawl: the site profile, what was asked for, and the run's id."""

    profile: SiteProfile
    plan: CrawlPlan
    run_id: str
    requests: ArticleRequests
    mode: Mode = "incremental"
    allowed_hosts: frozenset[str] = field(default=frozenset())
    job: str | None = None  # the scheduler's job id (scrapyd passes ``-a _job=…``)

    @classmethod
    def create(cls, profile: SiteProfile, plan: CrawlPlan, run_id: str, requests: ArticleRequests,
               mode: Mode = "incremental", job: str | None = None) -> CrawlRun:
        return cls(profile, plan, run_id, requests, mode,
                   frozenset({urlsplit(profile.base_url).hostname or ""}), job)

    @property
    def site(self) -> str:
        return self.profile.name

    def on_site(self, url: str) -> bool:
        return (urlsplit(url).hostname or "") in self.allowed_hosts


def crawl_run(crawler: Crawler) -> CrawlRun | None:
    """The crawl's run context, or None when this is not an archive crawl."""
    run = getattr(crawler.spider, "dgportal_run", None)
    return run if isinstance(run, CrawlRun) else None
