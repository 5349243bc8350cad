"""A real redis-server on a free loopback port, and the distributed crawl's processes
(``dgportal crawl … --redis`` and ``dgportal worker``) as a user starts them."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from redis import Redis
from redis.exceptions import RedisError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.test import get_reactor_settings

from dgportal_crawler.distributed.crawlinfo import CrawlInfo
from dgportal_crawler.profile import builtin_profile_path

SITE = "houjie"
RUN_ID = "20260101T000000Z-abcdef"
REPLICA_URL = "http://127.0.0.1:8800/"


def houjie_info(base_url: str = REPLICA_URL, run_id: str = RUN_ID, **fields: object) -> CrawlInfo:
    """A crawl of the built-in houjie profile as a coordinator describes it in Redis."""
    path = builtin_profile_path(SITE)
    values: dict = {"crawl_id": run_id, **fields}
    return CrawlInfo(site=SITE, run_id=run_id, base_url=base_url, profile_source=str(path),
                     profile_text=path.read_text(encoding="utf-8"), **values)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a fresh redis-server, stopped afterwards."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed (.ci/run installs it with apt-get)"
    for _ in range(5):  # another process may take the free port before redis-server binds it
        port = free_port()
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis(port=port, socket_connect_timeout=1)
        try:
            wait_until(lambda c=client: _pings(c), "redis-server answering", limit=10, procs=[proc])
        except AssertionError:
            proc.kill()
            proc.wait()
            continue
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            client.close()
            proc.terminate()
            proc.wait(timeout=10)
        return
    raise AssertionError("could not start redis-server")


@contextlib.contextmanager
def redis_for_test(folder: Path) -> Iterator[str]:
    """:func:`redis_server` for a test; without redis-server the test is skipped (failed on CI)."""
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (.ci/run installs it with apt-get)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder.mkdir(parents=True, exist_ok=True)
    with redis_server(folder) as url:
        yield url


def _pings(client: Redis) -> bool:
    try:
        return bool(client.ping())
    except RedisError:  # not listening yet
        return False


def wait_until(condition: Callable[[], bool], what: str, limit: float = 120,
               procs: list[subprocess.Popen] | tuple = ()) -> None:
    """Poll ``condition`` until it holds; every process in ``procs`` must still be running."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        for proc in procs:
            assert proc.poll() is None, f"{proc.args} ended (code {proc.returncode}) before {what}"
        time.sleep(0.02)
    raise AssertionError(f"not {what} within {limit}s")


class Proc:
    """A dgportal command in the background, its output in a file."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log = log
        self._out: IO[bytes] = log.open("wb")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.popen = subprocess.Popen([sys.executable, "-m", "dgportal_crawler", *args],
                                      stdin=subprocess.DEVNULL, stdout=self._out,
                                      stderr=subprocess.STDOUT, env=env)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def wait(self, timeout: float = 120) -> int:
        try:
            return self.popen.wait(timeout=timeout)
        finally:
            self._out.close()

    def kill(self) -> None:
        os.kill(self.popen.pid, signal.SIGKILL)
        self.wait()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.wait()


def worker(redis_url: str, name: str, folder: Path, *extra: str) -> Proc:
    return Proc(["worker", "--redis", redis_url, "--name", name, "-s", "LOG_LEVEL=INFO", *extra],
                folder / f"worker-{name}.log")


def coordinator(redis_url: str, out: Path, base_url: str, *extra: str, log: str = "coordinator") -> Proc:
    return Proc(["crawl", SITE, "--redis", redis_url, "--base-url", base_url, "--out", str(out),
                 "--progress", "off", *extra], out.parent / f"{log}.log")


def lines_of(out: Path) -> list[dict]:
    files = sorted((out / SITE / "articles").glob("*/*.jsonl"))
    return [json.loads(raw) for f in files for raw in f.read_bytes().splitlines()]


def complete_lines(out: Path) -> int:
    return sum(f.read_bytes().count(b"\n") for f in (out / SITE / "articles").glob("*/*.jsonl"))


def reports_of(out: Path) -> list[dict]:
    paths = sorted((out / SITE / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def fetched_by(report: dict) -> dict[str, int]:
    prefix = "dgportal/distributed/fetched_by/"
    return {k.removeprefix(prefix): v for k, v in report["totals"].items() if k.startswith(prefix)}


def verify(site_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dgportal_crawler", "verify", str(site_dir)],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def crawler_from(spidercls: type[Spider], settings: Settings, **spider_kwargs: Any) -> Crawler:
    """A crawler of ``settings`` as a command builds them (priorities kept), its spider made
    before its extensions like ``Crawler.crawl`` (see tests/crawlers.py)."""
    settings = settings.copy()
    settings.setdict(get_reactor_settings(), priority="cmdline")
    crawler = Crawler(spidercls, settings)
    crawler.spider = crawler._create_spider(**spider_kwargs)
    crawler._apply_settings()
    return crawler


class IdleEngine:
    """The three things our distributed components ask of Scrapy's engine, for unit tests
    without a running reactor (``ExecutionEngine`` only opens a spider under one; the crawls
    in test_distributed_crawl.py run the real engine): its scheduler, ``crawl`` (which, like
    ``ExecutionEngine._schedule_request``, hands the request to the scheduler), and whether
    it is busy."""

    def __init__(self, scheduler: Any, busy: bool = True) -> None:
        self.scheduler = scheduler
        self.busy = busy
        self.dropped: list[Any] = []

    def crawl(self, request: Any) -> None:
        if not self.scheduler.enqueue_request(request):
            self.dropped.append(request)

    def needs_backout(self) -> bool:
        return False

    def spider_is_idle(self) -> bool:
        return not self.busy
