"""Column feeds (``/postmeta/i/<column id>.json``) → article entries. Pure: bytes in.

The platform's feed (site-notes, "The whole portal"): ``{"articles": [{"title", "url",
"created_at" | "date", …}], "children": […]}``; ``created_at`` is seen as text, ``date`` as
epoch seconds on the disclosure platform. Article URLs in a feed are absolute and name the
real host; :func:`rebase` moves one onto the crawl's base URL (a replica's) when its path lies
under the base path.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.listing import ListEntry
from dgportal_crawler.extract.metadata import parse_date

#: The portal's time zone: a feed's epoch seconds are read as a day there.
PORTAL_TZ = ZoneInfo("Asia/Shanghai")
#: A feed larger than this is not read (a wrong URL serving a huge file).
MAX_FEED_BYTES = 20_000_000


@dataclass(slots=True)
class Feed:
    entries: list[ListEntry] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    skipped: int = 0  # entries without a usable URL
    name: str = ""  # the feed's own name (a column's, or a parent's like 专题专栏)


def feed_path(feed_id: int) -> str:
    return f"/postmeta/i/{feed_id}.json"


def feed_url(base_url: str, feed_id: int) -> str:
    """The feed's URL on the base URL's host (feeds live at the portal's root)."""
    return urljoin(base_url, feed_path(feed_id))


def parse_feed(body: bytes, url: str) -> Feed:
    """Entries (absolute URLs, titles, dates) of a feed; ExtractionError when the body is not
    a feed at all (not JSON, no ``articles`` list)."""
    if len(body) > MAX_FEED_BYTES:
        raise ExtractionError(f"feed larger than {MAX_FEED_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExtractionError(f"not a JSON feed ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise ExtractionError("not a feed: no articles list")
    name = data.get("name")
    feed = Feed(children=_children(data.get("children")), name=name.strip() if isinstance(name, str) else "")
    seen: set[str] = set()
    for item in data["articles"]:
        entry = _entry(item, url)
        if entry is None or entry.url in seen:
            feed.skipped += entry is None
            continue
        seen.add(entry.url)
        feed.entries.append(entry)
    return feed


def _children(value: object) -> list[int]:
    items = value if isinstance(value, list) else []
    ids = (c.get("id") if isinstance(c, dict) else c for c in items)
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]


def _entry(item: object, url: str) -> ListEntry | None:
    if not isinstance(item, dict) or not isinstance(item.get("url"), str) or not item["url"].strip():
        return None
    absolute = urljoin(url, item["url"].strip())
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    title = item.get("title") if isinstance(item.get("title"), str) else ""
    return ListEntry(absolute, title.strip(), _date(item))


def _date(item: dict) -> dt.date | None:
    text = item.get("created_at")
    if isinstance(text, str):
        found = parse_date(text)
        if found:
            return found.value.date()
    stamp = item.get("date")
    if isinstance(stamp, int | float) and not isinstance(stamp, bool) and 0 < stamp < 2**37:
        return dt.datetime.fromtimestamp(stamp, PORTAL_TZ).date()
    return None


def rebase(url: str, base_url: str) -> str:
    """``url`` on the base URL's scheme and host when its path lies under the base path (a
    feed names the real host; a crawl of a replica must stay on the replica)."""
    parts, base = urlsplit(url), urlsplit(base_url)
    if (parts.scheme, parts.netloc) == (base.scheme, base.netloc) or not parts.path.startswith(base.path):
        return url
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
