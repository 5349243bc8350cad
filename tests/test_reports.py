"""The run report: what was asked and, per planned column, what happened, from the stats."""

from __future__ import annotations

import hashlib
import json
import platform

import pytest

from dgportal_crawler import __version__
from dgportal_crawler.crawlplan import make_plan
from dgportal_crawler.profile import builtin_profile_path, load_profile
from dgportal_crawler.reports import build_run_report, column_report, read_run_reports
from dgportal_crawler.runcontext import ArticleRequests, CrawlRun
from dgportal_crawler.stats import per_column
from dgportal_crawler.store.layout import SiteLayout

RUN_ID = "20260101T000000Z-abcdef"

STATS = {
    "finish_reason": "finished",
    "downloader/request_count": 61,
    "log_count/INFO": 12,
    # czjs: 20 new + 3 updated + 4 unchanged + (1 + 1) failed + 1 duplicate = 30 fetched
    "dgportal/column/czjs/list_pages": 2, "dgportal/column/czjs/listed": 30,
    "dgportal/column/czjs/new": 20, "dgportal/column/czjs/updated": 3, "dgportal/column/czjs/unchanged": 4,
    "dgportal/column/czjs/failed": 1, "dgportal/column/czjs/article_failed": 1,
    "dgportal/column/czjs/duplicate": 1, "dgportal/column/czjs/withdrawn": 2,
    "dgportal/column/czjs/extracted": 3, "dgportal/column/czjs/fallback": 1,
    # sqdt: 2 of 3 needed the fallback: 0.6666… rounds up
    "dgportal/column/sqdt/listed": 3, "dgportal/column/sqdt/new": 3, "dgportal/column/sqdt/extracted": 3,
    "dgportal/column/sqdt/fallback": 2,
    # not planned: not reported per column
    "dgportal/column/hjyw/new": 9,
    # totals
    "dgportal/new": 32, "dgportal/failed": 2, "dgportal/failed/http_404": 1, "dgportal/failed/article/TimeoutError": 1,
    "dgportal/articles_discovered": 33,
    # coverage after the run: per column, not a total
    "dgportal/coverage/czjs": "complete",
}


@pytest.fixture(scope="module")
def run() -> CrawlRun:
    profile = load_profile("houjie")
    plan = make_plan(profile, "czjs,sqdt", "2023-01-01", "2023-12-31")
    return CrawlRun.create(profile, plan, RUN_ID, ArticleRequests(print, print), "full")


@pytest.fixture(scope="module")
def report(run) -> dict:
    return build_run_report(run, STATS, "finished", started_at="2026-01-01T00:00:00Z",
                            finished_at="2026-01-01T00:05:00Z", settings={"DGPORTAL_RECHECK_DAYS": 30})


def test_what_was_asked(report):
    assert (report["run_id"], report["site"], report["finish_reason"]) == (RUN_ID, "houjie", "finished")
    assert (report["started_at"], report["finished_at"]) == ("2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z")
    assert report["arguments"] == {
        "columns": ["czjs", "sqdt"], "since": "2023-01-01", "until": "2023-12-31",
        "base_url": "https://www.dg.gov.cn/houjie/", "profile": str(builtin_profile_path("houjie")),
        "profile_sha256": hashlib.sha256(builtin_profile_path("houjie").read_bytes()).hexdigest(),
        "mode": "full", "job": None,
    }
    assert report["settings"] == {"DGPORTAL_RECHECK_DAYS": 30}
    assert report["requests"] == 61


def test_the_versions_of_what_shapes_the_output(report):
    versions = report["versions"]
    assert versions["python"] == platform.python_version()
    assert versions["scrapy"].startswith("2.19.")
    assert versions["warcio"].startswith("1.8")
    assert versions["dgportal-crawler"] == __version__
    assert {"trafilatura", "lxml", "opencc-python-reimplemented", "twisted", "parsel"} <= set(versions)


def test_per_column_counters(report):
    assert list(report["columns"]) == ["czjs", "sqdt"]
    assert report["columns"]["czjs"] == {
        "list_pages": 2, "listed": 30, "fetched": 30, "new": 20, "updated": 3, "unchanged": 4, "duplicate": 1,
        "failed": 2, "withdrawn": 2, "fallback": 1, "extracted": 3, "fallback_rate": 0.3333,
        "failed_by_reason": {"article_failed": 1}, "route": "list", "coverage": "complete",
    }
    assert report["columns"]["sqdt"] == {
        "list_pages": 0, "listed": 3, "fetched": 3, "new": 3, "updated": 0, "unchanged": 0, "duplicate": 0,
        "failed": 0, "withdrawn": 0, "fallback": 2, "extracted": 3, "fallback_rate": 0.6667,
        "failed_by_reason": {}, "route": "list", "coverage": "partial",  # nothing recorded: partial
    }


def test_failed_list_pages_and_attachments_are_failures_but_not_fetched_articles():
    stats = {"dgportal/column/sqdt/new": 3, "dgportal/column/sqdt/failed": 1, "dgportal/column/sqdt/list_failed": 1,
             "dgportal/column/sqdt/attachment_failed": 2}
    report = column_report(per_column(stats)["sqdt"])
    assert (report["fetched"], report["failed"]) == (4, 4)  # 3 new + 1 failed article; 1 + 1 + 2 failures
    assert report["failed_by_reason"] == {"list_failed": 1, "attachment_failed": 2}


def test_totals_are_the_dgportal_keys_outside_columns(report):
    assert report["totals"] == {
        "dgportal/new": 32, "dgportal/failed": 2, "dgportal/failed/http_404": 1,
        "dgportal/failed/article/TimeoutError": 1, "dgportal/articles_discovered": 33,
    }


def test_the_report_is_json(report):
    assert json.loads(json.dumps(report)) == report


def test_a_column_without_counters_reports_zeros():
    assert column_report({}) == {
        "list_pages": 0, "listed": 0, "fetched": 0, "new": 0, "updated": 0, "unchanged": 0, "duplicate": 0,
        "failed": 0, "withdrawn": 0, "fallback": 0, "extracted": 0, "fallback_rate": 0.0, "failed_by_reason": {},
        "route": "list",
    }


def test_no_dates_no_requests(run):
    profile = run.profile
    bare = CrawlRun.create(profile, make_plan(profile, "hjyw"), RUN_ID, run.requests)
    report = build_run_report(bare, {}, "shutdown", started_at="a", finished_at="b")
    assert (report["arguments"]["since"], report["arguments"]["until"], report["arguments"]["mode"]) == (
        None, None, "incremental")
    assert (report["requests"], report["totals"], report["finish_reason"]) == (0, {}, "shutdown")


def test_a_scheduled_run_names_its_job(run):
    scheduled = CrawlRun.create(run.profile, run.plan, RUN_ID, run.requests, job="5f1c0e2a")
    report = build_run_report(scheduled, {}, "finished", started_at="a", finished_at="b")
    assert report["arguments"]["job"] == "5f1c0e2a"


def test_read_run_reports_oldest_first_skipping_unreadable_ones(tmp_path):
    layout = SiteLayout.of(tmp_path, "houjie")
    assert read_run_reports(layout) == []
    layout.runs_dir.mkdir(parents=True)
    (layout.runs_dir / "20260102T000000Z-bbbbbb.json").write_text('{"run_id": "b"}', encoding="utf-8")
    (layout.runs_dir / "20260101T000000Z-aaaaaa.json").write_text('{"run_id": "a"}', encoding="utf-8")
    (layout.runs_dir / "20260103T000000Z-cccccc.json").write_text('{"run_id": "c', encoding="utf-8")  # torn
    (layout.runs_dir / "20260104T000000Z-dddddd.json").write_text('["not a report"]', encoding="utf-8")
    (layout.runs_dir / "20260101T000000Z-aaaaaa.log").write_text("log", encoding="utf-8")
    assert read_run_reports(layout) == [{"run_id": "a"}, {"run_id": "b"}]


def test_a_feed_column_reports_its_child_feeds():
    stats = {"dgportal/column/ztzl/feed_route": 1, "dgportal/column/ztzl/feed_children": 2,
             "dgportal/column/ztzl/feed_child_unread": 1, "dgportal/column/ztzl/feed_repeated": 3,
             "dgportal/column/ztzl/feed_list_only": 1}
    report = column_report(per_column(stats)["ztzl"])
    assert report["route"] == "feed" and report["failed"] == 0  # an unread child feed fails nothing
    assert report["feed_disagreements"] == {"list_only": 1, "feed_only": 0}
    assert report["child_feeds"] == {"read": 2, "unread": 1, "left_to_their_columns": 0, "articles_listed_again": 3}
