"""The crawl as Redis describes it (:mod:`dgportal_crawler.distributed.crawlinfo`), against a
real redis-server: published, read back, finished; and the coordinator's heartbeat that keeps
a second coordinator out but lets a restarted one in."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from distributed_helpers import REPLICA_URL, houjie_info
from redis import Redis

from dgportal_crawler.distributed import crawlinfo
from dgportal_crawler.distributed.crawlinfo import FINISHED, FINISHED_TTL, RUNNING
from dgportal_crawler.distributed.keys import CRAWLS, CrawlKeys
from dgportal_crawler.profile import builtin_profile_path, load_profile

KEYS = CrawlKeys("houjie")
ME = {"host": socket.gethostname(), "pid": os.getpid()}


@pytest.fixture
def server(redis_url: str) -> Redis:
    return Redis.from_url(redis_url)


def dead_pid() -> int:
    """The pid of a process of ours that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# -- the description -------------------------------------------------------------------------
def test_a_workers_profile_is_the_coordinators_file_on_the_crawls_base_url():
    info = houjie_info(base_url=REPLICA_URL)
    profile = info.profile()
    on_disk = load_profile("houjie")
    assert profile.name == "houjie" and profile.sha256 == on_disk.sha256
    assert profile.sha256 == hashlib.sha256(info.profile_text.encode("utf-8")).hexdigest()
    assert profile.base_url == on_disk.with_base_url(REPLICA_URL).base_url != on_disk.base_url
    assert [c.id for c in profile.columns] == [c.id for c in on_disk.columns]


@pytest.mark.parametrize(("change", "same"), [
    ({"base_url": "http://127.0.0.1:9999/"}, False),
    ({"profile_text": "# edited\n" + builtin_profile_path("houjie").read_text(encoding="utf-8")}, False),
    ({"arguments": {"columns": "czjs"}}, False),
    ({"arguments": {"since": "2024-01-01"}}, False),
    ({"arguments": {"until": "2024-12-31"}}, False),
    ({"arguments": {"mode": "resume"}}, True),  # a restart with --resume continues it
    ({"run_id": "20260102T000000Z-123456", "crawl_id": "other"}, True),
    ({"lease_seconds": 5.0, "warc": False}, True),
])
def test_the_same_crawl_means_the_same_pages_asked_for(change, same):
    info = houjie_info()
    assert info.same_crawl(dataclasses.replace(info, **change)) is same


def test_published_it_reads_back_whole_and_workers_find_it(server):
    info = houjie_info(fetch_settings={"DOWNLOAD_DELAY": 0.0}, arguments={"columns": None, "mode": "full"})
    info.publish(server)
    assert crawlinfo.read(server, "houjie") == (RUNNING, info)
    assert server.hget(KEYS.crawl, "crawl_id") == info.crawl_id.encode()
    assert server.smembers(CRAWLS) == {b"houjie"}
    assert server.ttl(KEYS.crawl) == -1, "a running crawl's description never expires"
    assert crawlinfo.running(server) == [info]
    assert crawlinfo.still_running(server, info)


def test_nothing_or_a_hash_without_a_description_reads_as_no_crawl(server):
    assert crawlinfo.read(server, "houjie") is None
    server.hset(KEYS.crawl, "status", RUNNING)
    assert crawlinfo.read(server, "houjie") is None
    assert crawlinfo.running(server) == []


def test_finished_the_work_is_gone_and_the_description_stays_a_day_for_late_workers(server):
    info = houjie_info()
    info.publish(server)
    for key in KEYS.work_keys():
        server.set(key, "leftover")
    info.finish(server)
    assert crawlinfo.read(server, "houjie") == (FINISHED, info)
    assert 0 < server.ttl(KEYS.crawl) <= FINISHED_TTL
    assert server.exists(*KEYS.work_keys()) == 0
    assert server.smembers(CRAWLS) == set() and crawlinfo.running(server) == []
    assert not crawlinfo.still_running(server, info)
    info.publish(server)  # the next crawl of the site
    assert server.ttl(KEYS.crawl) == -1


def test_running_lists_every_running_site_in_order(server):
    houjie = houjie_info()
    other = dataclasses.replace(houjie, site="dongcheng")
    houjie.publish(server)
    other.publish(server)
    assert [c.site for c in crawlinfo.running(server)] == ["dongcheng", "houjie"]
    other.finish(server)
    assert crawlinfo.running(server) == [houjie]


def test_a_worker_of_an_earlier_crawl_learns_that_a_new_one_replaced_it(server):
    first = houjie_info()
    first.publish(server)
    dataclasses.replace(first, run_id="20260102T000000Z-123456", crawl_id="20260102T000000Z-123456").publish(server)
    assert not crawlinfo.still_running(server, first)


def test_the_profile_text_is_the_file_it_was_read_from(tmp_path: Path):
    builtin = load_profile("houjie")
    assert crawlinfo.profile_text(builtin) == builtin_profile_path("houjie").read_text(encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text("# my copy\n" + builtin_profile_path("houjie").read_text(encoding="utf-8"), encoding="utf-8")
    assert crawlinfo.profile_text(load_profile(mine)).startswith("# my copy\n")
    # a source that is no file (a zipped install): the built-in profile of that name
    assert crawlinfo.profile_text(dataclasses.replace(builtin, source="houjie")) == crawlinfo.profile_text(builtin)


def test_a_profile_file_changed_after_it_was_loaded_is_refused(tmp_path: Path):
    mine = tmp_path / "mine.toml"
    mine.write_text(builtin_profile_path("houjie").read_text(encoding="utf-8"), encoding="utf-8")
    profile = load_profile(mine)
    mine.write_text("# edited meanwhile\n" + mine.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"changed while the crawl was starting"):
        crawlinfo.profile_text(profile)


# -- the heartbeat ---------------------------------------------------------------------------
def test_the_first_coordinator_claims_the_site_and_a_second_is_told_who_holds_it(server):
    assert crawlinfo.claim(server, "houjie", "run-1", ttl=10) is None
    assert json.loads(server.get(KEYS.coordinator)) == {**ME, "run_id": "run-1"}
    assert 0 < server.pttl(KEYS.coordinator) <= 10_000
    assert crawlinfo.claim(server, "houjie", "run-2", ttl=10) == {**ME, "run_id": "run-1"}
    assert json.loads(server.get(KEYS.coordinator))["run_id"] == "run-1", "the holder keeps it"
    assert crawlinfo.claim(server, "dongcheng", "run-3", ttl=10) is None, "another site is free"


def test_a_coordinator_killed_on_this_host_is_replaced_before_its_heartbeat_expires(server):
    server.set(KEYS.coordinator, json.dumps({"host": ME["host"], "pid": dead_pid(), "run_id": "killed"}), ex=60)
    assert crawlinfo.live_coordinator(server, "houjie") is None
    assert crawlinfo.claim(server, "houjie", "run-2", ttl=10) is None
    assert json.loads(server.get(KEYS.coordinator)) == {**ME, "run_id": "run-2"}


def test_a_coordinator_on_another_host_counts_as_live_until_its_heartbeat_expires(server):
    elsewhere = {"host": "another-machine", "pid": dead_pid(), "run_id": "there"}
    server.set(KEYS.coordinator, json.dumps(elsewhere), ex=60)
    assert crawlinfo.claim(server, "houjie", "run-2", ttl=10) == elsewhere


def test_beating_renews_the_heartbeat_and_stopping_clears_it(server):
    crawlinfo.beat(server, "houjie", "run-1", ttl=2.5)
    assert 0 < server.pttl(KEYS.coordinator) <= 2500
    assert crawlinfo.live_coordinator(server, "houjie") == {**ME, "run_id": "run-1"}
    crawlinfo.stop_beating(server, "houjie")
    assert not server.exists(KEYS.coordinator)
    assert crawlinfo.live_coordinator(server, "houjie") is None
