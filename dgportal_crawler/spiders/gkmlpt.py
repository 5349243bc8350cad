"""The disclosure-platform route: a column on template ``gkmlpt`` reads the platform's list
API page by page (``<list URL>?page=N``, JSON) instead of HTML lists, and fetches each detail
page as an article. A later page that answers 404 while page 1 worked ends the column
cleanly (a quirk reported for the real API): counted and logged once, not an error.
Navigation only: the API is read by :func:`dgportal_crawler.extract.gkmlpt.parse_api`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.extract.gkmlpt import parse_api
from dgportal_crawler.profile import Column
from dgportal_crawler.stats import (
    GKMLPT_END_404,
    GKMLPT_ROUTE,
    LIST_END,
    LIST_FAILED,
    LIST_PAGES,
    META_COLUMN,
    META_KIND,
    column_key,
    failure_key,
    inc,
)

logger = logging.getLogger(__name__)



class GkmlptRoute:
    """Mixed into :class:`ColumnSpider` (``run``, ``crawler``, ``_listed`` of the feed route)."""

    def api_request(self, column: Column, page: int, seen: int = 0) -> scrapy.Request:
        url = f"{self.run.profile.list_url(column)}?page={page}"  # type: ignore[attr-defined]
        return scrapy.Request(url, callback=self.parse_api, errback=self.api_failed,
                              cb_kwargs={"column": column, "page": page, "seen": seen},
                              meta={META_KIND: "list", META_COLUMN: column.id})

    def parse_api(self, response: Response, column: Column, page: int, seen: int) -> Iterator[Any]:
        stats = self.crawler.stats  # type: ignore[attr-defined]
        inc(stats, column_key(column.id, LIST_PAGES))
        try:
            api = parse_api(response.body, response.url)
        except ExtractionError as exc:
            inc(stats, column_key(column.id, LIST_FAILED))
            inc(stats, failure_key("list/unreadable"))
            logger.error("API page %s of column %s is unreadable: %s", response.url, column.id, exc)
            return
        if page == 1:
            inc(stats, column_key(column.id, GKMLPT_ROUTE))
        for entry in api.entries:
            yield from self._listed(entry.url, entry.date, column)  # type: ignore[attr-defined]
        seen += len(api.entries)
        # the platform says how many posts the category has; page on until they are all seen
        if api.entries and seen < api.post_count:
            yield self.api_request(column, page + 1, seen)
        else:
            inc(stats, column_key(column.id, LIST_END))

    def api_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        column: Column = request.cb_kwargs["column"]
        response = getattr(failure.value, "response", None)
        if request.cb_kwargs["page"] > 1 and response is not None and response.status == 404:
            stats = self.crawler.stats  # type: ignore[attr-defined]
            inc(stats, column_key(column.id, GKMLPT_END_404))
            inc(stats, column_key(column.id, LIST_END))  # the list was read to where the API ends
            logger.info("column %s: API page %d answered 404 after page 1 worked; the column ends here",
                        column.id, request.cb_kwargs["page"])
            return
        self.list_failed(failure)  # type: ignore[attr-defined]
