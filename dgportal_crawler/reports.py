"""The report of one run: ``<site>/runs/<run-id>.json``, written when the run closes."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

import scrapy

from dgportal_crawler import __version__
from dgportal_crawler.stats import PREFIX, fallback_rate, per_column

#: Counters reported per column, besides the fallback rate and failures by reason.
REPORT_COUNTERS = ("list_pages", "listed", "fetched", "new", "updated", "unchanged", "duplicate",
                   "failed", "withdrawn", "fallback")


def column_report(row: dict[str, int]) -> dict[str, Any]:
    report: dict[str, Any] = {name: row.get(name, 0) for name in REPORT_COUNTERS}
    report["fetched"] = sum(row.get(k, 0) for k in ("new", "updated", "unchanged", "failed", "duplicate"))
    report["extracted"] = row.get("extracted", 0)
    report["fallback_rate"] = round(fallback_rate(row), 4)
    report["failed_by_reason"] = {k: v for k, v in row.items() if k.endswith("_failed")}
    return report


def build_run_report(spider: Any, stats: dict[str, Any], reason: str, *, started_at: str,
                     finished_at: str) -> dict[str, Any]:
    table = per_column(stats)
    plan = spider.plan
    return {
        "run_id": spider.run_id,
        "site": spider.profile.name,
        "started_at": started_at,
        "finished_at": finished_at,
        "finish_reason": reason,
        "arguments": {
            "columns": [c.id for c in plan.columns],
            "since": plan.since.isoformat() if plan.since else None,
            "until": plan.until.isoformat() if plan.until else None,
            "base_url": spider.profile.base_url,
            "profile": spider.profile.source,
            "mode": spider.settings.get("DGPORTAL_MODE"),
        },
        "versions": {"dgportal-crawler": __version__, "scrapy": scrapy.__version__,
                     "python": platform.python_version()},
        "columns": {c.id: column_report(table.get(c.id, {})) for c in plan.columns},
        "totals": {k: v for k, v in stats.items() if k.startswith(PREFIX) and "/column/" not in k},
        "requests": stats.get("downloader/request_count", 0),
    }


def write_run_report(site_dir: Path, spider: Any, stats: dict[str, Any], reason: str, *,
                     started_at: str, finished_at: str) -> Path:
    report = build_run_report(spider, stats, reason, started_at=started_at, finished_at=finished_at)
    path = site_dir / "runs" / f"{spider.run_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
