"""The end-of-run summary: one row per column, on stderr and in the run's log (a scrapyd job's
log is the only place an unattended run shows it). Health warnings come from the archive
session (see :mod:`dgportal_crawler.health`)."""

from __future__ import annotations

import io
import logging
import sys

from rich.console import Console
from rich.table import Table
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from dgportal_crawler import config
from dgportal_crawler.runcontext import CrawlRun, crawl_run
from dgportal_crawler.stats import COVERAGE_PREFIX, SUMMARY_COLUMNS, per_column, route_of, summary_rows

logger = logging.getLogger(__name__)

#: Width of the table when stderr is not a terminal.
SUMMARY_WIDTH = 150


def summary_table(run: CrawlRun, rows: list[dict], reason: str, stats: dict) -> Table:
    names = {c.id: c.name for c in run.profile.columns}
    table = Table(title=f"dgportal crawl {run.site}: {reason}")
    table.add_column("column")
    for title, _ in SUMMARY_COLUMNS:
        table.add_column(title, justify="right")
    table.add_column("coverage")
    # a route column only when some column has a feed: list-only tables stay as they were
    feeds = {c.id: c.feed for c in run.plan.columns if c.feed}
    if feeds:
        table.add_column("route")
    counters = per_column(stats)
    for row in rows:
        label = f"{row['column']} {names.get(row['column'], '')}".strip()
        coverage = stats.get(COVERAGE_PREFIX + row["column"], "")
        cells = [label, *(str(row[k]) for _, k in SUMMARY_COLUMNS), coverage]
        if feeds:
            route = route_of(counters.get(row["column"], {})) if row["column"] != "total" else ""
            cells.append(f"{route} {feeds[row['column']]}" if route == "feed" else route)
        table.add_row(*cells)
    return table


class RunSummary:
    def __init__(self, crawler: Crawler, run: CrawlRun, console: Console | None) -> None:
        self.crawler, self.run, self.console = crawler, run, console

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        run = crawl_run(crawler)
        if run is None:
            raise NotConfigured  # not an archive crawl
        console = None
        if config.get_bool(crawler.settings, "DGPORTAL_SUMMARY"):
            # Logs and cron mail are not terminals: give the table room instead of 80 columns.
            console = Console(stderr=True, width=None if sys.stderr.isatty() else SUMMARY_WIDTH)
        ext = cls(crawler, run, console)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        rows = summary_rows(stats, [c.id for c in self.run.plan.columns])
        table = summary_table(self.run, rows, reason, stats)
        text = io.StringIO()
        Console(file=text, width=SUMMARY_WIDTH, color_system=None).print(table)
        logger.info("end-of-run summary:\n%s", text.getvalue().rstrip())
        if self.console is not None:
            self.console.print(table)
