"""Articles answered later than the crawl's DOWNLOAD_TIMEOUT (2 s here; the replica answers
2.5 s late): late on every attempt, a counted failure with reason DownloadTimeoutError in the run
report and exit 1; late only on the first attempt, stored all the same."""

from __future__ import annotations

import json

import pytest

from dgportal_crawler.replica import Replica, ReplicaServer
from dgportal_crawler.replica.faults import FaultSpec, FaultyReplica
from tests.conftest import run_crawl

pytestmark = pytest.mark.slow

SEED, ARTICLES = 2023, 150
SPEC = "rate=0.2,seed=1,kinds=timeout+timeout_once,delay=2.5"


def test_an_article_later_than_the_timeout_every_time_fails_and_once_is_stored(tmp_path) -> None:
    faulty = FaultyReplica(Replica(seed=SEED, articles=ARTICLES), FaultSpec.parse(SPEC))
    hjyw = {m.article_id for m in faulty.column_entries(0)}
    key = {i: kind for i, (kind, _) in faulty.answer_key().items() if i in hjyw}
    late, once = ({i for i, k in key.items() if k == kind} for kind in ("timeout", "timeout_once"))
    assert late and once  # the seed deals both in hjyw
    with ReplicaServer(seed=SEED, articles=ARTICLES, faults=SPEC) as server:
        result = run_crawl(tmp_path, "houjie", "--columns", "hjyw", "--base-url", server.base_url,
                           "-s", "DOWNLOAD_TIMEOUT=2")
    (report_file,) = (tmp_path / "houjie" / "runs").glob("*.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert {line["id"] for line in result.lines()} == hjyw - late
    assert report["totals"]["dgportal/failed/article/DownloadTimeoutError"] == len(late)
    assert report["columns"]["hjyw"]["failed"] == len(late)
    assert result.returncode == 1
    for article_id in late:  # each named in the log with its reason
        post = article_id.removeprefix("houjie:")
        assert f"content/post_{post}.html (column hjyw) failed: DownloadTimeoutError" in result.stderr
