"""One archive crawled from the replica for every test of ``dgportal_crawler.dataset``.

The replica is crawled once (edition 1), then again with ``--full`` as edition 2 (three
articles edited, two removed: revisions and withdrawals), then with ``--full`` as edition 1
again (the edited texts come back as third revisions, the removed articles are restored).
A copy of the archive is kept after the edition-2 run, when two articles are withdrawn.
Tests that write copy the archive into their own ``tmp_path`` first.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dataset_helpers import SITE, CrawledArchive

from dgportal_crawler.replica import Replica, ReplicaServer
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED, CrawlResult, run_crawl

#: A crawl may fail for a moment while other engineers edit the crawler: retry, then give up.
CRAWL_ATTEMPTS = 4
RETRY_PAUSE = 15.0


def _crawl(out: Path, *args: str) -> CrawlResult:
    result = run_crawl(out, SITE, *args)
    for _ in range(CRAWL_ATTEMPTS - 1):
        if result.returncode == 0:
            break
        time.sleep(RETRY_PAUSE)
        result = run_crawl(out, SITE, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="session")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawledArchive]:
    base = tmp_path_factory.mktemp("dataset")
    final, edition2 = base / "final", base / "edition2"
    with ReplicaServer(seed=REPLICA_SEED, articles=REPLICA_ARTICLES) as server:
        _crawl(final, "--base-url", server.base_url)
        server.set_edition(2)
        _crawl(final, "--base-url", server.base_url, "--full")
        shutil.copytree(final, edition2, ignore=shutil.ignore_patterns("crawl.lock"))
        server.set_edition(1)
        _crawl(final, "--base-url", server.base_url, "--full")
        origin = server.origin
    truth1 = Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES).ground_truth(origin)
    second = Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES, edition=2)
    yield CrawledArchive(final, edition2, origin, truth1, second.ground_truth(origin),
                         second.removed_articles(origin))
