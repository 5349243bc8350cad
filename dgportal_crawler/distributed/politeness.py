"""Politeness for the whole crawl, not per worker: a budget per host kept in Redis.

On one machine Scrapy's download slot keeps ``DOWNLOAD_DELAY`` between two requests to a
host and at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` in flight. This downloader middleware
keeps the same two limits across every worker of every crawl on the Redis: before a
request goes out it asks one Lua script, in Redis's own clock, whether the host's next
slot has come and a place in flight is free, and waits otherwise. So ten workers are no
ruder to a host than one. The limits are the coordinator's (the profile's politeness, or
``-s`` on ``dgportal crawl``), shipped in the crawl's description (:func:`budget`); a
delay of 0 (the replica on a loopback address) leaves the host unthrottled, as on one
machine.

Where the budget applies it replaces each worker's own delay and AutoThrottle (a local
delay after the global grant would bunch requests up), and AutoThrottle's target
concurrency caps the requests in flight: the real site's profile (1 s, AutoThrottle
aiming at 1 request in flight) becomes at least 1 s between requests and 1 in flight,
across the whole crawl.
"""

from __future__ import annotations

import itertools
import logging
import math
from typing import Any
from urllib.parse import urlsplit

from redis import Redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_redis.connection import get_redis_from_settings
from twisted.internet import task

from dgportal_crawler.distributed.keys import polite_busy, polite_next
from dgportal_crawler.distributed.scheduler import crawl_info

logger = logging.getLogger(__name__)

# KEYS: next slot, in flight.  ARGV: delay ms, concurrency, token, token ttl ms.
# Returns 0 when the request may go now (the token is held), else milliseconds to wait.
_ACQUIRE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return 20 end
local ready = tonumber(redis.call('GET', KEYS[1]) or '0')
if ready > now then return ready - now end
redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
return 0
"""
def budget(fetch: dict[str, Any]) -> tuple[float, int] | None:
    """``(delay, requests in flight)`` per host for the whole crawl, from the coordinator's
    fetch settings; None when the host is unthrottled (no delay)."""
    delay = float(fetch.get("DOWNLOAD_DELAY") or 0)
    if delay <= 0:
        return None
    concurrency = int(fetch.get("CONCURRENT_REQUESTS_PER_DOMAIN") or 1)
    if fetch.get("AUTOTHROTTLE_ENABLED"):
        target = float(fetch.get("AUTOTHROTTLE_TARGET_CONCURRENCY") or 1)
        concurrency = min(concurrency, max(1, math.ceil(target)))
    return delay, max(1, concurrency)


#: Meta key of the in-flight token a request holds.
META_TOKEN = "dgportal_polite_token"


class GlobalPolitenessMiddleware:
    def __init__(self, server: Redis, delay: float, concurrency: int, token_ttl: float, owner: str) -> None:
        self.server = server
        self.delay_ms = round(delay * 1000)
        self.concurrency = max(1, concurrency)
        self.token_ttl_ms = round(token_ttl * 1000)
        self.owner = owner
        self.tokens = itertools.count(1)
        self.acquire = server.register_script(_ACQUIRE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GlobalPolitenessMiddleware:
        info = crawl_info(crawler)
        if info is None:
            raise NotConfigured
        limits = budget(info.fetch_settings)
        if limits is None:
            raise NotConfigured
        delay, concurrency = limits
        timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        owner = crawler.settings.get("DGPORTAL_WORKER_ID") or "worker"
        logger.info("global politeness: %.3f s between requests to a host, at most %d in flight, "
                    "across all workers", delay, concurrency)
        return cls(get_redis_from_settings(crawler.settings), delay, concurrency, timeout + 30, owner)

    async def process_request(self, request: Request) -> None:
        from twisted.internet import reactor  # the one Scrapy installed

        host = urlsplit(request.url).hostname or ""
        token = f"{self.owner}:{next(self.tokens)}"
        keys = [polite_next(host), polite_busy(host)]
        while True:
            wait_ms = int(self.acquire(keys=keys, args=[self.delay_ms, self.concurrency, token,
                                                         self.token_ttl_ms]))
            if wait_ms <= 0:
                break
            await maybe_deferred_to_future(task.deferLater(reactor, wait_ms / 1000))
        request.meta[META_TOKEN] = (host, token)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        held = request.meta.pop(META_TOKEN, None)
        if held is not None:
            host, token = held
            self.server.zrem(polite_busy(host), token)
