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
    feed_refs,
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
from dgportal_crawler.extract.feed import Feed, feed_url, parse_feed, rebase
from dgportal_crawler.profile import SiteProfile, TemplateSelectors

#: Redirects followed for one candidate (a bare folder → its slash, an old path → the new).
MAX_HOPS = 2


def discover(site: str, base_url: str, fetcher: BudgetFetcher, catalogue: dict[str, TemplateSelectors],
             known_feeds: Iterable[int] = (), gkmlpt: str = "", feed_depth: int = 3) -> Discovery:
    """``gkmlpt``: the town's disclosure-platform code (from the portal definition), if known;
    ``feed_depth``: levels of child feeds read below a feed (DGPORTAL_FEED_MAX_DEPTH)."""
    found = Discovery(site, base_url)
    profile = stub_profile(site, base_url, catalogue)
    try:
        home_feeds = _walk(found, fetcher, profile)
        if found.columns:
            _feeds(found, fetcher, [*known_feeds, *home_feeds], profile, feed_depth)
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


def _walk(found: Discovery, fetcher: BudgetFetcher, profile: SiteProfile) -> list[int]:
    """Walk the navigation; the feeds the home page's scripts load."""
    home = _get(fetcher, found.base_url)
    if home is None or home[1] != 200:
        found.problem = "robots.txt disallows the home page" if home is None else \
            f"the home page answered HTTP {home[1]}"
        return []
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
    return feed_refs(home[2])


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


def _feeds(found: Discovery, fetcher: BudgetFetcher, known: Iterable[int], profile: SiteProfile,
           depth: int) -> None:
    """Read each feed a list page names, the portal definition knows or the home page loads,
    and their children (``depth`` levels, each feed once: a child naming its parent or itself
    is not read again); keep a feed on the column whose folder holds its articles. A child
    feed whose articles are in a folder no link led to becomes a column of its own."""
    named = [c.feed for c in found.columns if c.feed]
    for column in found.columns:
        column.feed = None
    queue = [(feed_id, 0, "") for feed_id in dict.fromkeys([*named, *known])]
    seen = {feed_id for feed_id, _, _ in queue}
    while queue:
        feed_id, level, parent = queue.pop(0)
        feed = _read_feed(found, fetcher, feed_id, parent)
        if feed is None:
            continue
        _attach(found, fetcher, feed, profile)
        children = [c for c in feed.children if c not in seen] if level < depth else []
        seen.update(children)
        queue += [(child, level + 1, feed.name or f"feed {feed_id}") for child in children]


def _read_feed(found: Discovery, fetcher: BudgetFetcher, feed_id: int, parent: str) -> Feed | None:
    """The feed, with its finding noted; None when it could not be read."""
    url = feed_url(found.base_url, feed_id)
    finding = FeedFinding(feed_id, "", parent=parent)
    found.feeds.append(finding)
    got = _get(fetcher, url)
    if got is None or got[1] != 200:
        finding.note = "robots.txt disallows it" if got is None else f"HTTP {got[1]}"
        return None
    try:
        feed = parse_feed(got[2], url)
    except ExtractionError as exc:
        finding.note = str(exc)
        return None
    finding.entries = len(feed.entries)
    finding.newest = max((e.date for e in feed.entries if e.date), default=None)
    finding.children = list(feed.children)
    return feed


def _attach(found: Discovery, fetcher: BudgetFetcher, feed: Feed, profile: SiteProfile) -> None:
    finding = found.feeds[-1]
    folders = {rebase(e.url, found.base_url).split("content/", 1)[0] for e in feed.entries}
    folder = next(iter(folders)) if len(folders) == 1 else ""
    owner = next((c for c in found.columns if c.folder == folder), None) if folder else None
    if owner is None and folder and finding.parent:
        owner = _child_column(found, fetcher, folder, feed, profile)
    if owner is None:
        finding.note = ("empty" if not feed.entries and not feed.children else
                        f"a parent of {len(feed.children)} feeds" if not feed.entries else
                        "its articles' folder is no list" if folder and finding.parent else
                        "its articles are in no single column found")
    elif owner.feed is not None and owner.feed != finding.feed:
        finding.note = f"its articles are listed by feed {owner.feed} too"
    else:
        finding.column_url = owner.folder
        owner.feed = finding.feed


def _child_column(found: Discovery, fetcher: BudgetFetcher, folder: str, feed: Feed,
                  profile: SiteProfile) -> Candidate | None:
    """The folder a child feed's articles are in, probed as a column (and shown in the table
    whatever it is); None when it is no list."""
    candidate, _ = _probe(fetcher, folder, feed.name, profile, found.display_name)
    if any(c.folder == candidate.folder for c in found.candidates):
        return None
    found.candidates.append(candidate)
    if candidate.kind != "list":
        return None
    candidate.parent = candidate.parent or found.feeds[-1].parent
    candidate.feed = None
    return candidate
