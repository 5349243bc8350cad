"""The end-of-run summary: one row per column, and a loud warning when a column needed the
fallback extractor too often (the site's template has probably changed)."""

from __future__ import annotations

import logging
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from dgportal_crawler.stats import fallback_rate, per_column

logger = logging.getLogger(__name__)

#: Width of the table when stderr is not a terminal.
SUMMARY_WIDTH = 120

COLUMNS = (
    ("list pages", "list_pages"),
    ("listed", "listed"),
    ("known", "skipped_known"),
    ("stored", "stored"),
    ("unchanged", "unchanged"),
    ("withdrawn", "withdrawn"),
    ("duplicate", "duplicate"),
    ("failed", "failed"),
    ("fallback", "fallback"),
)


def summary_rows(stats: dict[str, Any], column_ids: list[str]) -> list[dict[str, int]]:
    """Rows in profile order for every crawled column, then a total row."""
    table = per_column(stats)
    keys = [k for _, k in COLUMNS] + ["extracted", "list_failed"]
    rows = [{"column": c, **{k: table.get(c, {}).get(k, 0) for k in keys}} for c in column_ids]
    total = {"column": "total", **{k: sum(r[k] for r in rows) for k in keys}}
    return [*rows, total]


def fallback_alerts(rows: list[dict[str, Any]], rate: float) -> list[str]:
    alerts = []
    for row in rows[:-1]:
        if fallback_rate(row) > rate:
            alerts.append(
                f"column {row['column']}: {row['fallback']} of {row['extracted']} articles needed "
                f"the fallback extractor (> {rate:.0%}); its template has probably changed"
            )
    return alerts


class RunSummary:
    def __init__(self, crawler: Crawler, rate: float, console: Console) -> None:
        self.crawler, self.rate, self.console = crawler, rate, console

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        if not crawler.settings.getbool("DGPORTAL_SUMMARY", True):
            raise NotConfigured("summary off")
        rate = crawler.settings.getfloat("DGPORTAL_FALLBACK_WARN_RATE", 0.05)
        # Logs and cron mail are not terminals: give the table room instead of 80 columns.
        console = Console(stderr=True, width=None if sys.stderr.isatty() else SUMMARY_WIDTH)
        ext = cls(crawler, rate, console)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, reason: str) -> None:
        spider = self.crawler.spider
        if spider.plan is None:  # closed for bad arguments before anything was crawled
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        rows = summary_rows(stats, [c.id for c in spider.plan.columns])
        names = {c.id: c.name for c in spider.profile.columns}
        table = Table(title=f"dgportal crawl {spider.name}: {reason}")
        table.add_column("column")
        for title, _ in COLUMNS:
            table.add_column(title, justify="right")
        for row in rows:
            label = f"{row['column']} {names.get(row['column'], '')}".strip()
            table.add_row(label, *(str(row[k]) for _, k in COLUMNS))
        self.console.print(table)
        for alert in fallback_alerts(rows, self.rate):
            logger.warning(alert)  # once: the run log and the console both show it
