"""``dgportal discover SITE``: find a town's columns from its own pages and write a profile."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from scrapy.settings import Settings

from dgportal_crawler import config
from dgportal_crawler.addon import user_agent
from dgportal_crawler.commands import CommandError, TryLater
from dgportal_crawler.commands.crawl import check_settings, parse_overrides
from dgportal_crawler.commands.sites import portal_or_error
from dgportal_crawler.discover.catalogue import load_catalogue
from dgportal_crawler.discover.fetch import BudgetFetcher
from dgportal_crawler.discover.model import Discovery
from dgportal_crawler.discover.run import discover
from dgportal_crawler.discover.write import column_ids, profile_toml
from dgportal_crawler.portal import SITE_ID
from dgportal_crawler.profile import ProfileError, _check_base_url, load_profile

HEADER = ("column", "name", "parent", "list URL", "feed", "template", "page 1", "newest")


def run(args: argparse.Namespace) -> int:
    base_url, known_feeds = _target(args)
    overrides = parse_overrides(args.set)
    check_settings(overrides)
    portal = portal_or_error()
    code = portal.site(args.site).gkmlpt if args.site in portal.site_ids else ""
    found = discover_site(args.site, base_url, known_feeds, overrides, args.contact,
                          Path(args.write) if args.write else None, code)
    if found.problem:
        raise TryLater(f"discover {args.site}: {found.problem}")
    return 0 if found.columns and not found.stopped_early else 1


def discover_site(site: str, base_url: str, known_feeds: tuple[int, ...], overrides: dict[str, str],
                  contact: str | None, write: Path | None, gkmlpt: str = "") -> Discovery:
    """Discover one site, print the table and what happened, write the profile if asked
    (and anything was found)."""
    settings = Settings()
    settings.setdict(overrides, priority="cmdline")
    budget = config.get_int(settings, "DGPORTAL_DISCOVER_MAX_REQUESTS")
    delay = politeness_delay(overrides)
    agent = user_agent(contact or os.environ.get("DGPORTAL_CONTACT", ""))
    catalogue = load_catalogue()
    found = discover(site, base_url, BudgetFetcher(agent, budget=budget, delay=delay), catalogue, known_feeds,
                     gkmlpt, config.get_int(settings, "DGPORTAL_FEED_MAX_DEPTH"))
    if found.problem:
        return found
    print_table(found)
    if found.stopped_early:
        print(f"discover: stopped after {found.requests} requests (DGPORTAL_DISCOVER_MAX_REQUESTS="
              f"{budget}); the table and any profile are partial", file=sys.stderr)
    if write is not None and found.columns:
        write_profile(write, profile_toml(found, catalogue, _suffixes(found.display_name)))
        print(f"discover: wrote {len(found.columns)} columns to {write}; review it, then "
              f"dgportal crawl {write}", file=sys.stderr)
    if not found.columns:
        print(f"discover: no column list found under {base_url}", file=sys.stderr)
    return found


def politeness_delay(overrides: dict[str, str]) -> float | None:
    """The user's ``-s DOWNLOAD_DELAY`` (checked as a number by ``check_settings``), which
    holds on every host as in a crawl; None when not given: the crawl's default then applies
    (:func:`dgportal_crawler.addon.request_delay`)."""
    return float(overrides["DOWNLOAD_DELAY"]) if "DOWNLOAD_DELAY" in overrides else None


def _target(args: argparse.Namespace) -> tuple[str, tuple[int, ...]]:
    """The base URL to discover and the feed ids the portal definition knows for the site."""
    portal = portal_or_error()
    known = portal.site(args.site).feeds if args.site in portal.site_ids else ()
    if not SITE_ID.match(args.site):
        raise CommandError(f"site {args.site!r} must be lower-case letters, digits, - or _ "
                           f"(a town's path prefix, e.g. {', '.join(portal.site_ids[:3])})")
    if args.base_url:
        try:
            return _check_base_url("--base-url", "", args.base_url), known
        except ProfileError as exc:
            raise CommandError(f"--base-url: {exc.problem}") from None
    if args.site not in portal.site_ids:
        raise CommandError(f"unknown site {args.site!r}; the portal's sites: {', '.join(portal.site_ids)} "
                           "(or give --base-url)")
    return portal.site_url(args.site), known


def _suffixes(name: str) -> list[str]:
    """The site's name in simplified and traditional characters (captures are converted)."""
    import opencc

    return list(dict.fromkeys(n for n in (name, opencc.OpenCC("s2t").convert(name)) if n))


def print_table(found: Discovery) -> None:
    ids = dict(zip((id(c) for c in found.columns), column_ids(found.columns, found.base_url), strict=True))
    rows = [HEADER]
    for c in found.candidates:
        if c.kind == "list":
            rows.append((ids[id(c)], c.name, c.parent, c.url, str(c.feed or "-"), c.template, str(c.entries),
                         c.newest.isoformat() if c.newest else "-"))
        else:
            rows.append(("-", c.link_text, "", c.url, "-", f"{c.kind}: {c.note}", "", ""))
    for f in found.feeds:
        if not f.column_url:
            rows.append(("-", f"feed {f.feed}", f.parent, "", str(f.feed), f"feed: {f.note}", str(f.entries), ""))
    for row in rows:
        print("\t".join(row))
    print(f"{len(found.columns)} columns, {len(found.candidates) - len(found.columns)} other links, "
          f"{found.requests} requests", file=sys.stderr)


def write_profile(path: Path, text: str) -> None:
    """Write atomically, then read it back as a profile: a file we cannot load is not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as tmp:
            tmp.write(text)
        os.replace(tmp.name, path)
    except OSError as exc:
        raise CommandError(f"--write {path}: {exc.strerror or exc}") from None
    try:
        load_profile(path)
    except ProfileError as exc:
        raise CommandError(f"discover wrote a profile that does not load ({exc}); please report it") from None
