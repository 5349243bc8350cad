"""The distributed crawl's request meta keys and counters (:mod:`dgportal_crawler.distributed.names`):
counters under ``dgportal/distributed/`` reach the run report's totals, never the per-column table."""

from __future__ import annotations

from dgportal_crawler import stats
from dgportal_crawler.distributed import names

COUNTERS = (names.RESULTS, names.CAPTURES, names.RESTORED, names.REQUEUED, names.REFUSED, names.UNREADABLE)
META = (names.META_LEASE, names.META_FRONTIER, names.META_EXCHANGES, names.META_RESULT, names.META_RESULT_ID)


def test_counters_are_distinct_and_under_the_distributed_prefix():
    assert names.DISTRIBUTED == "dgportal/distributed/"
    assert len(set(COUNTERS)) == len(COUNTERS)
    assert all(key.startswith("dgportal/distributed/") for key in COUNTERS)
    assert names.RESULTS == "dgportal/distributed/results"
    assert names.REQUEUED == "dgportal/distributed/requeued_leases"


def test_pages_are_counted_per_worker_by_name():
    assert names.fetched_by("w1") == "dgportal/distributed/fetched_by/w1"
    assert names.fetched_by("host-42") != names.fetched_by("host-43")


def test_counters_are_run_totals_not_column_rows():
    # reports.run_report keeps dgportal/ keys except the per-column and coverage ones
    for key in (*COUNTERS, names.fetched_by("w1")):
        assert key.startswith(stats.PREFIX)
        assert not key.startswith((stats.COLUMN_PREFIX, stats.COVERAGE_PREFIX))
    table = stats.per_column({names.RESULTS: 5, names.fetched_by("w1"): 3,
                              stats.column_key("czjs", stats.STORED): 2})
    assert table == {"czjs": {stats.STORED: 2}}


def test_meta_keys_are_distinct_and_clash_with_none_of_the_projects():
    project = {stats.META_KIND, stats.META_COLUMN, stats.META_REDIRECTS, stats.META_FETCHED_AT,
               stats.META_WARC}
    assert len(set(META)) == len(META)
    assert all(key.startswith("dgportal_") for key in META)
    assert not set(META) & project
