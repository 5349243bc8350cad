"""``scrapy crawl`` inside the project, with the same exit codes as ``dgportal crawl``.

Scrapy's own command exits 0 whatever happened; scrapyd and cron need to know. Bad ``-s``
values are refused before anything starts (exit 2, one line); after the crawl the outcome
(:func:`dgportal_crawler.outcome.decide`) gives the code. A spider that is not ours runs
exactly as under Scrapy's command.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from dgportal_crawler import config
from dgportal_crawler.outcome import ExitCode, decide, watch_signals
from dgportal_crawler.runcontext import crawl_run
from dgportal_crawler.scrapy_commands import refuse_unknown_spiders


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings is not None
        problems = config.check_values(self.settings)
        if problems:
            print(f"scrapy crawl: error: {'; '.join(problems)}", file=sys.stderr)
            self.exitcode = int(ExitCode.USAGE)
            return
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        if refuse_unknown_spiders(self, "crawl", args):
            return
        crawler = self._create_crawler(args[0])
        watch_signals(self.crawler_process, crawler)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        run = crawl_run(crawler)
        stats = crawler.stats.get_stats() if crawler.stats else {}
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif run is not None or stats.get("finish_reason") == "bad_arguments":
            outcome = decide(stats, [c.id for c in run.plan.columns] if run else [],
                             scheduled=run is not None and run.job is not None)
            for reason in outcome.reasons:
                print(f"attention: {reason}", file=sys.stderr)
            self.exitcode = int(outcome.code)
