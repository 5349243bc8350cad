"""Crawls of the fault-injecting replica with faults on list pages, column hjyw only.

A persistent fault (a challenge page, an off-site redirect or meta refresh, a redirect loop, a
permanent 500 on page 2, an answer always later than DOWNLOAD_TIMEOUT) is a failed list page
with the answer key's reason and exit 1, never a column ended quietly with exit 0; the articles
behind it are not listed (the crawler cannot see them), everything before it is stored; no
request leaves the replica. Transient faults (5xx burst, reset, truncation, one late answer)
lose nothing. And what a run could not read or fetch, anywhere in the
column, the next plain run does once the fault is gone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dgportal_crawler.replica import Replica, ReplicaServer
from dgportal_crawler.replica.faults import FaultSpec, FaultyReplica
from dgportal_crawler.replica.list_faults import LIST_FAULTS
from tests.conftest import CrawlResult, run_crawl

pytestmark = pytest.mark.slow

SEED, ARTICLES = 2023, 150  # hjyw: 41 articles on 3 list pages
#: The crawl waits 2 s for an answer; a "timeout" answer comes 2.5 s late (3 attempts: 6 s).
TIMEOUT, LATE = "2", "2.5"


def crawl(out: Path, spec: str | None) -> tuple[CrawlResult, dict]:
    with ReplicaServer(seed=SEED, articles=ARTICLES, faults=spec and f"{spec},delay={LATE}") as server:
        result = run_crawl(out, "houjie", "--columns", "hjyw", "--base-url", server.base_url,
                           "-s", f"DOWNLOAD_TIMEOUT={TIMEOUT}")
    reports = sorted((out / "houjie" / "runs").glob("*.json"))
    return result, json.loads(reports[-1].read_text(encoding="utf-8"))


def hjyw_ids(faulty: FaultyReplica | Replica) -> set[str]:
    return {m.article_id for m in faulty.column_entries(0)}


@pytest.mark.parametrize("kind", [k for k, f in LIST_FAULTS.items() if f.outcome == "failed"])
def test_a_persistent_list_fault_is_a_failed_list_page_with_exit_1(tmp_path, kind: str) -> None:
    spec = f"rate=1,seed=1,kinds={kind}"
    faulty = FaultyReplica(Replica(seed=SEED, articles=ARTICLES), FaultSpec.parse(spec))
    ((_, page), reason), = [(k, v) for k, v in faulty.failed_list_pages().items() if k[0] == "hjyw"]
    result, report = crawl(tmp_path, spec)
    expected = hjyw_ids(faulty) - faulty.unreached()
    assert len(expected) == 15 * (page - 1)  # page 1 hides all 41, page 2 all but the first 15
    assert {line["id"] for line in result.lines()} == expected
    assert report["totals"][f"dgportal/failed/list/{reason}"] == 1
    assert report["columns"]["hjyw"]["listed"] == len(expected)
    assert report["columns"]["hjyw"]["coverage"] != "complete"
    assert result.returncode == 1
    if "offsite" in kind:  # refused before it left: counted, never fetched, the log says which page and why
        assert report["totals"]["dgportal/refused/offsite"] == 1
        why = "refused http://example.invalid/houjie/xwzx/hjyw/index.html: host 'example.invalid' is not the site's"
        assert why in result.stderr
        assert "/houjie/xwzx/hjyw/index.html (column hjyw) failed: IgnoreRequest" in result.stderr
        assert "ERROR: list page http://example.invalid" not in result.stderr


def test_transient_list_faults_lose_nothing(tmp_path) -> None:
    kinds = "+".join(k for k, f in LIST_FAULTS.items() if f.outcome == "read")
    result, report = crawl(tmp_path, f"rate=1,seed=1,kinds={kinds}")
    assert {line["id"] for line in result.lines()} == hjyw_ids(Replica(seed=SEED, articles=ARTICLES))
    assert report["columns"]["hjyw"]["coverage"] == "complete"
    assert not [k for k in report["totals"] if k.startswith("dgportal/failed/")]
    assert result.returncode == 0


@pytest.mark.parametrize(("spec", "stored_first"), [
    ("rate=1,seed=1,kinds=list_server_error", 15),  # list page 2 answers 500
    ("rate=0.1,seed=13,kinds=server_error", 40),  # one article of list page 2 answers 500
])
def test_what_failed_on_list_page_2_is_fetched_by_the_next_plain_run(tmp_path, spec: str, stored_first: int) -> None:
    first, _ = crawl(tmp_path, spec)
    assert (len(first.lines()), first.returncode) == (stored_first, 1)
    second, report = crawl(tmp_path, None)  # the fault is gone
    ids = [line["id"] for line in second.lines()]
    assert len(ids) == len(set(ids)) and set(ids) == hjyw_ids(Replica(seed=SEED, articles=ARTICLES))
    assert report["columns"]["hjyw"]["new"] == 41 - stored_first
    assert second.returncode == 0
