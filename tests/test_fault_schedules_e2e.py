"""A few fault schedules drawn by hypothesis, each crawled for real (column hjyw of the fault
replica): the stored lines, the failures by reason, the duplicates and the failed list pages
are what the answer key says, and a run with failures exits 1. The memory-heavy kinds (gzip
bomb, huge page, endless body) have their own test in test_faults_e2e.py."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dgportal_crawler.replica import Replica, ReplicaServer
from dgportal_crawler.replica.faults import FAULTS, FaultSpec, FaultyReplica
from dgportal_crawler.replica.list_faults import LIST_FAULTS
from tests.conftest import run_crawl

pytestmark = pytest.mark.slow

REPLICA = Replica(seed=2023, articles=150)  # hjyw: 41 articles on 3 list pages
HEAVY = {"gzip_bomb", "huge_page", "endless_body"}
KINDS = sorted(k for k in (*FAULTS, *LIST_FAULTS) if k not in HEAVY)

schedules = st.builds(
    lambda seed, rate, kinds: f"rate={rate},seed={seed},kinds={'+'.join(sorted(kinds))},delay=2.5",
    st.integers(0, 10_000), st.sampled_from([0.1, 0.2, 0.3]), st.sets(st.sampled_from(KINDS), min_size=2))


def expected_report(faulty: FaultyReplica) -> tuple[set[str], Counter[str], int]:
    """hjyw's stored ids, failures by reason and duplicates, from the answer key."""
    hjyw = {m.article_id for m in REPLICA.column_entries(0)}
    outcomes = {i: o for i, o in faulty.expected().items() if i in hjyw}
    stored = {i for i, (outcome, _) in outcomes.items() if outcome == "stored"}
    failed = Counter(reason for outcome, reason in outcomes.values() if outcome == "failed")
    failed.update("list/" + r for (column, _), r in faulty.failed_list_pages().items() if column == "hjyw")
    key = faulty.answer_key()
    duplicates = sum((outcomes[i][0] == "duplicate") + key[i][1].duplicates for i in key if i in hjyw)
    return stored, failed, duplicates


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules)
def test_a_crawl_of_a_drawn_fault_schedule_matches_its_answer_key(spec: str) -> None:
    stored, failed, duplicates = expected_report(FaultyReplica(REPLICA, FaultSpec.parse(spec)))
    with tempfile.TemporaryDirectory() as folder, ReplicaServer(seed=2023, articles=150, faults=spec) as server:
        out = Path(folder)
        result = run_crawl(out, "houjie", "--columns", "hjyw", "--base-url", server.base_url,
                           "-s", "DOWNLOAD_TIMEOUT=2")
        (report_file,) = (out / "houjie" / "runs").glob("*.json")
        report = json.loads(report_file.read_text(encoding="utf-8"))
        ids = [line["id"] for line in result.lines()]
    assert sorted(ids) == sorted(stored), spec
    found = {k.removeprefix("dgportal/failed/"): v for k, v in report["totals"].items()
             if k.startswith("dgportal/failed/")}
    assert found == dict(failed), spec
    assert report["totals"].get("dgportal/duplicate", 0) == duplicates, spec
    if failed:
        assert result.returncode == 1, spec
