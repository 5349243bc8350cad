"""``dgportal sites``: the towns and streets of the portal, and what we know of each."""

from __future__ import annotations

import argparse
from pathlib import Path

from dgportal_crawler.commands import CommandError
from dgportal_crawler.portal import Portal, PortalError, load_portal
from dgportal_crawler.profile import builtin_sites
from dgportal_crawler.store.layout import SiteLayout

#: How a town's columns are known: a reviewed profile ships with the crawler, or discovery.
PROFILE, DISCOVERED = "profile", "discovered"


def portal_or_error(path: str | None = None) -> Portal:
    try:
        return load_portal(path)
    except PortalError as exc:
        raise CommandError(str(exc)) from None


def last_crawl(root: str | Path, site: str) -> str:
    """The day of the newest run report in ``<root>/<site>/runs`` (run ids start with the
    UTC start time, ``20261125T173008Z-…``), or ``-`` when the site was never crawled."""
    reports = SiteLayout.of(root, site).run_reports()
    if not reports:
        return "-"
    stamp = reports[-1].stem
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if stamp[:8].isdigit() else "-"


def rows(portal: Portal, root: str | Path) -> list[tuple[str, str, str, str]]:
    reviewed = set(builtin_sites())
    return [
        (s.id, s.name, PROFILE if s.id in reviewed else DISCOVERED, last_crawl(root, s.id))
        for s in portal.sites
    ]


def run(args: argparse.Namespace) -> int:
    portal = portal_or_error(args.portal)
    table = rows(portal, args.out)
    width = max(len(r[0]) for r in table)
    print(f"{'site':<{width}}  {'name':<12}  {'columns':<10}  last crawl")
    for site, name, how, last in table:
        # a CJK character takes two columns on a terminal: pad by display width
        pad = " " * max(0, 12 - 2 * len(name))
        print(f"{site:<{width}}  {name}{pad}  {how:<10}  {last}")
    return 0
