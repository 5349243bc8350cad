"""dgportal_crawler/stats.py: the stats keys, and the tables read back from a flat stats dict.

(Named test_crawl_stats.py: tests/dataset/test_stats.py already has the plain name.)
"""

from __future__ import annotations

import pytest
from scrapy import Spider

from dgportal_crawler.stats import (
    column_key,
    count,
    done_count,
    failure_key,
    fallback_rate,
    inc,
    list_pages_count,
    per_column,
    summary_rows,
    total_key,
)
from tests.crawlers import make_crawler

ROW_KEYS = ["list_pages", "listed", "skipped_known", "stored", "unchanged", "withdrawn", "duplicate",
            "failed", "fallback", "extracted", "list_failed"]


class QuietSpider(Spider):
    name = "quiet"


def test_key_names():
    assert column_key("czjs", "stored") == "dgportal/column/czjs/stored"
    assert column_key(None, "failed") == "dgportal/column/-/failed"
    assert total_key("stored") == "dgportal/stored"
    assert failure_key("http_404") == "dgportal/failed/http_404"
    assert failure_key("list/unreadable") == "dgportal/failed/list/unreadable"


def test_count_increments_the_column_and_the_total():
    stats = make_crawler(QuietSpider).stats
    count(stats, "czjs", "stored")
    count(stats, "czjs", "stored", 2)
    count(stats, "sqdt", "stored")
    count(stats, None, "failed")
    assert {k: v for k, v in stats.get_stats().items() if k.startswith("dgportal/")} == {
        "dgportal/column/czjs/stored": 3,
        "dgportal/column/sqdt/stored": 1,
        "dgportal/stored": 4,
        "dgportal/column/-/failed": 1,
        "dgportal/failed": 1,
    }


def test_no_stats_collector_is_no_error():
    count(None, "czjs", "stored")
    inc(None, "dgportal/stored")


def test_per_column_adds_every_kind_of_failure_into_failed():
    stats = {
        "dgportal/column/czjs/stored": 5,
        "dgportal/column/czjs/failed": 3,  # answers the pipelines judged failed
        "dgportal/column/czjs/article_failed": 2,  # requests that never got an answer
        "dgportal/column/czjs/list_failed": 1,
        "dgportal/column/sqdt/listed": 4,
        "dgportal/column/sqdt/note": "not a counter",
        "dgportal/stored": 5,  # totals are not columns
        "downloader/request_count": 20,
    }
    assert per_column(stats) == {
        "czjs": {"stored": 5, "failed": 6, "article_failed": 2, "list_failed": 1},
        "sqdt": {"listed": 4},
    }


@pytest.mark.parametrize(
    ("row", "rate"),
    [({"extracted": 20, "fallback": 1}, 0.05), ({"extracted": 3, "fallback": 3}, 1.0),
     ({"extracted": 0, "fallback": 0}, 0.0), ({}, 0.0), ({"extracted": 8}, 0.0)],
)
def test_fallback_rate(row, rate):
    assert fallback_rate(row) == rate


def test_summary_rows_in_the_order_asked_with_a_total():
    stats = {
        "dgportal/column/czjs/list_pages": 2, "dgportal/column/czjs/listed": 30,
        "dgportal/column/czjs/stored": 25, "dgportal/column/czjs/article_failed": 1,
        "dgportal/column/czjs/extracted": 25, "dgportal/column/czjs/fallback": 2,
        "dgportal/column/sqdt/list_pages": 1, "dgportal/column/sqdt/listed": 15,
        "dgportal/column/sqdt/skipped_known": 15, "dgportal/column/sqdt/list_failed": 1,
        "dgportal/column/hjyw/stored": 99,  # a column not asked for is not shown, nor totalled
    }
    rows = summary_rows(stats, ["sqdt", "czjs", "tzgg"])
    assert [r["column"] for r in rows] == ["sqdt", "czjs", "tzgg", "total"]
    assert all(list(r) == ["column", *ROW_KEYS] for r in rows)
    assert rows[0] == {"column": "sqdt", "list_pages": 1, "listed": 15, "skipped_known": 15, "stored": 0,
                       "unchanged": 0, "withdrawn": 0, "duplicate": 0, "failed": 1, "fallback": 0,
                       "extracted": 0, "list_failed": 1}
    assert (rows[1]["stored"], rows[1]["failed"], rows[1]["fallback"], rows[1]["extracted"]) == (25, 1, 2, 25)
    assert rows[2] == {"column": "tzgg", **dict.fromkeys(ROW_KEYS, 0)}
    assert rows[3] == {"column": "total", "list_pages": 3, "listed": 45, "skipped_known": 15, "stored": 25,
                       "unchanged": 0, "withdrawn": 0, "duplicate": 0, "failed": 2, "fallback": 2,
                       "extracted": 25, "list_failed": 1}


def test_done_count_adds_the_totals_of_every_final_outcome():
    stats = {
        "dgportal/stored": 3, "dgportal/failed": 1, "dgportal/duplicate": 1, "dgportal/unchanged": 2,
        "dgportal/withdrawn": 1, "dgportal/still_withdrawn": 1, "dgportal/restored": 1,
        "dgportal/skipped_known": 4,
        # not outcomes, or not totals
        "dgportal/listed": 50, "dgportal/new": 3, "dgportal/extracted": 4, "dgportal/column/czjs/stored": 3,
    }
    assert done_count(stats) == 14
    assert done_count({}) == 0


def test_list_pages_count_adds_the_columns():
    stats = {"dgportal/column/czjs/list_pages": 3, "dgportal/column/sqdt/list_pages": 2,
             "dgportal/list_pages": 5, "dgportal/column/czjs/list_pages_extra": 7,
             "dgportal/column/hjyw/list_failed": 1}
    assert list_pages_count(stats) == 5
