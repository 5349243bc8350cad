"""scrapy-redis's scheduler, on both sides of the shared frontier.

The frontier is scrapy-redis's: its dupefilter (request fingerprints in a Redis set) and its
priority queue (requests encoded with ``request.to_dict``, callbacks named as spider
methods). Both schedulers keep ``SCHEDULER_PERSIST`` semantics (nothing is flushed when one
process closes); a new crawl empties the frontier when it starts (see ``crawlinfo``).

- :class:`CoordinatorScheduler` puts every request the spider makes into the frontier (so
  scrapy-redis's dupefilter decides, for every worker), and hands the engine the results
  the coordinator extension took from Redis, each as its original request.
- :class:`WorkerScheduler` pops requests from the frontier under a lease
  (:meth:`Frontier.lease`), and keeps retries and redirects of a leased request local: they
  belong to the same lease and end as the same one result.
"""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object
from scrapy.utils.request import request_from_dict
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from dgportal_crawler.distributed.crawlinfo import CrawlInfo
from dgportal_crawler.distributed.frontier import Frontier
from dgportal_crawler.distributed.names import META_FRONTIER, META_LEASE, META_RESULT

#: The setting that carries the crawl's description into a crawler (a ``CrawlInfo`` dict).
CRAWL_SETTING = "DGPORTAL_DISTRIBUTED_CRAWL"


def crawl_info(crawler: Crawler) -> CrawlInfo | None:
    data = crawler.settings.getdict(CRAWL_SETTING)
    return CrawlInfo(**data) if data else None


class _SharedFrontier(RedisScheduler):
    """scrapy-redis's scheduler with our keys, never flushed by a closing process."""

    crawler: Crawler
    frontier: Frontier

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        info = crawl_info(crawler)
        if info is None:
            raise ValueError(f"{cls.__name__} needs {CRAWL_SETTING}")
        scheduler = cls.from_settings(crawler.settings)
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.queue_key = info.keys.requests
        scheduler.dupefilter_key = info.keys.dupefilter
        scheduler.frontier = Frontier(scheduler.server, info.keys, info.lease_seconds)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider, key=self.queue_key,
                                                 serializer=self.serializer)
        self.df = load_object(self.dupefilter_cls)(self.server, key=self.dupefilter_key)

    def close(self, reason: str) -> None:
        """Other processes share the frontier: nothing is flushed here."""


class CoordinatorScheduler(_SharedFrontier):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ready: deque[Request] = deque()

    def enqueue_request(self, request: Request) -> bool:
        if META_RESULT in request.meta:
            self.ready.append(request)  # a worker's answer, back as its request
            return True
        if request.dont_filter:
            self.queue.push(request)
        # scrapy-redis's request_seen() then push() are two round trips: a kill between them
        # recorded the fingerprint of a request that was never queued, lost for good.
        elif not self.frontier.enqueue(self.df.request_fingerprint(request), -request.priority,
                                       self.queue._encode_request(request)):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        return self.ready.popleft() if self.ready else None

    def has_pending_requests(self) -> bool:
        """Pending while anything is queued, leased or answered but not yet taken: the crawl
        ends when the frontier is empty and no worker holds work."""
        return bool(self.ready) or bool(self.frontier.outstanding())

    def __len__(self) -> int:
        return len(self.ready)


class WorkerScheduler(_SharedFrontier):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.local: deque[Request] = deque()
        self.held: set[str] = set()  # leases this worker holds (renewed, released on close)
        self.worker_id = ""
        self._ids = itertools.count(1)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.worker_id = crawler.settings.get("DGPORTAL_WORKER_ID") or "worker"
        return scheduler

    def enqueue_request(self, request: Request) -> bool:
        if META_LEASE in request.meta:  # a retry or redirect: still the same lease
            self.local.append(request)
            return True
        raise RuntimeError(f"a worker makes no requests of its own: {request}")

    def next_request(self) -> Request | None:
        if self.local:
            return self.local.popleft()
        return self.lease_next()

    def lease_next(self) -> Request | None:
        """The next request of the shared frontier, under a new lease."""
        lease_id = f"{self.worker_id}:{next(self._ids)}"
        data = self.frontier.lease(lease_id)
        if data is None:
            return None
        self.held.add(lease_id)
        self.stats.inc_value("scheduler/dequeued/redis")
        return self.worker_request(data, lease_id)

    def worker_request(self, data: bytes, lease_id: str) -> Request:
        """The queued request, answered by the worker spider's ``ship_*`` methods; the queued
        bytes travel along so the coordinator gets its own request back."""
        obj = self.queue.serializer.loads(data)
        obj["callback"], obj["errback"] = "ship_response", "ship_failure"
        obj["meta"] = {**(obj.get("meta") or {}), META_LEASE: lease_id, META_FRONTIER: data}
        return request_from_dict(obj, spider=self.spider)

    def has_pending_requests(self) -> bool:
        return bool(self.local) or self.frontier.queued() > 0

    def __len__(self) -> int:
        return len(self.local)
