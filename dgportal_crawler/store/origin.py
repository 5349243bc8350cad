"""One origin per archive folder: the site an archive was made from, recorded once in
``origin.json``; a crawl of another origin into the same folder is refused, so demo lines and
real lines never mix and re-checks never go to a site the archive does not come from.

Loopback hosts count as one origin whatever the port (the replica gets a new port each time
it starts); elsewhere the origin is the host and any explicit port (http and https alike).
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from urllib.parse import urlsplit

from dgportal_crawler.store.atomic import write_atomic
from dgportal_crawler.store.layout import SiteLayout

LOOPBACK = "loopback"


class OriginMismatch(Exception):
    """The archive was made from another origin; the message says how to choose another folder."""


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        if host == "localhost" or ipaddress.ip_address(host).is_loopback:
            return LOOPBACK
    except ValueError:
        pass
    return f"{host}:{parts.port}" if parts.port else host


def recorded_origin(layout: SiteLayout) -> dict[str, str] | None:
    try:
        data = json.loads(layout.origin_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # unreadable: treated as unrecorded; `dgportal verify` lists it
    return data if isinstance(data, dict) and isinstance(data.get("origin"), str) else None


def check_origin(layout: SiteLayout, base_url: str) -> None:
    """Raise :class:`OriginMismatch` when the archive at ``layout`` comes from another origin."""
    recorded = recorded_origin(layout)
    if recorded is None or recorded["origin"] == origin_of(base_url):
        return
    made_from = recorded.get("base_url", recorded["origin"])
    raise OriginMismatch(
        f"{layout.site_dir} was made from {made_from}; not adding pages from {base_url} to it "
        f"(a different site): choose another folder with --out (e.g. --out {_suggest(layout, base_url)})"
    )


def record_origin(layout: SiteLayout, base_url: str, at: str) -> None:
    """Record the origin the first time an archive is written; never change it afterwards."""
    if recorded_origin(layout) is not None:
        return
    data = {"origin": origin_of(base_url), "base_url": base_url, "recorded_at": at}
    write_atomic(layout.origin_file, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())


def _suggest(layout: SiteLayout, base_url: str) -> Path:
    name = "replica" if origin_of(base_url) == LOOPBACK else origin_of(base_url).replace(":", "_")
    return layout.root / name
