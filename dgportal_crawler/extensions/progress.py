"""A progress bar: articles done out of articles discovered so far.

The total grows while list pages are read, so the bar is honest about what is known. It is
drawn on stderr only when stderr is a terminal (``DGPORTAL_PROGRESS=auto``), never in cron or
CI logs, where Scrapy's periodic log line does the job.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from dgportal_crawler import config
from dgportal_crawler.runcontext import crawl_run
from dgportal_crawler.stats import ARTICLES_DISCOVERED, done_count, list_pages_count

#: How often the bar is redrawn, in seconds.
REFRESH_SECONDS = 0.25


class ProgressBar:
    def __init__(self, crawler: Crawler, console: Console) -> None:
        self.crawler = crawler
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("articles · {task.fields[lists]} list pages"),
            TimeElapsedColumn(),
            console=console,
            auto_refresh=False,
            transient=False,
        )
        self.task_id = self.progress.add_task("crawling", total=None, lists=0)
        self.loop = task.LoopingCall(self.refresh)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressBar:
        mode = config.get_str(crawler.settings, "DGPORTAL_PROGRESS").lower()
        if mode == "off" or (mode == "auto" and not sys.stderr.isatty()) or crawl_run(crawler) is None:
            raise NotConfigured  # expected off-state: no "Disabled" warning
        ext = cls(crawler, Console(stderr=True))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self.progress.start()
        self.loop.start(REFRESH_SECONDS, now=True)

    def refresh(self) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        done = done_count(stats)
        total = int(stats.get(ARTICLES_DISCOVERED, 0)) or None
        lists = list_pages_count(stats)
        self.progress.update(self.task_id, completed=done, total=total, lists=lists)
        self.progress.refresh()

    def spider_closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        self.refresh()
        self.progress.stop()
