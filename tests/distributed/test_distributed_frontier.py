"""The frontier's leases and results, against a real redis-server: what scrapy-redis's pop
does not do (a popped request survives its worker), and what the coordinator acks."""

from __future__ import annotations

import time

import pytest
from distributed_helpers import wait_until
from redis import Redis

from dgportal_crawler.distributed.frontier import Frontier
from dgportal_crawler.distributed.keys import CrawlKeys
from dgportal_crawler.distributed.messages import Exchange, Result
from dgportal_crawler.distributed.politeness import _ACQUIRE, budget

KEYS = CrawlKeys("houjie")


@pytest.fixture
def server(redis_url: str) -> Redis:
    return Redis.from_url(redis_url)


def queue(server: Redis, **requests: int) -> None:
    """Requests as scrapy-redis's PriorityQueue keeps them: score = -priority."""
    server.zadd(KEYS.requests, {name.encode(): -priority for name, priority in requests.items()})


def test_a_lease_takes_the_best_request_and_one_result_ends_it(server):
    frontier = Frontier(server, KEYS, lease_seconds=30)
    queue(server, low=0, high=5)
    assert frontier.lease("w1:1") == b"high"
    assert frontier.outstanding().queued == 1 and frontier.outstanding().leased == 1
    assert frontier.complete("w1:1", "r1", b"answer")
    assert not frontier.complete("w1:1", "r2", b"the same answer again"), "one result per lease"
    assert server.lrange(KEYS.results, 0, -1) == [b"r1"]
    assert frontier.outstanding().leased == 0


def test_an_expired_lease_is_queued_again_and_its_late_result_refused(server):
    frontier = Frontier(server, KEYS, lease_seconds=0.2)
    queue(server, page=3)
    assert frontier.lease("dead:1") == b"page"
    assert frontier.reap() == 0, "not expired yet"
    wait_until(lambda: frontier.reap() == 1, "the lease expired and was reaped", limit=5)
    assert server.zrange(KEYS.requests, 0, -1, withscores=True) == [(b"page", -3.0)]
    assert not frontier.complete("dead:1", "late", b"too late"), "the request belongs to the queue again"
    assert frontier.lease("alive:1") == b"page"
    assert frontier.complete("alive:1", "r", b"answer")
    assert frontier.outstanding().results == 1 and not frontier.outstanding().queued


def test_renewed_leases_do_not_expire_and_released_ones_go_back(server):
    frontier = Frontier(server, KEYS, lease_seconds=0.3)
    queue(server, a=0, b=0)
    assert frontier.lease("w:1") and frontier.lease("w:2")
    for _ in range(4):
        time.sleep(0.15)
        frontier.renew(["w:1", "w:2"])
        assert frontier.reap() == 0
    assert frontier.release(["w:1", "w:2"]) == 2
    assert frontier.outstanding().queued == 2 and frontier.outstanding().leased == 0


def test_taken_results_wait_in_processing_until_acked_or_restored(server):
    frontier = Frontier(server, KEYS, lease_seconds=30)
    for i in range(3):
        frontier.post(f"r{i}", f"result {i}".encode())
    taken = frontier.take(2)
    assert taken == [("r0", b"result 0"), ("r1", b"result 1")], "oldest first"
    assert frontier.outstanding().results == 1
    frontier.ack(["r0"])
    assert frontier.restore() == 1, "r1 was taken and never acked (a coordinator died)"
    assert [rid for rid, _ in frontier.take(10)] == ["r1", "r2"], "the restored one comes first"
    frontier.ack(["r1", "r2"])
    assert not frontier.outstanding() and server.hlen(KEYS.result_data) == 0


def test_a_result_survives_the_trip_through_redis(server):
    exchange = Exchange("http://x/a", "GET", [("User-Agent", "ua")], b"", 200, "OK",
                        [("Content-Type", "text/html")], "正文".encode())
    result = Result("w1", b"queued", [exchange], "2026-01-01T00:00:00Z", url="http://x/a", status=200,
                    headers=[(b"Content-Type", [b"text/html"])], body="正文".encode(),
                    extracted={"error": "no body"})
    back = Result.loads(result.dumps())
    assert back == result and not back.is_capture
    assert back.response_headers()[b"Content-Type"] == b"text/html"


def test_the_politeness_budget_spaces_grants_in_redis_time(server):
    acquire = server.register_script(_ACQUIRE)
    keys = ["dgportal:polite:h:next", "dgportal:polite:h:busy"]
    assert acquire(keys=keys, args=[300, 2, "w1:1", 60000]) == 0, "the first request goes at once"
    wait = acquire(keys=keys, args=[300, 2, "w2:1", 60000])
    assert 0 < wait <= 300, "the next one, from any worker, waits out the delay"
    server.delete(keys[0])
    assert acquire(keys=keys, args=[0, 2, "w2:1", 60000]) == 0
    assert acquire(keys=keys, args=[0, 2, "w3:1", 60000]) > 0, "two in flight already"


@pytest.mark.parametrize(("fetch", "expected"), [
    ({"DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 16}, None),  # the replica: unthrottled
    ({"DOWNLOAD_DELAY": 1.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 2, "AUTOTHROTTLE_ENABLED": True,
      "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0}, (1.0, 1)),  # the real site's profile
    ({"DOWNLOAD_DELAY": 0.25, "CONCURRENT_REQUESTS_PER_DOMAIN": 4}, (0.25, 4)),
])
def test_budget_follows_the_profile(fetch, expected):
    assert budget(fetch) == expected
