"""``dgportal worker --redis URL``: fetch for the crawls a Redis holds, on any machine.

Joins every crawl running on the Redis (or only ``--site``'s), waiting for one if there is
none yet; fetches from the shared frontier, extracts article pages and hands the results to
the coordinator; exits 0 when the coordinator marks the crawls finished. Needs no archive
and no profile file: both stay with the coordinator. Ctrl-C or SIGTERM gives the requests
it holds back to the frontier (exit 130 / 143); ``kill -9`` loses nothing either (its
leases expire and the coordinator queues them again).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import time
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess

from dgportal_crawler.commands import TryLater
from dgportal_crawler.commands.crawl import check_settings, parse_overrides
from dgportal_crawler.distributed import crawlinfo
from dgportal_crawler.distributed.connect import connect
from dgportal_crawler.distributed.crawlinfo import CrawlInfo
from dgportal_crawler.distributed.names import REFUSED
from dgportal_crawler.distributed.settings import worker_settings
from dgportal_crawler.distributed.worker import WorkerSpider
from dgportal_crawler.outcome import ExitCode

#: Seconds between looks for a crawl to join.
POLL_SECONDS = 0.25


def run(args: argparse.Namespace) -> int:
    overrides = parse_overrides(args.set)
    check_settings(overrides)
    server = connect(args.redis)
    name = args.name or f"{socket.gethostname()}-{os.getpid()}"
    crawls = _crawls_to_join(server, args)
    print(f"worker {name}: joining {', '.join(f'{c.site} (run {c.run_id})' for c in crawls)}",
          file=sys.stderr)
    process = CrawlerProcess(worker_settings(crawls[0], args.redis, name, overrides))
    stopped_by: list[int] = []
    original = process._signal_shutdown

    def record(signum: int, frame: Any) -> None:
        stopped_by.append(signum)
        original(signum, frame)

    process._signal_shutdown = record  # type: ignore[method-assign]
    # The first crawler installs the reactor (CrawlerProcess.create_crawler would, with the
    # process's settings; each crawl has its own).
    crawlers = [Crawler(WorkerSpider, worker_settings(info, args.redis, name, overrides), init_reactor=i == 0)
                for i, info in enumerate(crawls)]
    for crawler in crawlers:
        process.crawl(crawler)
    process.start()
    for info, crawler in zip(crawls, crawlers, strict=True):
        stats = crawler.stats.get_stats() if crawler.stats else {}
        print(f"worker {name}: {info.site}: {stats.get('scheduler/dequeued/redis', 0)} requests "
              f"fetched, {stats.get('downloader/response_count', 0)} responses, "
              f"{stats.get(REFUSED, 0)} late answers dropped; {stats.get('finish_reason')}",
              file=sys.stderr)
    if stopped_by:
        return int(ExitCode.TERMINATED if stopped_by[0] == signal.SIGTERM else ExitCode.INTERRUPTED)
    return int(ExitCode.OK)


def _crawls_to_join(server: Any, args: argparse.Namespace) -> list[CrawlInfo]:
    """The crawls running now; with none, wait (unless ``--no-wait``) until one starts."""
    announced = False
    while True:
        crawls = [c for c in crawlinfo.running(server) if args.site in (None, c.site)]
        if crawls:
            return crawls
        if args.no_wait:
            raise TryLater(f"no crawl{' of ' + args.site if args.site else ''} is running on {args.redis}")
        if not announced:
            print(f"worker: waiting for a crawl on {args.redis}", file=sys.stderr)
            announced = True
        time.sleep(POLL_SECONDS)
