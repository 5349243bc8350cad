"""``dgportal crawl houjie,humen`` / ``--all`` / ``SITE --discover``: several towns of the
portal, one after another, each in its own archive folder with its own report.

Each site is an ordinary ``dgportal crawl PROFILE`` in a child process (a Twisted reactor
runs once per process), so locks, resume, exit codes and reports are exactly a single crawl's.
Sites run one at a time: the portal is one host, and one crawl at a time is the politeness
the single crawl already keeps; :class:`Pacer` keeps its delay between one step and the
next. A site without a reviewed profile is discovered first
(``--discover``, implied by ``--all``) into ``<out>/discovered/<site>.toml``, or crawled with
the profile an earlier discovery left there. The exit code is the worst site's.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dgportal_crawler.addon import is_loopback_url, request_delay
from dgportal_crawler.commands import CommandError
from dgportal_crawler.commands.crawl import DEFAULT_ROOT, check_settings, parse_overrides
from dgportal_crawler.commands.discover import discover_site, politeness_delay
from dgportal_crawler.commands.sites import portal_or_error
from dgportal_crawler.outcome import NAMES, ExitCode
from dgportal_crawler.portal import Portal
from dgportal_crawler.profile import ProfileError, _check_base_url, builtin_sites
from dgportal_crawler.store.layout import SiteLayout, discovered_profile

#: Which exit code is worse: an interruption stops everything, a usage error beats a site
#: that could not run now, which beats a finished run that needs a look.
SEVERITY = {0: 0, 1: 1, 3: 2, 2: 3, 143: 4, 130: 5}
INTERRUPTED = (130, 143)


@dataclass
class Pacer:
    """The politeness delay between one step's last request and the next step's first: each
    step (a site's discovery, its crawl) is its own process or fetcher, so none of them knows
    when the previous one last asked the same host."""

    delay: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _ended: float | None = None

    @classmethod
    def for_run(cls, portal_url: str | None, overrides: dict[str, str]) -> Pacer:
        """The delay a crawl of ``portal_url`` keeps between two requests to its host."""
        return cls(request_delay(is_loopback_url(portal_url), politeness_delay(overrides)))

    @contextlib.contextmanager
    def step(self) -> Iterator[None]:
        if self._ended is not None:
            wait = self.delay - (self.clock() - self._ended)
            if wait > 0:
                self.sleep(wait)
        try:
            yield
        finally:
            self._ended = self.clock()


@dataclass
class SiteRun:
    site: str
    profile: str = "-"  # reviewed | discovered | saved
    code: int = 0
    note: str = ""
    report: dict | None = None


def wanted(args: argparse.Namespace) -> bool:
    """Whether this crawl is a portal crawl rather than one profile's."""
    site = getattr(args, "site", None) or ""
    flags = any(getattr(args, name, None) for name in ("all", "discover", "portal_url"))
    if flags or "," in site:
        return True
    # a town of the portal without a reviewed profile (a typo stays the profile loader's error)
    return site not in builtin_sites() and site in portal_or_error().site_ids


def run(args: argparse.Namespace) -> int:
    portal = portal_or_error()
    sites = _sites(args, portal)
    portal_url = _portal_url(args, portal)
    overrides = parse_overrides(args.set)
    check_settings(overrides)
    root = Path(args.out or DEFAULT_ROOT)
    runs: list[SiteRun] = []
    pacer = Pacer.for_run(portal_url or portal.site_url(sites[0]), overrides)
    for site in sites:
        done = _crawl_site(site, args, portal, portal_url, overrides, root, pacer)
        runs.append(done)
        if done.code in INTERRUPTED:
            break
    worst = max((r.code for r in runs), key=lambda c: SEVERITY.get(c, 1), default=0)
    if worst or not args.quiet:  # --quiet: nothing at all on a clean run, as for one site
        print_combined(runs)
    return worst


def _sites(args: argparse.Namespace, portal: Portal) -> list[str]:
    if args.demo or args.redis or args.base_url:
        used = "--demo" if args.demo else "--redis" if args.redis else "--base-url"
        raise CommandError(f"{used} crawls one profile; for towns of the portal use --portal-url")
    if args.all and args.site:
        raise CommandError("give sites or --all, not both")
    if args.columns:
        raise CommandError("--columns names one profile's columns; crawl that profile alone")
    named = (s.strip() for s in (args.site or "").split(","))
    sites = portal.site_ids if args.all else list(dict.fromkeys(s for s in named if s))
    unknown = [s for s in sites if s not in portal.site_ids]
    if not sites or unknown:
        what = f"unknown site {unknown[0]!r}" if unknown else "no site given"
        raise CommandError(f"{what}; the portal's sites: {', '.join(portal.site_ids)}")
    return sites


def _portal_url(args: argparse.Namespace, portal: Portal) -> str | None:
    if not args.portal_url:
        return None
    try:
        return _check_base_url("--portal-url", "", args.portal_url)
    except ProfileError as exc:
        raise CommandError(f"--portal-url: {exc.problem}") from None


def _profile_for(site: str, args: argparse.Namespace, portal: Portal, portal_url: str | None,
                 overrides: dict[str, str], root: Path, pacer: Pacer) -> tuple[SiteRun, list[str]]:
    """How the site is crawled (profile argument and options), or a SiteRun that says why not."""
    base = ["--base-url", portal.site_url(site, portal_url)] if portal_url else []
    if site in builtin_sites():
        return SiteRun(site, "reviewed"), [site, *base]
    saved = discovered_profile(root, site)
    if args.discover or args.all:
        # the discovery table goes to stderr beside the crawl tables (--quiet: nowhere)
        hidden = io.StringIO()
        with contextlib.redirect_stdout(hidden if args.quiet else sys.stderr), \
                contextlib.redirect_stderr(hidden if args.quiet else sys.stderr), pacer.step():
            if not args.quiet:
                print(f"dgportal crawl: discovering {site} …")
            found = discover_site(site, portal.site_url(site, portal_url), portal.site(site).feeds,
                                  overrides, args.contact, saved, portal.site(site).gkmlpt)
        if found.problem or not found.columns:
            return SiteRun(site, "discovered", 1, found.problem or "discovery found no column"), []
        return SiteRun(site, "discovered"), [str(saved)]
    if saved.is_file():
        return SiteRun(site, "saved"), [str(saved), *base]
    return SiteRun(site, "-", 2, f"no profile: add --discover (or dgportal discover {site} --write FILE)"), []


def _crawl_site(site: str, args: argparse.Namespace, portal: Portal, portal_url: str | None,
                overrides: dict[str, str], root: Path, pacer: Pacer) -> SiteRun:
    done, target = _profile_for(site, args, portal, portal_url, overrides, root, pacer)
    if not target:
        return done
    before = set(SiteLayout.of(root, site).run_reports())
    command = [sys.executable, "-m", "dgportal_crawler", "crawl", *target, "--out", str(root),
               *passed_on(args)]
    with pacer.step():
        done.code = subprocess.call(command, stdin=subprocess.DEVNULL)
    new = sorted(set(SiteLayout.of(root, site).run_reports()) - before)
    if new:
        done.report = json.loads(new[-1].read_text(encoding="utf-8"))
    return done


def passed_on(args: argparse.Namespace) -> list[str]:
    """The options every site's crawl gets."""
    out = [f"--progress={args.progress}"]
    for flag, value in (("--since", args.since), ("--until", args.until), ("--contact", args.contact)):
        if value:
            out += [flag, value]
    for flag, on in (("--full", args.full), ("--resume", args.resume), ("--no-warc", args.no_warc),
                     ("--attachments", args.attachments), ("--quiet", args.quiet), ("--verbose", args.verbose)):
        if on:
            out.append(flag)
    for pair in args.set:
        out += ["-s", pair]
    return out


def combined_rows(runs: list[SiteRun]) -> list[tuple[str, ...]]:
    rows = []
    for r in runs:
        columns = (r.report or {}).get("columns", {})
        listed = sum(c.get("listed", 0) for c in columns.values())
        stored = sum(c.get("new", 0) + c.get("updated", 0) for c in columns.values())
        failed = sum(c.get("failed", 0) for c in columns.values())
        outcome = (r.report or {}).get("outcome") or (r.note or _name(r.code))
        rows.append((r.site, r.profile, str(len(columns)), str(listed), str(stored), str(failed),
                     outcome, str(r.code)))
    return rows


def _name(code: int) -> str:
    try:
        return NAMES[ExitCode(code)]
    except ValueError:
        return f"exit {code}"


def print_combined(runs: list[SiteRun]) -> None:
    header = ("site", "profile", "columns", "listed", "stored", "failed", "outcome", "exit")
    rows = [header, *combined_rows(runs)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 2)]
    print(f"dgportal crawl: {len(runs)} sites", file=sys.stderr)
    for row in rows:
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=False))]
        print("  ".join([*cells, row[-2], row[-1]]), file=sys.stderr)
