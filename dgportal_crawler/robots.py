"""robots.txt as RFC 9309 says, not as "anything goes when it fails".

Scrapy's own middleware allows everything when robots.txt cannot be read. RFC 9309 (2.3.1.3,
2.3.1.4): a 4xx answer means there are no rules (allow all); a 5xx answer, or no answer at
all (timeout, refused connection), means the crawler must assume complete disallow. This
middleware replaces Scrapy's with that policy, logs one line instead of a traceback, and
counts what it decided under ``dgportal/robots/…``.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

from dgportal_crawler.stats import PREFIX, inc

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
ALLOW_ALL = b""


def answer_kind(status: int) -> str:
    """RFC 9309's reading of a robots.txt answer: ``"server_error"`` (5xx, complete disallow),
    ``"absent"`` (4xx, no rules: allow all) or ``"rules"`` (parse the body)."""
    if status >= 500:
        return "server_error"
    return "absent" if status >= 400 else "rules"


def rules_to_obey(status: int, body: bytes) -> bytes:
    """The robots.txt text to obey for an answer: one policy for the crawl, ``clean`` and
    ``discover``, so they cannot disagree about the same site."""
    return {"server_error": DISALLOW_ALL, "absent": ALLOW_ALL}.get(answer_kind(status), body)


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    def _rules(self, body: bytes) -> RobotParser:
        return build_from_crawler(self._parserimpl, self.crawler, body)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status, kind = response.status, answer_kind(response.status)
        if kind == "server_error":
            logger.warning("robots.txt of %s answered HTTP %d: nothing there is fetched this run "
                           "(RFC 9309: a server error means complete disallow)", netloc, status)
        if kind != "rules":  # absent: no rules, everything is allowed
            inc(self._stats, PREFIX + "robots/" + kind)
            response = response.replace(body=rules_to_obey(status, response.body))
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        """No answer at all: complete disallow, said in one line."""
        inc(self._stats, PREFIX + "robots/unreachable")
        logger.warning("robots.txt of %s could not be fetched (%s): nothing there is fetched "
                       "this run (RFC 9309: unreachable means complete disallow)", netloc,
                       exc.__class__.__name__)
        pending = self._parsers[netloc]
        rules = self._rules(DISALLOW_ALL)
        self._parsers[netloc] = rules
        if isinstance(pending, Deferred):
            pending.callback(rules)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The rules for the request's host, fetched once; every request to that host waits
        for them (none goes out before robots.txt is read)."""
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            await self._fetch_rules(request, netloc)
        rules = self._parsers[netloc]
        return await maybe_deferred_to_future(rules) if isinstance(rules, Deferred) else rules

    async def _fetch_rules(self, request: Request, netloc: str) -> None:
        url = urlparse_cached(request)
        robots = Request(f"{url.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                         meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
        self._stats.inc_value("robotstxt/request_count")
        failures = (IgnoreRequest, OSError, *(load_object(e) if isinstance(e, str) else e
                                              for e in self.crawler.settings.getlist("RETRY_EXCEPTIONS")))
        try:
            response = await self.crawler.engine.download_async(robots)
        except failures as exc:
            self._robots_error(exc, netloc)
            return
        await self._parse_robots(response, netloc, request)
