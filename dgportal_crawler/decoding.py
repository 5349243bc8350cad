"""The downloader middleware that undoes ``Content-Encoding``, with the archive's own table.

It takes the place of Scrapy's ``HttpCompressionMiddleware`` (same position, 590), so the
codings the crawl advertises and undoes are exactly those ``reextract`` and ``clean`` undo
(:mod:`dgportal_crawler.store.content_encoding`): the two cannot drift apart. A body that
cannot be decoded (an unknown coding, damaged data, or one inflating past
``DOWNLOAD_MAXSIZE``: a compression bomb) is refused with one counted line, never handed on
as garbled text; the partly inflated buffer is dropped at once, not kept alive by the error.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.responsetypes import responsetypes

from dgportal_crawler.stats import PREFIX, inc
from dgportal_crawler.store.content_encoding import ContentEncodingError, accept_encoding, decode_body

logger = logging.getLogger(__name__)

#: Stats key prefix of bodies refused: ``dgportal/undecodable/<unknown|damaged|too_large>``.
UNDECODABLE = PREFIX + "undecodable/"


class ContentDecodingMiddleware:
    def __init__(self, crawler: Crawler, max_size: int) -> None:
        self.crawler = crawler
        self.max_size = max_size
        self.accept = accept_encoding()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentDecodingMiddleware:
        if not crawler.settings.getbool("COMPRESSION_ENABLED"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_request(self, request: Request) -> None:
        request.headers.setdefault("Accept-Encoding", self.accept)

    def process_response(self, request: Request, response: Response) -> Response:
        header = response.headers.get("Content-Encoding")
        if request.method == "HEAD" or not header:
            return response
        max_size = request.meta.get("download_maxsize", self.max_size)
        try:
            body = decode_body(header.decode("latin-1"), response.body, max_size)
        except ContentEncodingError as exc:
            reason = exc.reason
            message = f"{response.url}: body not decoded ({exc})"
        else:
            headers = response.headers.copy()
            del headers["Content-Encoding"]
            cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
            kwargs = {"encoding": None} if issubclass(cls, TextResponse) else {}
            return response.replace(cls=cls, body=body, headers=headers, **kwargs)
        # Raised outside the except block: the error's traceback (and the buffer in it) is gone.
        inc(self.crawler.stats, UNDECODABLE + reason)
        logger.warning("%s", message)
        raise IgnoreRequest(message)
