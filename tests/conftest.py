"""Shared fixtures: the replica served over real HTTP on 127.0.0.1, and a crawl runner.

Crawls run ``python -m dgportal_crawler crawl …`` in a subprocess: a Twisted reactor can run
only once per process, and a subprocess is also exactly what a user runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dgportal_crawler.replica import Replica, ReplicaServer

REPLICA_SEED = 2023
REPLICA_ARTICLES = 150


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    out: Path

    def lines(self, site: str = "houjie") -> list[dict]:
        files = sorted((self.out / site / "articles").glob("*/*.jsonl"))
        return [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()]


def run_crawl(out: Path, *args: str, timeout: float = 240, progress: str = "off") -> CrawlResult:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "dgportal_crawler", "crawl", *args, "--out", str(out), "--progress", progress],
        capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL,
    )
    return CrawlResult(proc.returncode, proc.stdout, proc.stderr, out)


@pytest.fixture(scope="session")
def replica() -> Replica:
    return Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES)


@pytest.fixture(scope="session")
def replica_server() -> Iterator[ReplicaServer]:
    with ReplicaServer(seed=REPLICA_SEED, articles=REPLICA_ARTICLES) as server:
        yield server


@pytest.fixture
def server() -> Iterator[ReplicaServer]:
    """A fresh replica for one test (tests that change its edition or gate use this)."""
    with ReplicaServer(seed=REPLICA_SEED, articles=REPLICA_ARTICLES) as srv:
        yield srv
