"""``PortalReplica``: the replica as a portal — the home page with all 32 towns, Houjie as
``Replica`` serves it, the towns of ``towns.py``, the column feeds ``/postmeta/i/<id>.json``
and Huangjiang's disclosure platform (``gkmlpt.py``).

Pure like ``Replica``: a path in, a response out. ``serve()`` serves one of these.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping

from dgportal_crawler.portal import load_portal

from . import gkmlpt
from .model import COLUMN_BY_ID, COLUMNS, SITE_ROOT
from .render import a, t
from .site import _HTML, Replica, ReplicaResponse, _not_found, _redirect
from .town_site import FEED_ORIGIN, TownReplica
from .towns import TOWN_SPECS

#: Houjie's feed id, seen in a public scraper (site-notes); that it is 通知公告 is our choice.
HOUJIE_FEEDS = {9149: COLUMN_BY_ID["tzgg"]}
#: A feed that lists nothing (a column the platform keeps empty), for the feed fallback.
EMPTY_FEED = 10279
_FEED = re.compile(r"^/postmeta/i/([0-9]+)\.json$")
#: The portal's robots.txt is Houjie's (with any --faults rules, which only Houjie's replica
#: knows) and these lines for the rest of the portal, in the same group.
TOWN_ROBOTS = (
    "Disallow: /humen/search/\n"
    "Disallow: /hj/search/\n"
    "Allow: /\n"
)
#: The sites the replica has content for: Houjie and the towns.
CONTENT_SITES = ("houjie", *TOWN_SPECS)


class PortalReplica:
    """``respond(path)`` for the whole portal; ``edition`` and ``set_edition`` are Houjie's
    (the towns have one edition), so the server's control API works unchanged."""

    def __init__(self, houjie: Replica) -> None:
        self.houjie = houjie
        self.towns = {name: TownReplica(spec, houjie.seed, houjie.articles)
                      for name, spec in TOWN_SPECS.items()}
        # Huangjiang's disclosure platform; its articles belong to the hj site
        self.gkmlpt = gkmlpt.GkmlptPlatform(houjie.seed, houjie.articles, site="hj")

    @property
    def edition(self) -> int:
        return self.houjie.edition

    def set_edition(self, n: int) -> None:
        self.houjie.set_edition(n)

    def ground_truth(self, site: str, origin: str = FEED_ORIGIN) -> list[dict]:
        """The answer key of one site (``houjie``, ``humen``, ``hj``); KeyError for another."""
        if site == "houjie":
            return self.houjie.ground_truth(origin)
        platform = self.gkmlpt.ground_truth(origin) if site == self.gkmlpt.site else []
        return self.towns[site].ground_truth(origin) + platform

    def respond(self, path: str, headers: Mapping[str, str] | None = None) -> ReplicaResponse:
        bare = path.split("#", 1)[0].split("?", 1)[0]
        if bare in ("/", "/index.html"):
            return ReplicaResponse(200, {"Content-Type": _HTML}, home_page().encode("utf-8"))
        if bare == "/robots.txt":
            houjie = self.houjie.respond(path)
            return dataclasses.replace(houjie, body=houjie.body + TOWN_ROBOTS.encode("ascii"))
        if bare.startswith(gkmlpt.ROOT):
            return self.gkmlpt.respond(path)
        feed = _FEED.match(bare)
        if feed:
            return self._feed(int(feed.group(1)))
        for town in self.towns.values():
            root = town.town.root
            if bare == root.rstrip("/"):
                return _redirect(root)
            if bare.startswith(root):
                return town.respond(bare)
        return self.houjie.respond(path, headers)

    def _feed(self, feed_id: int) -> ReplicaResponse:
        if feed_id == EMPTY_FEED:
            data = {"id": feed_id, "name": "专题专栏", "children": [], "articles": []}
        elif feed_id in HOUJIE_FEEDS:
            data = self._houjie_feed(feed_id)
        else:
            owner = next((t for t in self.towns.values() if feed_id in t.feeds()), None)
            if owner is None:
                return _not_found("list")
            data = owner.feed(owner.feeds()[feed_id])
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return ReplicaResponse(200, {"Content-Type": "application/json; charset=utf-8"}, body, "list")

    def _houjie_feed(self, feed_id: int) -> dict:
        col = HOUJIE_FEEDS[feed_id]
        entries = self.houjie.column_entries(COLUMNS.index(col))
        return {
            "id": feed_id, "name": col.name, "children": [],
            "articles": [
                {"id": m.post_id, "title": self.houjie.article(m).title, "url": FEED_ORIGIN + m.path,
                 "created_at": m.published.strftime("%Y-%m-%d %H:%M:%S"), "date": int(m.published.timestamp())}
                # a step behind its list (the newest article is missing), as a cached feed can
                # be: the crawl must notice and still fetch it
                for m in entries[1:]
            ],
        }


def home_page() -> str:
    """The portal's home page: the towns navigation (镇街园区) with all 32 links."""
    links = "".join(f'<li><a href="/{a(s.id)}/">{t(s.name)}</a></li>' for s in load_portal().sites)
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head>\n<meta charset="utf-8">\n'
            "<title>东莞市人民政府门户网站</title>\n</head><body>\n"
            '<div class="header"><a href="/">东莞市人民政府</a></div>\n'
            f'<div class="zjyq"><h3>镇街园区</h3><ul>{links}</ul></div>\n'
            f'<div class="footer"><a href="{SITE_ROOT}">厚街镇</a></div>\n</body></html>\n')
