"""The report of one run (``runs/<run-id>.json``): what was asked, what happened per column.

Built from the run context and the crawl's stats; written by the archive when it closes.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from importlib import metadata
from typing import Any

from dgportal_crawler.runcontext import CrawlRun
from dgportal_crawler.stats import (
    ATTACHMENT_FAILED,
    COLUMN_PREFIX,
    COVERAGE_PREFIX,
    EXTRACTED,
    FAILED,
    FEED_CHILD_ELSEWHERE,
    FEED_CHILD_UNREAD,
    FEED_CHILDREN,
    FEED_LIST_ONLY,
    FEED_ONLY,
    FEED_REPEATED,
    FETCHED_PARTS,
    LIST_FAILED,
    PREFIX,
    REPORT_COUNTERS,
    fallback_rate,
    per_column,
    route_of,
)
from dgportal_crawler.store.layout import SiteLayout


def column_report(row: dict[str, int]) -> dict[str, Any]:
    report: dict[str, Any] = {name: row.get(name, 0) for name in REPORT_COUNTERS}
    # "failed" folds in every *_failed counter; list pages and attachments are not articles
    not_articles = row.get(LIST_FAILED, 0) + row.get(ATTACHMENT_FAILED, 0)
    report["fetched"] = sum(row.get(k, 0) for k in FETCHED_PARTS) - not_articles
    report[EXTRACTED] = row.get(EXTRACTED, 0)
    report["fallback_rate"] = round(fallback_rate(row), 4)
    report["failed_by_reason"] = {k: v for k, v in row.items() if k.endswith("_" + FAILED)}
    report["route"] = route_of(row)
    if report["route"] == "feed":  # where the feed and the list's first page disagree
        report["feed_disagreements"] = {"list_only": row.get(FEED_LIST_ONLY, 0), "feed_only": row.get(FEED_ONLY, 0)}
        report["child_feeds"] = {"read": row.get(FEED_CHILDREN, 0), "unread": row.get(FEED_CHILD_UNREAD, 0),
                                 "left_to_their_columns": row.get(FEED_CHILD_ELSEWHERE, 0),
                                 "articles_listed_again": row.get(FEED_REPEATED, 0)}
    return report


#: Distributions whose versions decide what a run fetches and extracts.
SHAPING_PACKAGES = ("dgportal-crawler", "scrapy", "twisted", "trafilatura", "lxml",
                    "lxml-html-clean", "opencc-python-reimplemented", "warcio", "parsel")


def versions() -> dict[str, str | None]:
    """The version of every library that shapes the output, and Python's."""
    found: dict[str, str | None] = {}
    for name in SHAPING_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    found["python"] = platform.python_version()
    return found


def build_run_report(run: CrawlRun, stats: dict[str, Any], reason: str, *, started_at: str,
                     finished_at: str, settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    table = per_column(stats)
    plan = run.plan
    return {
        "run_id": run.run_id,
        "site": run.site,
        "started_at": started_at,
        "finished_at": finished_at,
        "finish_reason": reason,
        "arguments": {
            "columns": [c.id for c in plan.columns],
            "since": plan.since.isoformat() if plan.since else None,
            "until": plan.until.isoformat() if plan.until else None,
            "base_url": run.profile.base_url,
            "profile": run.profile.source,
            "profile_sha256": run.profile.sha256,
            "mode": run.mode,
            "job": run.job,
        },
        "versions": versions(),
        "settings": dict(settings or {}),
        "columns": {c.id: {**column_report(table.get(c.id, {})),
                           "coverage": stats.get(COVERAGE_PREFIX + c.id, "partial")}
                    for c in plan.columns},
        "totals": {k: v for k, v in stats.items() if k.startswith(PREFIX)
                   and not k.startswith((COLUMN_PREFIX, COVERAGE_PREFIX))},
        "requests": stats.get("downloader/request_count", 0),
    }


def read_run_reports(layout: SiteLayout) -> list[dict[str, Any]]:
    """The site's earlier run reports, oldest first (run ids sort by start time); unreadable
    ones are skipped (``dgportal verify`` reports them)."""
    reports = []
    for path in layout.run_reports():
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(report, dict):
            reports.append(report)
    return reports
