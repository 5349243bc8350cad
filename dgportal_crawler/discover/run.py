"""The discovery walk: the home page's links, each candidate's first page, then the feeds.

Every request goes through a :class:`BudgetFetcher`; when the budget is spent the walk stops
and :class:`Discovery` says so (``stopped_early``) with what it found until then.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from dgportal_crawler.commands.clean import Skip
from dgportal_crawler.discover.classify import (
    category_id,
    column_names,
    folder_of,
    nav_links,
    read_list,
    site_name,
    stub_profile,
)
from dgportal_crawler.discover.fetch import BudgetFetcher, BudgetSpent
from dgportal_crawler.discover.gkmlpt import probe_platform
from dgportal_crawler.discover.model import Candidate, Discovery, FeedFinding
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.feed import feed_url, parse_feed, rebase
from dgportal_crawler.profile import SiteProfile, TemplateSelectors

#: Redirects followed for one candidate (a bare folder → its slash, an old path → the new).
MAX_HOPS = 2


def discover(site: str, base_url: str, fetcher: BudgetFetcher, catalogue: dict[str, TemplateSelectors],
             known_feeds: Iterable[int] = (), gkmlpt: str = "") -> Discovery:
    """``gkmlpt``: the town's disclosure-platform code (from the portal definition), if known."""
    found = Discovery(site, base_url)
    profile = stub_profile(site, base_url, catalogue)
    try:
        _walk(found, fetcher, profile)
        if found.columns:
            _feeds(found, fetcher, known_feeds)
        if gkmlpt and not found.problem:
            found.candidates += probe_platform(lambda url: _get(fetcher, url), base_url, gkmlpt)
    except BudgetSpent:
        found.stopped_early = True
    except Skip as exc:  # the home page unreachable: nothing to walk
        found.problem = f"{base_url}: {exc}"
    found.requests = fetcher.used
    return found


def _get(fetcher: BudgetFetcher, url: str) -> tuple[str, int, bytes] | None:
    """(final URL, status, body), following on-site redirects; None when robots.txt forbids."""
    for _hop in range(MAX_HOPS + 1):
        if not fetcher.allowed(url):
            return None
        status, _, headers, body = fetcher.get(url)
        location = dict((k.lower(), v) for k, v in headers).get("location")
        target = urljoin(url, location) if location else ""
        # only redirects on the same host are followed: another host is another site
        if not (300 <= status < 400 and target) or urlsplit(target).netloc != urlsplit(url).netloc:
            return url, status, body
        url = target
    return url, status, body


def _walk(found: Discovery, fetcher: BudgetFetcher, profile: SiteProfile) -> None:
    home = _get(fetcher, found.base_url)
    if home is None or home[1] != 200:
        found.problem = "robots.txt disallows the home page" if home is None else \
            f"the home page answered HTTP {home[1]}"
        return
    found.display_name = site_name(home[2])
    queue = list(nav_links(home[2], home[0], found.base_url, profile).items())
    seen = {found.base_url}
    while queue:
        url, text = queue.pop(0)
        if folder_of(url) in seen:
            continue
        seen.add(folder_of(url))
        candidate, body = _probe(fetcher, url, text, profile, found.display_name)
        found.candidates.append(candidate)
        # a section page (or a list's side navigation) may link columns the home page does not
        queue += nav_links(body, candidate.url, found.base_url, profile).items() if body else []


def _probe(fetcher: BudgetFetcher, url: str, text: str, profile: SiteProfile,
           site: str) -> tuple[Candidate, bytes]:
    got = _get(fetcher, url)
    if got is None:
        return Candidate(url, text, "skipped", note="robots.txt disallows it"), b""
    final, status, body = got
    candidate = Candidate(final, text)
    if status != 200:
        candidate.note = f"HTTP {status}"
        return candidate, b""
    try:
        reading = read_list(body, final, profile)
    except ExtractionError as exc:
        candidate.note = str(exc)
        return candidate, b""
    if not reading.template:
        candidate.note = (f"{reading.linked_articles} article links, no known template"
                          if reading.linked_articles else "no list entries")
        return candidate, body
    parent, name = column_names(body, profile, reading.template, site)
    candidate.kind, candidate.template = "list", reading.template
    candidate.entries, candidate.newest = reading.entries, reading.newest
    candidate.parent, candidate.name = parent, name or text
    candidate.feed = category_id(body)  # confirmed (or dropped) when the feed is read
    return candidate, body


def _feeds(found: Discovery, fetcher: BudgetFetcher, known: Iterable[int]) -> None:
    """Read each feed a list page names or the portal definition knows; keep it on the column
    whose folder holds its articles."""
    named = [c.feed for c in found.columns if c.feed]
    by_folder = {c.folder: c for c in found.columns}
    for column in found.columns:
        column.feed = None
    for feed_id in dict.fromkeys([*named, *known]):
        url = feed_url(found.base_url, feed_id)
        got = _get(fetcher, url)
        finding = FeedFinding(feed_id, "")
        found.feeds.append(finding)
        if got is None or got[1] != 200:
            finding.note = "robots.txt disallows it" if got is None else f"HTTP {got[1]}"
            continue
        try:
            feed = parse_feed(got[2], url)
        except ExtractionError as exc:
            finding.note = str(exc)
            continue
        folders = {rebase(e.url, found.base_url).split("content/", 1)[0] for e in feed.entries}
        finding.entries = len(feed.entries)
        finding.newest = max((e.date for e in feed.entries if e.date), default=None)
        owner = by_folder.get(next(iter(folders))) if len(folders) == 1 else None
        if owner is None:
            finding.note = "empty" if not feed.entries else "its articles are in no single column found"
            continue
        finding.column_url = owner.folder
        owner.feed = feed_id
