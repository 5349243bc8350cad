"""Every Redis key of a distributed crawl, and the only module that spells them out.

One crawl per site at a time; several sites (towns, department sites, sibling portals) can be
crawled at once through the same Redis, each with its own coordinator::

    dgportal:crawls                     set of sites with a crawl running (workers look here)
    dgportal:<site>:crawl               hash: status, info (JSON: run, profile, fetch settings)
    dgportal:<site>:coordinator         the coordinator's heartbeat (expires when it dies)
    dgportal:<site>:requests            the frontier: scrapy-redis's priority queue (zset)
    dgportal:<site>:dupefilter          scrapy-redis's request fingerprints (set)
    dgportal:<site>:leases              lease id -> "<score>|<request>" taken by a worker (hash)
    dgportal:<site>:lease-expiry        lease id -> when it expires, Redis time (zset)
    dgportal:<site>:results             ids of finished exchanges, oldest on the right (list)
    dgportal:<site>:result-data         result id -> the pickled result (hash)
    dgportal:<site>:processing          result ids the coordinator took and has not acked (set)
    dgportal:polite:<host>:next         earliest time of the next request to host (string)
    dgportal:polite:<host>:busy         requests in flight to host, token -> expiry (zset)

The politeness budget is per host, not per crawl: two sites on one host share it.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "dgportal:"
#: Sites with a crawl running.
CRAWLS = PREFIX + "crawls"


@dataclass(frozen=True, slots=True)
class CrawlKeys:
    site: str

    def _key(self, name: str) -> str:
        return f"{PREFIX}{self.site}:{name}"

    @property
    def crawl(self) -> str:
        return self._key("crawl")

    @property
    def coordinator(self) -> str:
        return self._key("coordinator")

    @property
    def requests(self) -> str:
        return self._key("requests")

    @property
    def dupefilter(self) -> str:
        return self._key("dupefilter")

    @property
    def leases(self) -> str:
        return self._key("leases")

    @property
    def lease_expiry(self) -> str:
        return self._key("lease-expiry")

    @property
    def results(self) -> str:
        return self._key("results")

    @property
    def result_data(self) -> str:
        return self._key("result-data")

    @property
    def processing(self) -> str:
        return self._key("processing")

    def work_keys(self) -> tuple[str, ...]:
        """What one crawl's work lives in: emptied when a new crawl of the site starts."""
        return (self.requests, self.dupefilter, self.leases, self.lease_expiry, self.results,
                self.result_data, self.processing)


def polite_next(host: str) -> str:
    return f"{PREFIX}polite:{host}:next"


def polite_busy(host: str) -> str:
    return f"{PREFIX}polite:{host}:busy"
