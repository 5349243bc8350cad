"""The shared frontier with leases: what scrapy-redis does not do, in a few Lua scripts.

scrapy-redis keeps requests in a sorted set (``PriorityQueue``): its ``pop`` removes the
request from Redis in one ``MULTI`` and from then on it lives only in the memory of the
process that popped it. Its fingerprint stays in the dupefilter, so if that process dies
the request is never crawled again. Here a worker's pop moves the request, in the same
atomic script, into a **lease** with an expiry in Redis time; the worker renews its leases
while it lives; the coordinator puts expired leases back on the queue. A worker hands in
its result in one script that also deletes the lease, and a result whose lease was
already taken back is refused, so every request ends as exactly one result.

Results wait in a list for the coordinator, which moves each into ``processing`` when it
takes it and acks it once its effects are on disk; a restarted coordinator puts the
unacked ones back (processing them twice is harmless: see :mod:`.coordinator`).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from redis import Redis
from redis.exceptions import RedisError

from dgportal_crawler.distributed.keys import CrawlKeys

logger = logging.getLogger(__name__)
#: Seconds between two warnings that Redis is not answering.
WARN_EVERY = 10.0
_F = TypeVar("_F", bound=Callable[..., Any])

# KEYS: queue, leases, expiry.  ARGV: lease id, lease seconds.  Returns the request or nil.
_LEASE = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local t = redis.call('TIME')
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '|' .. r[1])
redis.call('ZADD', KEYS[3], t[1] + t[2] / 1e6 + tonumber(ARGV[2]), ARGV[1])
return r[1]
"""
# KEYS: leases, expiry, results, data.  ARGV: lease id, result id, result.  1 = accepted.
_COMPLETE = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
redis.call('LPUSH', KEYS[3], ARGV[2])
return 1
"""
# KEYS: expiry.  ARGV: lease seconds, lease ids…  Only leases still held are renewed (XX).
_RENEW = """
local t = redis.call('TIME')
local deadline = t[1] + t[2] / 1e6 + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', deadline, ARGV[i]) end
return #ARGV - 1
"""
_REQUEUE = """
local function requeue(id)
  local v = redis.call('HGET', KEYS[2], id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
  if not v then return 0 end
  local sep = string.find(v, '|', 1, true)
  redis.call('ZADD', KEYS[1], string.sub(v, 1, sep - 1), string.sub(v, sep + 1))
  return 1
end
"""
# KEYS: queue, leases, expiry.  ARGV: lease ids.  Gives leases back (a worker leaving).
_RELEASE = _REQUEUE + """
local n = 0
for i = 1, #ARGV do n = n + requeue(ARGV[i]) end
return n
"""
# KEYS: queue, leases, expiry.  Puts every expired lease back on the queue.
_REAP = _REQUEUE + """
local t = redis.call('TIME')
local n = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', t[1] + t[2] / 1e6)) do
  n = n + requeue(id)
end
return n
"""
# KEYS: queue, dupefilter.  ARGV: fingerprint, score, request.  1 = queued, 0 = seen before.
# One script, so a coordinator killed mid-way cannot leave a fingerprint recorded for a request
# that never reached the queue (the request would be filtered for good). The queue is written
# first: if that fails, the fingerprint is not recorded either and the request can come again.
_ENQUEUE = """
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""
# KEYS: results, data, processing.  ARGV: how many.  Returns {id, result, id, result …}.
_TAKE = """
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local id = redis.call('RPOP', KEYS[1])
  if not id then break end
  redis.call('SADD', KEYS[3], id)
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
end
return out
"""
# KEYS: results, processing.  Unacked results go back to the front of the line.
_RESTORE = """
local ids = redis.call('SMEMBERS', KEYS[2])
for _, id in ipairs(ids) do redis.call('RPUSH', KEYS[1], id) end
redis.call('DEL', KEYS[2])
return #ids
"""


@dataclass(frozen=True, slots=True)
class Outstanding:
    """Work not yet done, as Redis sees it."""

    queued: int
    leased: int
    results: int

    def __bool__(self) -> bool:
        return bool(self.queued or self.leased or self.results)


class Frontier:
    """The Redis side of one crawl's work: leases for workers, results for the coordinator."""

    def __init__(self, server: Redis, keys: CrawlKeys, lease_seconds: float) -> None:
        self.server = server
        self.keys = keys
        self.lease_seconds = lease_seconds
        self._lease = server.register_script(_LEASE)
        self._complete = server.register_script(_COMPLETE)
        self._renew = server.register_script(_RENEW)
        self._release = server.register_script(_RELEASE)
        self._reap = server.register_script(_REAP)
        self._take = server.register_script(_TAKE)
        self._restore = server.register_script(_RESTORE)
        self._enqueue = server.register_script(_ENQUEUE)

    @property
    def _lease_keys(self) -> list[str]:
        return [self.keys.requests, self.keys.leases, self.keys.lease_expiry]

    # -- coordinator: new requests ------------------------------------------------------
    def enqueue(self, fingerprint: str, score: float, data: bytes) -> bool:
        """Queue a request unless its fingerprint was seen: both or neither (see _ENQUEUE)."""
        keys = [self.keys.requests, self.keys.dupefilter]
        return bool(self._enqueue(keys=keys, args=[fingerprint, score, data]))

    # -- workers ------------------------------------------------------------------------
    def lease(self, lease_id: str) -> bytes | None:
        """Pop the next request (scrapy-redis's encoding) under a lease, or None."""
        data = self._lease(keys=self._lease_keys, args=[lease_id, self.lease_seconds])
        return data or None

    def complete(self, lease_id: str, result_id: str, result: bytes) -> bool:
        """Hand in a result and end its lease; False when the lease was already taken back
        (the request is queued again and this result must be forgotten)."""
        keys = [self.keys.leases, self.keys.lease_expiry, self.keys.results, self.keys.result_data]
        return bool(self._complete(keys=keys, args=[lease_id, result_id, result]))

    def post(self, result_id: str, result: bytes) -> None:
        """A result that answers no lease (a robots.txt capture)."""
        with self.server.pipeline() as pipe:
            pipe.hset(self.keys.result_data, result_id, result)
            pipe.lpush(self.keys.results, result_id)
            pipe.execute()

    def renew(self, lease_ids: Iterable[str]) -> None:
        ids = list(lease_ids)
        if ids:
            self._renew(keys=[self.keys.lease_expiry], args=[self.lease_seconds, *ids])

    def release(self, lease_ids: Iterable[str]) -> int:
        ids = list(lease_ids)
        return int(self._release(keys=self._lease_keys, args=ids)) if ids else 0

    def queued(self) -> int:
        return int(self.server.zcard(self.keys.requests))

    # -- the coordinator ----------------------------------------------------------------
    def reap(self) -> int:
        """Put every expired lease back on the queue; how many."""
        return int(self._reap(keys=self._lease_keys))

    def take(self, limit: int) -> list[tuple[str, bytes]]:
        """Up to ``limit`` results, oldest first, each now in ``processing`` until acked."""
        flat = self._take(keys=[self.keys.results, self.keys.result_data, self.keys.processing],
                          args=[limit])
        return [(flat[i].decode("ascii"), flat[i + 1]) for i in range(0, len(flat), 2)]

    def ack(self, result_ids: Iterable[str]) -> None:
        ids = list(result_ids)
        if ids:
            with self.server.pipeline() as pipe:
                pipe.srem(self.keys.processing, *ids)
                pipe.hdel(self.keys.result_data, *ids)
                pipe.execute()

    def restore(self) -> int:
        """After a coordinator died: its unacked results go back to be taken again."""
        return int(self._restore(keys=[self.keys.results, self.keys.processing]))

    def outstanding(self) -> Outstanding:
        with self.server.pipeline(transaction=False) as pipe:
            pipe.zcard(self.keys.requests)
            pipe.hlen(self.keys.leases)
            pipe.llen(self.keys.results)
            queued, leased, results = pipe.execute()
        return Outstanding(int(queued), int(leased), int(results))

    def flush(self) -> None:
        """Empty the work of an earlier crawl of the site."""
        self.server.delete(*self.keys.work_keys())


def outlasts_redis(method: _F) -> _F:
    """For the periodic work of a worker or coordinator: a Redis that stops answering is
    warned about (every ``WARN_EVERY`` seconds) and tried again at the next tick."""
    last_warning = [0.0]

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except RedisError as exc:
            if time.monotonic() - last_warning[0] > WARN_EVERY:
                last_warning[0] = time.monotonic()
                logger.warning("Redis did not answer (%s); trying again", exc)
            return None

    return wrapper  # type: ignore[return-value]
