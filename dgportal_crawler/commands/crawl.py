"""``dgportal crawl SITE``: validate the arguments, then run one Scrapy crawl.

Everything the user can get wrong is checked before the reactor starts, so a mistake is one
line and exit code 2, never a traceback from inside Scrapy.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from dgportal_crawler import config
from dgportal_crawler.addon import user_agent
from dgportal_crawler.clock import clock_from_settings
from dgportal_crawler.commands import CommandError, TryLater, locked
from dgportal_crawler.commands.profiles import profile_or_error
from dgportal_crawler.crawlplan import CrawlArgumentError, CrawlPlan, make_plan
from dgportal_crawler.gctune import gc_threshold
from dgportal_crawler.outcome import ExitCode, decide, watch_signals
from dgportal_crawler.profile import SiteProfile
from dgportal_crawler.runcontext import new_run_id
from dgportal_crawler.spiders import spider_class_for
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.origin import OriginMismatch, check_origin
from dgportal_crawler.store.state import StateError, StateStore

#: Seconds to wait for the base URL before calling it unreachable.
REACH_TIMEOUT = 15
#: Where archives go without --out; the demo's own folder keeps replica lines apart.
DEFAULT_ROOT = "archive"
DEMO_ROOT = "archive/demo"


def run(args: argparse.Namespace) -> int:
    """Check everything a user can get wrong (exit 2) and whether the crawl can run now
    (exit 3) before the archive folder is touched; then crawl and decide the outcome."""
    from dgportal_crawler.commands import multicrawl

    if multicrawl.wanted(args):  # towns of the portal: see commands/multicrawl.py
        return multicrawl.run(args)
    if not args.site:
        raise CommandError("give a site (houjie, a profile .toml, towns like houjie,humen) or --all")
    if getattr(args, "redis", None):  # a distributed crawl: see commands/coordinate.py
        from dgportal_crawler.commands import coordinate
        return coordinate.run(args)
    profile, plan, overrides, layout = check_arguments(args)
    with crawl_target(profile, args) as base_url:
        check_origin_of(layout, base_url)  # before the site is contacted
        check_reachable(base_url, user_agent(contact_of(args)))
        with locked(layout):
            preflight_archive(layout, base_url)
            run_id = new_run_id()
            settings = crawl_settings(args, layout, profile, base_url, run_id, overrides)
            settings.set("JOBDIR", str(prepare_jobdir(layout, resume=args.resume)), priority="cmdline")
            # Only the single-process crawl: with it, the distributed coordinator (which shares
            # run_crawler) let two workers' requests through closer than the profile's delay
            # (tests/distributed/test_distributed_politeness.py); not yet understood.
            with quiet_unless_trouble(args.quiet) as held, \
                    gc_threshold(config.get_int(settings, "DGPORTAL_GC_THRESHOLD")):
                stats = run_crawler(settings, profile, args)
                print(f"archive: {layout.site_dir}", file=sys.stderr)
                outcome = decide(stats, [c.id for c in plan.columns])
                held.show = outcome.code != ExitCode.OK
            if stats.get("finish_reason") == "finished":
                shutil.rmtree(layout.job_dir, ignore_errors=True)
    for reason in outcome.reasons:
        print(f"attention: {reason}", file=sys.stderr)
    return int(outcome.code)


def check_arguments(args: argparse.Namespace) -> tuple[SiteProfile, CrawlPlan, dict[str, str], SiteLayout]:
    """Everything a user can get wrong on the command line, as one-line usage errors (exit 2),
    before the site is contacted or the archive touched: the profile, the crawl plan (columns
    and dates), ``-s`` values, the contact and a writable archive folder."""
    if args.demo and args.base_url:
        raise CommandError("--demo crawls its own replica; drop --base-url (or --demo)")
    if args.demo and args.demo_articles < 1:
        raise CommandError("--demo-articles must be at least 1")
    profile = profile_or_error(args.site, args.base_url)
    try:
        plan = make_plan(profile, args.columns, args.since, args.until)
    except CrawlArgumentError as exc:
        raise CommandError(str(exc)) from None
    overrides = parse_overrides(args.set)
    check_settings(overrides)
    contact_of(args)
    layout = SiteLayout.of(args.out or (DEMO_ROOT if args.demo else DEFAULT_ROOT), profile.name)
    check_writable(layout)
    return profile, plan, overrides, layout


def check_writable(layout: SiteLayout) -> None:
    """A folder the archive cannot be written to is a usage error, found before the site is
    contacted and without creating anything."""
    existing = layout.site_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:  # access() says yes to root even where nothing can be written (/proc): really try
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        raise CommandError(f"cannot write the archive at {layout.site_dir}: "
                           f"{exc.strerror or exc} ({existing})") from None


def check_settings(overrides: dict[str, str]) -> None:
    """Bad ``-s`` values are a usage error: one line, before anything starts."""
    settings = Settings()
    settings.setmodule("dgportal_crawler.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    problems = config.check_values(settings)
    try:
        clock_from_settings(settings)
    except (ValueError, ImportError, NameError, AttributeError) as exc:
        problems.append(str(exc))
    if problems:
        raise CommandError("; ".join(problems))


@dataclass
class _Held:
    show: bool = True  # set False once the run turned out clean


@contextlib.contextmanager
def quiet_unless_trouble(quiet: bool) -> Iterator[_Held]:
    """With ``--quiet``, hold back everything the crawl writes to stderr and let it through
    only if the caller says the run needs a look (or something raised), so cron mails only
    on trouble. Without it, nothing is held."""
    held = _Held()
    if not quiet:
        yield held
        return
    real, buffer = sys.stderr, io.StringIO()
    try:
        with contextlib.redirect_stderr(buffer):
            yield held
    finally:
        if held.show:
            real.write(buffer.getvalue())


def check_origin_of(layout: SiteLayout, base_url: str) -> None:
    """An archive made from another site is a usage error: one line, naming both."""
    try:
        check_origin(layout, base_url)
    except OriginMismatch as exc:
        raise CommandError(str(exc)) from None


def preflight_archive(layout: SiteLayout, base_url: str) -> None:
    """Under the lock: refuse an archive made from another site, or whose state cannot be
    opened (corrupt, not ours)."""
    check_origin_of(layout, base_url)
    path = layout.state_file
    if not path.exists():
        return
    try:
        StateStore(path).close()
    except StateError as exc:
        raise CommandError(str(exc)) from None


@contextlib.contextmanager
def crawl_target(profile: SiteProfile, args: argparse.Namespace) -> Iterator[str]:
    """The base URL to crawl: the profile's, --base-url, or a replica started for --demo."""
    if not args.demo:
        yield profile.base_url
        return
    from dgportal_crawler.replica import ReplicaServer

    with ReplicaServer(articles=args.demo_articles) as server:
        print(f"demo: serving the replica at {server.base_url}", file=sys.stderr)
        yield server.base_url


def prepare_jobdir(layout: SiteLayout, *, resume: bool) -> Path:
    """Scrapy's JOBDIR for this site. Kept only by ``--resume`` after a clean interruption
    (Ctrl-C): after a kill its queue and seen-requests files cannot be trusted (requests
    marked seen may never have been answered), so the archive's own state is used instead."""
    jobdir = layout.job_dir
    killed = layout.open_marker.exists()
    if jobdir.exists() and (not resume or killed):
        shutil.rmtree(jobdir)
    return jobdir


def contact_of(args: argparse.Namespace) -> str:
    contact = args.contact or os.environ.get("DGPORTAL_CONTACT", "")
    if any(ord(c) < 32 or ord(c) == 127 for c in contact):
        raise CommandError(f"--contact {contact!r} contains control characters (a line break?)")
    return contact


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"-s expects NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


def check_reachable(base_url: str, agent: str) -> None:
    """Fetch the base URL once; refuse to start a crawl that could only fail."""
    request = urllib.request.Request(base_url, headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=REACH_TIMEOUT) as response:
            response.read(1)
    except urllib.error.HTTPError as exc:
        exc.close()  # the answer's connection, not left to the garbage collector
        raise CommandError(
            f"base URL {base_url} answered HTTP {exc.code} {exc.reason}; check --base-url "
            "or the profile's site.base_url"
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TryLater(f"cannot reach base URL {base_url}: {reason}; try again later") from None


def prepare_run_log(layout: SiteLayout, run_id: str) -> None:
    """Create the run's log file now: Scrapy opens it later, where a read-only or full
    ``runs/`` (or a file in its place) would be a traceback instead of one line."""
    try:
        layout.runs_dir.mkdir(parents=True, exist_ok=True)
        layout.run_log(run_id).touch()
    except OSError as exc:
        raise CommandError(f"{layout.runs_dir}: cannot write the run log there ({exc.strerror or exc}); "
                           "check the archive folder") from None


def crawl_settings(
    args: argparse.Namespace, layout: SiteLayout, profile: SiteProfile, base_url: str, run_id: str,
    overrides: dict[str, str],
) -> Settings:
    settings = Settings()
    settings.setmodule("dgportal_crawler.settings", priority="project")
    prepare_run_log(layout, run_id)
    chosen = {
        "DGPORTAL_ARCHIVE_ROOT": str(layout.root),
        "DGPORTAL_PROFILE": profile.source,
        "DGPORTAL_BASE_URL": base_url,
        "DGPORTAL_RUN_ID": run_id,
        "DGPORTAL_CONTACT": contact_of(args),
        "DGPORTAL_PROGRESS": args.progress,
        "DGPORTAL_MODE": "full" if args.full else "resume" if args.resume else "incremental",
        "DGPORTAL_WARC": not args.no_warc,
        "DGPORTAL_ATTACHMENTS": args.attachments,
        "LOG_FILE": str(layout.run_log(run_id)),
        "LOG_FILE_APPEND": False,
        "DGPORTAL_LOCK_HELD": True,  # taken by this command before the crawl starts
    }
    settings.setdict(chosen, priority="cmdline")
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawler(settings: Settings, profile: SiteProfile, args: argparse.Namespace) -> dict:
    process = CrawlerProcess(settings)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if args.verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.getLogger().addHandler(console)
    try:
        crawler = process.create_crawler(spider_class_for(profile.name))
        watch_signals(process, crawler)
        process.crawl(crawler, columns=args.columns, since=args.since, until=args.until)
        process.start()
    finally:
        logging.getLogger().removeHandler(console)
    print(f"log: {settings['LOG_FILE']}", file=sys.stderr)
    return crawler.stats.get_stats() if crawler.stats else {}
