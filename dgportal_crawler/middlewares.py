"""Downloader middlewares: stamp each response with the time it was fetched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.misc import load_object

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def format_time(moment: dt.datetime) -> str:
    """ISO 8601 in UTC to the second, e.g. ``2026-11-25T17:30:08Z``."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class FetchTimeMiddleware:
    """Puts ``dgportal_fetched_at`` in ``response.meta``. The clock is a setting
    (``DGPORTAL_CLOCK``, a dotted path to a callable) so tests can fix it."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchTimeMiddleware:
        clock = crawler.settings.get("DGPORTAL_CLOCK") or utc_now
        return cls(load_object(clock) if isinstance(clock, str) else clock)

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta["dgportal_fetched_at"] = format_time(self.clock())
        return response
