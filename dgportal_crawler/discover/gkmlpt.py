"""Discovery of a town's disclosure platform (``/<code>/gkmlpt/``): its index page names the
categories (``data-classify`` or ``#<id>`` links — how the live index names them is a guess),
and page 1 of the list API says each one's name, parent and size."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.gkmlpt import parse_api

_CATEGORY = re.compile(r"""(?:data-classify=["']|index#|api/all/)([0-9]+)""")


def platform_root(base_url: str, code: str) -> str:
    return urljoin(base_url, f"/{code}/gkmlpt/")


def api_url(base_url: str, code: str, category: int) -> str:
    return platform_root(base_url, code) + f"api/all/{category}"


def categories(index_html: bytes) -> list[int]:
    return list(dict.fromkeys(int(c) for c in _CATEGORY.findall(index_html.decode("utf-8", errors="replace"))))


def probe_platform(get, base_url: str, code: str) -> list:
    """Candidates (``run.Candidate``) for every category with posts; ``get`` is run's fetch."""
    from dgportal_crawler.discover.run import Candidate  # run imports this module

    index = get(platform_root(base_url, code) + "index")
    if index is None or index[1] != 200:
        return []
    found = []
    for category in categories(index[2]):
        url = api_url(base_url, code, category)
        got = get(url + "?page=1")
        candidate = Candidate(url, f"gkmlpt {category}")
        found.append(candidate)
        if got is None or got[1] != 200:
            candidate.note = "robots.txt disallows it" if got is None else f"HTTP {got[1]}"
            continue
        try:
            api = parse_api(got[2], got[0])
        except ExtractionError as exc:
            candidate.note = str(exc)
            continue
        if not api.entries:
            candidate.note = "no posts"
            continue
        candidate.kind, candidate.template, candidate.entries = "list", "gkmlpt", len(api.entries)
        candidate.newest = max((e.date for e in api.entries if e.date), default=None)
        candidate.name, candidate.parent = api.name or candidate.link_text, api.parent
    return found
