"""kill -9 mid-crawl, of a worker and of the coordinator: nothing lost, nothing stored twice.
The replica's gate holds article requests after a set number of answers, so every kill
lands while work is in flight, without sleeps."""

from __future__ import annotations

import signal

import pytest
from distributed_helpers import (
    SITE,
    complete_lines,
    coordinator,
    fetched_by,
    lines_of,
    reports_of,
    verify,
    wait_until,
    worker,
)
from redis import Redis

from dgportal_crawler.distributed.keys import CrawlKeys
from dgportal_crawler.replica import Replica, ReplicaServer
from tests.archive_helpers import assert_each_stored_once

ARTICLES = 500
LEASE = ("-s", "DGPORTAL_REDIS_LEASE_SECONDS=2")


def assert_archive_complete(out, truth):
    assert_each_stored_once((line["id"] for line in lines_of(out)), truth)
    checked = verify(out / SITE)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def leases_of(server: Redis, name: str) -> int:
    return sum(1 for lease in server.hkeys(CrawlKeys(SITE).leases) if lease.startswith(f"{name}:".encode()))


@pytest.mark.slow
def test_a_worker_killed_mid_crawl_loses_nothing_the_other_finishes(redis_url, tmp_path):
    out, redis = tmp_path / "archive", Redis.from_url(redis_url)
    with ReplicaServer(articles=ARTICLES) as server:
        truth = {a["id"]: a for a in Replica(articles=ARTICLES).ground_truth(server.origin)}
        server.gate(150)
        victim, survivor = worker(redis_url, "victim", tmp_path), worker(redis_url, "survivor", tmp_path)
        crawl = coordinator(redis_url, out, server.base_url, *LEASE)
        try:
            # 150 answers out, both workers waiting on held requests they have leased
            wait_until(lambda: server.gate_state()["answered"] >= 150 and leases_of(redis, "victim") > 0
                       and leases_of(redis, "survivor") > 0, "both workers holding leases",
                       procs=[crawl.popen, victim.popen, survivor.popen])
            victim.kill()  # counted after the kill: a lease it completed meanwhile is not requeued
            held = leases_of(redis, "victim")
            server.gate(None)
            assert crawl.wait() == 0, crawl.output()[-3000:]
            assert survivor.wait(timeout=60) == 0, survivor.output()[-3000:]
        finally:
            for proc in (crawl, victim, survivor):
                proc.stop()
    assert_archive_complete(out, truth)
    report = reports_of(out)[-1]
    assert report["totals"]["dgportal/distributed/requeued_leases"] >= held
    assert fetched_by(report).get("survivor", 0) > fetched_by(report).get("victim", 0)


@pytest.mark.slow
def test_a_worker_stopped_with_sigterm_leaves_no_lease_behind(redis_url, tmp_path):
    out, redis = tmp_path / "archive", Redis.from_url(redis_url)
    with ReplicaServer(articles=150) as server:
        server.gate(40)
        leaving, staying = worker(redis_url, "leaving", tmp_path), worker(redis_url, "staying", tmp_path)
        crawl = coordinator(redis_url, out, server.base_url)  # leases of 30 s: no expiry helps here
        try:
            wait_until(lambda: leases_of(redis, "leaving") > 0 and server.gate_state()["held"] > 0,
                       "the leaving worker holding leases", procs=[crawl.popen, leaving.popen, staying.popen])
            leaving.popen.send_signal(signal.SIGTERM)
            server.gate(None)  # a graceful stop lets the downloads in flight finish
            assert leaving.wait() == 143, leaving.output()[-3000:]
            assert leases_of(redis, "leaving") == 0, "its requests were answered or went back"
            assert crawl.wait() == 0, crawl.output()[-3000:]
            assert staying.wait(timeout=60) == 0
        finally:
            for proc in (crawl, leaving, staying):
                proc.stop()
    assert len({line["id"] for line in lines_of(out)}) == len(lines_of(out)) == 150
    assert not reports_of(out)[-1]["totals"].get("dgportal/distributed/requeued_leases")


@pytest.mark.slow
def test_a_coordinator_killed_mid_crawl_is_restarted_and_finishes_the_crawl(redis_url, tmp_path):
    out = tmp_path / "archive"
    with ReplicaServer(articles=ARTICLES) as server:
        truth = {a["id"]: a for a in Replica(articles=ARTICLES).ground_truth(server.origin)}
        server.gate(200)
        workers = [worker(redis_url, name, tmp_path) for name in ("w1", "w2")]
        first = coordinator(redis_url, out, server.base_url, *LEASE)
        try:
            wait_until(lambda: complete_lines(out) >= 150 and server.gate_state()["held"] > 0,
                       "150 lines stored and workers waiting", procs=[first.popen, *(w.popen for w in workers)])
            first.kill()
            stored_at_kill = complete_lines(out)
            server.gate(None)  # the workers go on; their results wait in Redis
            wait_until(lambda: Redis.from_url(redis_url).llen(CrawlKeys(SITE).results) > 0,
                       "results waiting for a coordinator", procs=[w.popen for w in workers])
            again = coordinator(redis_url, out, server.base_url, *LEASE, log="coordinator-again")
            assert again.wait() == 0, again.output()[-3000:]
            assert "continuing the crawl of houjie" in again.output()
            for w in workers:
                assert w.wait(timeout=60) == 0, w.output()[-3000:]
        finally:
            for proc in (first, *workers):
                proc.stop()
    assert stored_at_kill < ARTICLES
    assert_archive_complete(out, truth)
    report = reports_of(out)[-1]  # the killed run wrote none
    assert report["arguments"]["mode"] == "resume"
    assert report["totals"].get("dgportal/stored", 0) == ARTICLES - stored_at_kill
