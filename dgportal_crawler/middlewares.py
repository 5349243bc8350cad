"""Downloader middlewares: stamp each response with its fetch time, and keep the raw
exchange as WARC records.

Both sit next to the downloader (priority 950), so they see every answer as it came off the
wire: before redirects are followed and before the body is decompressed.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from dgportal_crawler import config
from dgportal_crawler.clock import Clock, clock_from_settings, format_time
from dgportal_crawler.extensions.archive import ArchiveSession, open_session
from dgportal_crawler.runcontext import crawl_run
from dgportal_crawler.stats import META_FETCHED_AT, META_WARC, PREFIX, inc

logger = logging.getLogger(__name__)

#: Requests of ours moved to the origin being crawled now (e.g. restored from a job folder).
REBASED = PREFIX + "requests_rebased"


class FetchTimeMiddleware:
    """Puts the fetch time (``META_FETCHED_AT``) in ``response.meta``."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchTimeMiddleware:
        return cls(clock_from_settings(crawler.settings))

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[META_FETCHED_AT] = format_time(self.clock())
        return response


#: Hop-by-hop framing the HTTP client has already undone; the stored body is de-chunked.
_FRAMING_HEADERS = frozenset({b"transfer-encoding"})


def _header_pairs(headers: object) -> list[tuple[str, str]]:
    return [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in headers.items()  # type: ignore[attr-defined]
        if key.lower() not in _FRAMING_HEADERS
        for value in values
    ]


class WarcCaptureMiddleware:
    """Writes every request/response pair (robots.txt, list pages, articles) to the run's
    WARC files and puts the reference in ``response.meta`` (``META_WARC``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        if not config.get_bool(crawler.settings, "DGPORTAL_WARC"):
            raise NotConfigured("DGPORTAL_WARC is off")
        if crawler.get_extension(ArchiveSession) is None:
            raise NotConfigured  # not an archive crawl: nowhere to write
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        session = open_session(self.crawler)
        if session is None or session.warc is None:
            return response
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        ref = session.warc.write_exchange(
            response.url, request.method, _header_pairs(request.headers), request.body or b"",
            response.status, reason, _header_pairs(response.headers), response.body,
        )
        request.meta[META_WARC] = ref.to_dict()
        return response


class SiteBoundsMiddleware:
    """Only ``http``/``https`` requests to the profile's hosts, at the profile's port, ever
    reach the downloader, whatever a page, a redirect or a saved job says.

    - another scheme (``file:``, ``ftp:``, ``data:`` …) or another host: refused
      (``IgnoreRequest``, counted under ``dgportal/refused/<scheme|offsite>``); the request's
      errback counts it for its column, so nothing is lost silently;
    - the profile's host at another port or scheme: moved to the profile's (counted under
      ``dgportal/requests_rebased``). This is also what lets ``--resume`` continue after the
      site moved (the replica's new port): the saved requests follow the present.
    """

    def __init__(self, crawler: Crawler, base_url: str, hosts: frozenset[str]) -> None:
        self.crawler = crawler
        self.base = urlsplit(base_url)
        self.hosts = hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBoundsMiddleware:
        run = crawl_run(crawler)
        if run is None:
            raise NotConfigured
        return cls(crawler, run.profile.base_url, run.allowed_hosts)

    def process_request(self, request: Request) -> Request | None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            self._refuse(request, "scheme", f"scheme {parts.scheme!r} is never fetched")
        if (parts.hostname or "") not in self.hosts:
            self._refuse(request, "offsite", f"host {parts.hostname!r} is not the site's")
        if (parts.scheme, parts.netloc) == (self.base.scheme, self.base.netloc):
            return None
        inc(self.crawler.stats, REBASED)
        return request.replace(url=urlunsplit(parts._replace(scheme=self.base.scheme,
                                                             netloc=self.base.netloc)))

    def _refuse(self, request: Request, why: str, message: str) -> None:
        inc(self.crawler.stats, f"{PREFIX}refused/{why}")
        # the errback counts the failure by its type (IgnoreRequest): the log says why
        logger.warning("refused %s: %s", request.url[:200], message)
        raise IgnoreRequest(f"refused {request.url[:200]}: {message}")
