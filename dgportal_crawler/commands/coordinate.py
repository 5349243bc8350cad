"""``dgportal crawl SITE --redis URL``: coordinate a crawl that workers on any machine fetch.

The same checks and the same archive as ``dgportal crawl`` (this process is its only
writer); the frontier lives in Redis, where ``dgportal worker --redis URL`` finds it. The
command ends when the frontier is empty and no worker holds work. Run again after a crash
or a Ctrl-C, it continues the unfinished crawl that Redis holds.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from redis import Redis
from scrapy.settings import Settings

from dgportal_crawler.addon import user_agent
from dgportal_crawler.commands import CommandError, TryLater, locked
from dgportal_crawler.commands.crawl import (
    check_arguments,
    check_origin_of,
    check_reachable,
    contact_of,
    crawl_settings,
    crawl_target,
    preflight_archive,
    quiet_unless_trouble,
    run_crawler,
)
from dgportal_crawler.distributed import crawlinfo
from dgportal_crawler.distributed.connect import connect
from dgportal_crawler.distributed.coordinator import BEAT_TTL
from dgportal_crawler.distributed.crawlinfo import CrawlInfo
from dgportal_crawler.distributed.frontier import Frontier
from dgportal_crawler.distributed.settings import fetch_settings, make_coordinator
from dgportal_crawler.outcome import ExitCode, decide
from dgportal_crawler.profile import SiteProfile
from dgportal_crawler.runcontext import new_run_id

#: Seconds a worker may go silent before its requests are given to another (``-s`` to change).
LEASE_SETTING, LEASE_SECONDS = "DGPORTAL_REDIS_LEASE_SECONDS", 30.0


def run(args: argparse.Namespace) -> int:
    if args.attachments:
        raise CommandError("--attachments is not available with --redis yet; crawl without it")
    profile, plan, overrides, layout = check_arguments(args)
    server = connect(args.redis)
    with crawl_target(profile, args) as base_url:
        check_origin_of(layout, base_url)
        check_reachable(base_url, user_agent(contact_of(args)))
        with locked(layout):
            preflight_archive(layout, base_url)
            run_id = new_run_id()
            settings = crawl_settings(args, layout, profile, base_url, run_id, overrides)
            info, resumed = _start_or_continue(server, settings, profile, base_url, run_id, args)
            make_coordinator(settings, info, args.redis)
            with quiet_unless_trouble(args.quiet) as held:
                print(f"{'continuing' if resumed else 'coordinating'} the crawl of {profile.name} "
                      f"(run {run_id}); workers join with: dgportal worker --redis {args.redis}",
                      file=sys.stderr)
                stats = run_crawler(settings, profile, args)
                print(f"archive: {layout.site_dir}", file=sys.stderr)
                outcome = decide(stats, [c.id for c in plan.columns])
                held.show = outcome.code != ExitCode.OK
            if stats.get("finish_reason") == "finished":
                info.finish(server)
    for reason in outcome.reasons:
        print(f"attention: {reason}", file=sys.stderr)
    return int(outcome.code)


def _start_or_continue(server: Redis, settings: Settings, profile: SiteProfile, base_url: str,
                       run_id: str, args: argparse.Namespace) -> tuple[CrawlInfo, bool]:
    """A new crawl (the site's work in Redis emptied first), or the unfinished one Redis
    holds when it asks for the same pages: then its queue, leases and results carry on."""
    holder = crawlinfo.claim(server, profile.name, run_id, BEAT_TTL)
    if holder is not None:
        raise TryLater(f"another coordinator (pid {holder.get('pid')} on {holder.get('host')}) is "
                       f"running the crawl of {profile.name} on this Redis; try again when it ends")
    info = CrawlInfo(
        site=profile.name, run_id=run_id, base_url=base_url, profile_source=profile.source,
        profile_text=crawlinfo.profile_text(profile), fetch_settings=fetch_settings(settings),
        lease_seconds=settings.getfloat(LEASE_SETTING, LEASE_SECONDS),
        warc=not args.no_warc,
        arguments={"columns": args.columns, "since": args.since, "until": args.until,
                   "mode": settings.get("DGPORTAL_MODE")},
    )
    held = crawlinfo.read(server, profile.name)
    if held is not None and held[0] == crawlinfo.RUNNING:
        if not held[1].same_crawl(info):
            crawlinfo.stop_beating(server, profile.name)
            raise CommandError(
                f"Redis holds an unfinished crawl of {profile.name} with other arguments "
                f"({held[1].arguments}, {held[1].base_url}); run that command again to finish it, "
                f"or delete its keys (redis-cli --scan --pattern 'dgportal:{profile.name}:*')")
        if not args.full:  # as --resume after a kill: read every list page, skip what is archived
            settings.set("DGPORTAL_MODE", "resume", priority="cmdline")
        info = replace(info, arguments={**info.arguments, "mode": settings.get("DGPORTAL_MODE")},
                       crawl_id=held[1].crawl_id)
        info.publish(server)
        return info, True
    info = replace(info, crawl_id=run_id)
    Frontier(server, info.keys, info.lease_seconds).flush()
    info.publish(server)
    return info, False
