"""The run's vocabulary (``dgportal_crawler.stats``): every key under ``dgportal/``, no name used
twice, and the done keys, summary rows and report counters drawn from the same counters."""

from __future__ import annotations

import re

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from dgportal_crawler import stats

#: Module constants that are not counters: the prefixes and request meta keys.
NOT_COUNTERS = {"PREFIX", "COLUMN_PREFIX", "COVERAGE_PREFIX"}


def _constants() -> dict[str, str]:
    return {name: value for name, value in vars(stats).items()
            if name.isupper() and isinstance(value, str) and name not in NOT_COUNTERS}


def counters() -> dict[str, str]:
    """Counter names (kept per column and in total): the plain-word constants."""
    return {n: v for n, v in _constants().items() if not n.startswith("META_") and not v.startswith(stats.PREFIX)}


def totals() -> dict[str, str]:
    """Keys kept in total only: the constants already spelled with the prefix."""
    return {n: v for n, v in _constants().items() if v.startswith(stats.PREFIX)}


def metas() -> dict[str, str]:
    return {n: v for n, v in _constants().items() if n.startswith("META_")}


def collector() -> MemoryStatsCollector:
    return MemoryStatsCollector(get_crawler())


def test_the_prefixes_nest():
    assert stats.PREFIX == "dgportal/"
    assert stats.COLUMN_PREFIX == "dgportal/column/"
    assert stats.COVERAGE_PREFIX == "dgportal/coverage/"


def test_the_vocabulary_is_not_empty_and_each_counter_is_one_lowercase_word():
    names = counters()
    # the outcomes the module's comment lists, at least: a reader can rely on them
    assert {"stored", "unchanged", "withdrawn", "restored", "duplicate", "failed"} <= set(names.values())
    for name, value in names.items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", value), (name, value)


def test_no_two_constants_spell_the_same_key():
    for group in (counters(), totals(), metas()):
        values = list(group.values())
        assert len(values) == len(set(values)), sorted(values)


def test_every_stats_key_is_under_dgportal():
    for value in counters().values():
        assert stats.total_key(value) == f"dgportal/{value}"
        assert stats.column_key("hjyw", value) == f"dgportal/column/hjyw/{value}"
    for value in totals().values():
        assert value.startswith("dgportal/") and value != "dgportal/"
        assert not value.startswith(stats.COLUMN_PREFIX)  # a total is not a column's key


def test_meta_keys_share_the_dgportal_underscore_prefix():
    assert metas()  # kind, column, redirects, fetched at, warc
    for value in metas().values():
        assert value.startswith("dgportal_"), value


def test_done_counters_are_vocabulary_and_each_appears_once():
    vocabulary = set(counters().values())
    assert len(stats.DONE) == len(set(stats.DONE))
    assert set(stats.DONE) <= vocabulary
    # every outcome of a fetched article ends it; a known article skipped is done too
    assert {stats.STORED, stats.UNCHANGED, stats.WITHDRAWN, stats.STILL_WITHDRAWN, stats.RESTORED,
            stats.DUPLICATE, stats.FAILED, stats.SKIPPED_KNOWN} == set(stats.DONE)


def test_summary_columns_are_vocabulary_with_distinct_headings():
    vocabulary = set(counters().values())
    headings = [h for h, _ in stats.SUMMARY_COLUMNS]
    shown = [k for _, k in stats.SUMMARY_COLUMNS]
    assert len(headings) == len(set(headings))
    assert len(shown) == len(set(shown))
    assert set(shown) <= vocabulary
    assert set(stats.SUMMARY_EXTRA) <= vocabulary
    assert not set(stats.SUMMARY_EXTRA) & set(shown)


def test_report_counters_are_vocabulary_or_the_derived_fetched():
    vocabulary = set(counters().values())
    assert len(stats.REPORT_COUNTERS) == len(set(stats.REPORT_COUNTERS))
    assert set(stats.REPORT_COUNTERS) - vocabulary == {"fetched"}
    assert set(stats.FETCHED_PARTS) <= vocabulary  # what "fetched" is made of


def test_keys_of_a_column_a_total_and_a_failure():
    assert stats.column_key("hjyw", stats.STORED) == "dgportal/column/hjyw/stored"
    assert stats.column_key(None, stats.LISTED) == "dgportal/column/-/listed"  # no column: "-"
    assert stats.total_key(stats.FALLBACK) == "dgportal/fallback"
    assert stats.failure_key("http_404") == "dgportal/failed/http_404"
    assert stats.failure_key("list/unreadable") == "dgportal/failed/list/unreadable"


def test_count_adds_to_the_column_and_the_total():
    collected = collector()
    stats.count(collected, "hjyw", stats.STORED)
    stats.count(collected, "tzgg", stats.STORED, 2)
    stats.count(collected, None, stats.FAILED)
    assert collected.get_stats() == {
        "dgportal/column/hjyw/stored": 1, "dgportal/column/tzgg/stored": 2, "dgportal/stored": 3,
        "dgportal/column/-/failed": 1, "dgportal/failed": 1}


def test_without_a_stats_collector_counting_does_nothing():
    stats.inc(None, "dgportal/stored")
    stats.count(None, "hjyw", stats.STORED)  # no error: a component used without a crawler


@pytest.mark.parametrize(("row", "rate"), [
    ({}, 0.0),
    ({"fallback": 3}, 0.0),  # nothing extracted: no rate, not a division by zero
    ({"extracted": 8, "fallback": 2}, 0.25),
    ({"extracted": 5}, 0.0),
])
def test_fallback_rate_is_a_share_of_the_extracted(row, rate):
    assert stats.fallback_rate(row) == rate


def test_per_column_groups_counters_and_folds_every_kind_of_failure():
    flat = {
        "dgportal/column/hjyw/stored": 4, "dgportal/column/hjyw/list_failed": 1,
        "dgportal/column/hjyw/attachment_failed": 2, "dgportal/column/hjyw/failed": 3,
        "dgportal/column/tzgg/listed": 7,
        "dgportal/stored": 4,  # a total: not a column
        "dgportal/coverage/hjyw": "complete",  # not a counter
        "dgportal/column/tzgg/note": "text",  # not an int
        "finish_reason": "finished",
    }
    assert stats.per_column(flat) == {
        "hjyw": {"stored": 4, "list_failed": 1, "attachment_failed": 2, "failed": 6},
        "tzgg": {"listed": 7},
    }


def test_done_count_adds_the_done_totals_only():
    flat = {stats.total_key(k): 1 for k in stats.DONE}
    flat.update({"dgportal/listed": 100, "dgportal/column/hjyw/stored": 50, "dgportal/new": 9})
    assert stats.done_count(flat) == len(stats.DONE)
    assert stats.done_count({}) == 0


def test_list_pages_count_adds_the_columns_list_pages():
    flat = {"dgportal/column/hjyw/list_pages": 3, "dgportal/column/tzgg/list_pages": 2,
            "dgportal/list_pages": 5,  # the total is not counted twice
            "dgportal/column/tzgg/listed": 40}
    assert stats.list_pages_count(flat) == 5


def test_summary_rows_follow_the_profile_order_then_a_total():
    flat = {"dgportal/column/tzgg/stored": 2, "dgportal/column/tzgg/extracted": 2,
            "dgportal/column/hjyw/stored": 5, "dgportal/column/hjyw/fallback": 1,
            "dgportal/column/hjyw/list_failed": 1,
            "dgportal/column/sqdt/stored": 9}  # not asked for: not in the table
    rows = stats.summary_rows(flat, ["hjyw", "tzgg", "czjs"])
    keys = {k for _, k in stats.SUMMARY_COLUMNS} | set(stats.SUMMARY_EXTRA)
    assert [r["column"] for r in rows] == ["hjyw", "tzgg", "czjs", "total"]
    assert all(set(r) == {"column"} | keys for r in rows)
    hjyw, tzgg, czjs, total = rows
    assert (hjyw["stored"], hjyw["fallback"], hjyw["list_failed"], hjyw["failed"]) == (5, 1, 1, 1)
    assert (tzgg["stored"], tzgg["extracted"], tzgg["failed"]) == (2, 2, 0)
    assert all(czjs[k] == 0 for k in keys)
    assert (total["stored"], total["extracted"], total["failed"], total["fallback"]) == (7, 2, 1, 1)
