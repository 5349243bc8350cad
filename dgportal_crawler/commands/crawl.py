"""``dgportal crawl SITE``: validate the arguments, then run one Scrapy crawl.

Everything the user can get wrong is checked before the reactor starts, so a mistake is one
line and exit code 2, never a traceback from inside Scrapy.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from dgportal_crawler.addon import user_agent
from dgportal_crawler.commands import CommandError, locked
from dgportal_crawler.commands.profiles import profile_or_error
from dgportal_crawler.crawlplan import CrawlArgumentError, make_plan
from dgportal_crawler.extensions.archive import OPEN_MARKER
from dgportal_crawler.extensions.summary import fallback_alerts, summary_rows
from dgportal_crawler.profile import SiteProfile
from dgportal_crawler.runinfo import new_run_id
from dgportal_crawler.spiders.columns import spider_class_for
from dgportal_crawler.store.state import StateError, StateStore

#: Seconds to wait for the base URL before calling it unreachable.
REACH_TIMEOUT = 15
JOB_FOLDER = "job"


def run(args: argparse.Namespace) -> int:
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
    site_dir = Path(args.out) / profile.name
    with locked(site_dir), _target(profile, args) as base_url:
        preflight_archive(site_dir)
        check_reachable(base_url, user_agent(_contact(args)))
        run_id = new_run_id()
        settings = crawl_settings(args, profile, base_url, run_id, overrides)
        settings.set("JOBDIR", str(prepare_jobdir(site_dir, resume=args.resume)), priority="cmdline")
        stats = _crawl(settings, profile, args)
        if stats.get("finish_reason") == "finished":
            shutil.rmtree(site_dir / JOB_FOLDER, ignore_errors=True)
    print(f"archive: {site_dir}", file=sys.stderr)
    columns = [c.id for c in plan.columns]
    return exit_code(stats, columns, settings.getfloat("DGPORTAL_FALLBACK_WARN_RATE"))


def exit_code(stats: dict, columns: list[str], fallback_rate: float) -> int:
    """0 only for a finished run with no failed page, no logged error and no column whose
    template looks changed; say why otherwise."""
    rows = summary_rows(stats, columns)
    reasons = []
    if stats.get("finish_reason") != "finished":
        reasons.append(f"the run ended with {stats.get('finish_reason')!r}")
    if rows[-1]["failed"]:
        reasons.append(f"{rows[-1]['failed']} page(s) failed")
    if rows[-1]["list_failed"]:
        reasons.append("list pages failed: incremental runs stop at known entries and may not "
                       "reach the pages missed; run once with --full when the site answers again")
    if stats.get("log_count/ERROR"):
        reasons.append(f"{stats['log_count/ERROR']} error(s) in the log")
    if fallback_alerts(rows, fallback_rate):
        reasons.append("a column's template looks changed (see the warning above)")
    for reason in reasons:
        print(f"attention: {reason}", file=sys.stderr)
    return 1 if reasons else 0


def preflight_archive(site_dir: Path) -> None:
    """Refuse to start on an archive whose state cannot be opened (corrupt, not ours)."""
    path = site_dir / "state.sqlite"
    if not path.exists():
        return
    try:
        StateStore(path).close()
    except StateError as exc:
        raise CommandError(str(exc)) from None


@contextlib.contextmanager
def _target(profile: SiteProfile, args: argparse.Namespace) -> Iterator[str]:
    """The base URL to crawl: the profile's, --base-url, or a replica started for --demo."""
    if not args.demo:
        yield profile.base_url
        return
    from dgportal_crawler.replica import ReplicaServer

    with ReplicaServer(articles=args.demo_articles) as server:
        print(f"demo: serving the replica at {server.base_url}", file=sys.stderr)
        yield server.base_url


def prepare_jobdir(site_dir: Path, *, resume: bool) -> Path:
    """Scrapy's JOBDIR for this site. Kept only by ``--resume`` after a clean interruption
    (Ctrl-C): after a kill its queue and seen-requests files cannot be trusted (requests
    marked seen may never have been answered), so the archive's own state is used instead."""
    jobdir = site_dir / JOB_FOLDER
    killed = (site_dir / OPEN_MARKER).exists()
    if jobdir.exists() and (not resume or killed):
        shutil.rmtree(jobdir)
    return jobdir


def _contact(args: argparse.Namespace) -> str:
    return args.contact or os.environ.get("DGPORTAL_CONTACT", "")


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
        raise CommandError(
            f"base URL {base_url} answered HTTP {exc.code} {exc.reason}; check --base-url "
            "or the profile's site.base_url"
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CommandError(f"cannot reach base URL {base_url}: {reason}") from None


def crawl_settings(
    args: argparse.Namespace, profile: SiteProfile, base_url: str, run_id: str,
    overrides: dict[str, str],
) -> Settings:
    settings = Settings()
    settings.setmodule("dgportal_crawler.settings", priority="project")
    out = Path(args.out)
    log_dir = out / profile.name / "runs"
    log_dir.mkdir(parents=True, exist_ok=True)
    chosen = {
        "DGPORTAL_ARCHIVE_ROOT": str(out),
        "DGPORTAL_PROFILE": profile.source,
        "DGPORTAL_BASE_URL": base_url,
        "DGPORTAL_RUN_ID": run_id,
        "DGPORTAL_CONTACT": _contact(args),
        "DGPORTAL_PROGRESS": args.progress,
        "DGPORTAL_MODE": "full" if args.full else "resume" if args.resume else "incremental",
        "DGPORTAL_WARC": not args.no_warc,
        "DGPORTAL_ATTACHMENTS": args.attachments,
        "LOG_FILE": str(log_dir / f"{run_id}.log"),
        "LOG_FILE_APPEND": False,
        "DGPORTAL_LOCK_HELD": True,  # taken by this command before the crawl starts
    }
    settings.setdict(chosen, priority="cmdline")
    settings.setdict(overrides, priority="cmdline")
    return settings


def _crawl(settings: Settings, profile: SiteProfile, args: argparse.Namespace) -> dict:
    process = CrawlerProcess(settings)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if args.verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.getLogger().addHandler(console)
    try:
        crawler = process.create_crawler(spider_class_for(profile.name))
        process.crawl(crawler, columns=args.columns, since=args.since, until=args.until)
        process.start()
    finally:
        logging.getLogger().removeHandler(console)
    print(f"log: {settings['LOG_FILE']}", file=sys.stderr)
    return crawler.stats.get_stats() if crawler.stats else {}
