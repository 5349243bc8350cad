"""Extraction workers as processes: a worker killed mid-run, a crawl killed with its worker,
what a worker inherits, and whole crawls with and without one (real processes, real signals)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.extractworkers import ExtractionWorkers, worker_count
from dgportal_crawler.stats import EXTRACTED_IN_WORKERS, EXTRACTION_WORKER_LOST
from tests.archive_helpers import reports_of
from tests.conftest import CrawlResult, run_crawl
from tests.test_extractworkers import PROFILE, RUN_ID, extract_all, replica_pages


def test_a_killed_worker_costs_speed_not_articles(caplog) -> None:
    pages = replica_pages(12)
    expected = [article_from_page(page, PROFILE, RUN_ID).to_dict() for page in pages]
    stats = MemoryStatsCollector(get_crawler())
    workers = ExtractionWorkers(PROFILE, RUN_ID, 1, stats)
    try:
        asyncio.run(extract_all(workers, pages[:2]))
        os.kill(workers.worker_pid(), signal.SIGKILL)
        with caplog.at_level(logging.ERROR, logger="dgportal_crawler.extractworkers"):
            assert asyncio.run(extract_all(workers, pages)) == expected
    finally:
        workers.close()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "extraction worker died" in errors[0], errors
    assert stats.get_value(EXTRACTION_WORKER_LOST) == 1
    assert workers.worker_pid() is None  # no new worker: the rest run in this process


CRAWL_STAND_IN = textwrap.dedent("""
    import asyncio, sys, time
    from tests.test_extractworkers import PROFILE, RUN_ID, extract_all, replica_pages
    from dgportal_crawler.extractworkers import ExtractionWorkers
    workers = ExtractionWorkers(PROFILE, RUN_ID, 1)
    asyncio.run(extract_all(workers, replica_pages(2)))
    print(workers.worker_pid(), flush=True)
    time.sleep(120)
""")


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie nobody reaped (a container's init may not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_worker_dies_with_a_crawl_killed_by_sigkill() -> None:
    crawl = subprocess.Popen([sys.executable, "-c", CRAWL_STAND_IN], stdout=subprocess.PIPE, text=True,
                             stdin=subprocess.DEVNULL, cwd=Path(__file__).resolve().parents[1])
    try:
        worker = int(crawl.stdout.readline())
        assert alive(worker)
        crawl.kill()
        crawl.wait(timeout=30)
        deadline = time.monotonic() + 20
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(worker), f"worker {worker} outlived its crawl"
    finally:
        crawl.kill()
        crawl.stdout.close()
        crawl.wait()


def crawl_lines(out: Path, base_url: str, processes: str) -> tuple[CrawlResult, dict[str, dict]]:
    result = run_crawl(out, "houjie", "--base-url", base_url, "-s", f"DGPORTAL_EXTRACT_PROCESSES={processes}",
                       "-s", "DGPORTAL_CLOCK=fixed:2026-01-01T00:00:00Z", "-s", f"DGPORTAL_RUN_ID={RUN_ID}")
    assert result.returncode == 0, result.stderr[-3000:]
    # the WARC offsets depend on the order answers came in, which no two crawls share
    return result, {line["id"]: {k: v for k, v in line.items() if k != "warc"} for line in result.lines()}


def test_a_crawl_with_a_worker_stores_the_lines_of_a_crawl_without(replica_server, tmp_path: Path) -> None:
    _, inline = crawl_lines(tmp_path / "inline", replica_server.base_url, "0")
    result, in_worker = crawl_lines(tmp_path / "worker", replica_server.base_url, "auto")
    assert len(inline) == len(result.lines()) == 150
    assert in_worker == inline
    totals = reports_of(result.out)[-1]["totals"]
    expected = 150 if worker_count(Settings({}), cpus=None) else None  # auto: one worker on 2 CPUs
    assert totals.get(EXTRACTED_IN_WORKERS) == expected
    assert reports_of(tmp_path / "inline")[-1]["totals"].get(EXTRACTED_IN_WORKERS) is None


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/<pid>/fd")
def test_a_worker_keeps_none_of_the_crawls_connections_or_files_open(tmp_path: Path) -> None:
    """A forked worker that kept the crawl's sockets kept its connections open after the crawl
    let them go (the replica answered a client that was gone), and its archive files too."""
    archive_file = (tmp_path / "lines.jsonl").open("ab")
    listener = socket.create_server(("127.0.0.1", 0))
    connection = socket.create_connection(listener.getsockname())
    workers = ExtractionWorkers(PROFILE, RUN_ID, 1)
    try:
        asyncio.run(extract_all(workers, replica_pages(1)))
        held = {os.readlink(f"/proc/{workers.worker_pid()}/fd/{fd}")
                for fd in os.listdir(f"/proc/{workers.worker_pid()}/fd")}
        ours = {os.readlink(f"/proc/self/fd/{f.fileno()}") for f in (archive_file, listener, connection)}
        assert len(ours) == 3 and not held & ours, held & ours
    finally:
        workers.close()
        for f in (archive_file, listener, connection):
            f.close()
