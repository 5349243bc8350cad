"""What a user gets wrong, or cannot do now, with --redis and dgportal worker: one line and the
project's exit codes (2 usage, 3 try later, 143 terminated), nothing crawled."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
from distributed_helpers import coordinator, free_port, wait_until
from redis import Redis

from dgportal_crawler.distributed.keys import CRAWLS, CrawlKeys


def dgportal(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dgportal_crawler", *args], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_an_unreachable_redis_is_try_later_and_a_bad_url_a_usage_error(replica_server, tmp_path):
    gone = f"redis://127.0.0.1:{free_port()}/0"
    result = dgportal("crawl", "houjie", "--base-url", replica_server.base_url, "--out", str(tmp_path),
                      "--redis", gone)
    assert result.returncode == 3, result.stderr
    assert "cannot reach Redis" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "houjie" / "articles").exists()
    assert dgportal("worker", "--redis", gone).returncode == 3
    bad = dgportal("worker", "--redis", "http://not-redis/")
    assert bad.returncode == 2 and "--redis" in bad.stderr


def test_a_worker_with_no_crawl_to_join_and_no_wait_is_try_later(redis_url):
    result = dgportal("worker", "--redis", redis_url, "--no-wait")
    assert result.returncode == 3
    assert "no crawl is running" in result.stderr


@pytest.mark.slow
def test_one_coordinator_per_site_and_an_unfinished_crawl_is_not_mixed_with_another(redis_url, replica_server,
                                                                                       tmp_path):
    server = Redis.from_url(redis_url)
    first = coordinator(redis_url, tmp_path / "a", replica_server.base_url)  # no worker: it waits
    try:
        wait_until(lambda: server.zcard(CrawlKeys("houjie").requests) > 0, "the start requests queued",
                   procs=[first.popen])
        assert server.smembers(CRAWLS) == {b"houjie"}
        second = dgportal("crawl", "houjie", "--base-url", replica_server.base_url,
                          "--out", str(tmp_path / "b"), "--redis", redis_url)
        assert second.returncode == 3, second.stderr
        assert f"another coordinator (pid {first.pid}" in second.stderr
        first.popen.send_signal(signal.SIGTERM)
        assert first.wait() == 143
    finally:
        first.stop()
    # stopped, not finished: Redis keeps the crawl for the same command to continue
    assert server.hget(CrawlKeys("houjie").crawl, "status") == b"running"
    other = dgportal("crawl", "houjie", "--base-url", replica_server.base_url, "--out", str(tmp_path / "a"),
                     "--redis", redis_url, "--columns", "czjs")
    assert other.returncode == 2
    assert "unfinished crawl of houjie with other arguments" in other.stderr
