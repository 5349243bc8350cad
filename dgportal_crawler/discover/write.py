"""A discovered site as a profile TOML a person can review and commit.

Column ids are the column's folder name as the site spells it (``hjyw``, ``c1471``: the
site's own pinyin initials or codes), made unique with the parent folder when two columns
share a name; so a second discovery of an unchanged site writes the same ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from dgportal_crawler.discover.classify import ARTICLE_ID_PATTERN
from dgportal_crawler.discover.model import Candidate, Discovery
from dgportal_crawler.extract.gkmlpt import GKMLPT
from dgportal_crawler.profile import TEMPLATE_KEYS, TemplateSelectors

_NOT_ID = re.compile(r"[^a-z0-9_-]+")


def relative_folder(column: Candidate, base_url: str) -> str:
    """The column's folder relative to the base URL (``xwzx/hjyw/``); a disclosure-platform
    column's is the platform's root, from the portal's root (``/dghjz/gkmlpt/``)."""
    path = urlsplit(column.folder).path
    if column.template == GKMLPT:
        return path.split("gkmlpt/", 1)[0] + "gkmlpt/"
    return path.removeprefix(urlsplit(base_url).path)


def list_page(column: Candidate) -> str:
    """The list page's file name as the site linked it; ``./`` for the bare folder; the API
    path (``api/all/2941``) for a disclosure-platform column."""
    if column.template == GKMLPT:
        return "api/all/" + column.url.rstrip("/").rsplit("/", 1)[-1]
    last = column.url.rstrip("/").rsplit("/", 1)[-1] if not column.url.endswith("/") else ""
    return last or "./"


def column_ids(columns: list[Candidate], base_url: str) -> list[str]:
    parts = [[GKMLPT, c.url.rstrip("/").rsplit("/", 1)[-1]] if c.template == GKMLPT else
             [_NOT_ID.sub("-", p.lower()).strip("-") or "col" for p in relative_folder(c, base_url).split("/") if p]
             or ["home"] for c in columns]
    parts = [[f"{GKMLPT}-{p[1]}"] if p[0] == GKMLPT and len(p) == 2 else p for p in parts]
    short = [p[-1] for p in parts]
    ids = [s if short.count(s) == 1 else "-".join(p) for s, p in zip(short, parts, strict=True)]
    # still equal (the same folder under two spellings): number the later ones
    return [i if ids[:n].count(i) == 0 else f"{i}-{ids[:n].count(i) + 1}" for n, i in enumerate(ids)]


def _q(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def profile_toml(found: Discovery, catalogue: Mapping[str, TemplateSelectors], title_suffixes: list[str]) -> str:
    lines = [
        f"# Site profile of {found.display_name or found.site}, written by `dgportal discover {found.site}`",
        f"# from {found.base_url} ({found.requests} requests{', stopped early' if found.stopped_early else ''}).",
        "# Review it before use: names come from each list page's breadcrumb, templates from",
        "# the first list page of each column. Then: dgportal crawl THIS-FILE.toml",
        "",
        "[site]",
        f"name = {_q(found.site)}",
        f"display_name = {_q(found.display_name)}",
        f"base_url = {_q(found.base_url)}",
        'timezone = "Asia/Shanghai"',
        f"article_id_pattern = '{ARTICLE_ID_PATTERN}'",
        f"title_suffixes = [{', '.join(_q(s) for s in title_suffixes)}]",
    ]
    for cid, col in zip(column_ids(found.columns, found.base_url), found.columns, strict=True):
        newest = col.newest.isoformat() if col.newest else "no date"
        lines += ["", f"# page 1: {col.entries} entries, newest {newest}", "[[columns]]",
                  f"id = {_q(cid)}", f"name = {_q(col.name)}", f"parent = {_q(col.parent)}",
                  f"path = {_q(relative_folder(col, found.base_url))}", f"list_page = {_q(list_page(col))}",
                  f"template = {_q(col.template)}"]
        if col.feed:
            lines.append(f"feed = {col.feed}")
    for name, sel in catalogue.items():
        lines += ["", f"[templates.{name}]"]
        lines += [f"{key} = {_q(getattr(sel, key))}" for key in TEMPLATE_KEYS]
    return "\n".join(lines) + "\n"
