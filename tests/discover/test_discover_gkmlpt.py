"""Probing a town's disclosure platform: its addresses, the category ids its index names, and
one candidate per category from page 1 of the list API, both ways. ``get`` is discovery's
fetch (final URL, status, body), here answered from a table of pages."""

from __future__ import annotations

import datetime as dt
import json

from dgportal_crawler.discover.gkmlpt import api_url, categories, platform_root, probe_platform

BASE = "https://www.dg.gov.cn/hj/"
ROOT = "https://www.dg.gov.cn/dghjz/gkmlpt/"


def _api(name: str, parent: str, *days: int) -> bytes:
    articles = [{"url": f"https://x/dghjz/gkmlpt/content/0/1/post_{n}.html", "title": f"t{n}",
                 "date": int(dt.datetime(2024, 5, d, 12, tzinfo=dt.UTC).timestamp())}
                for n, d in enumerate(days)]
    return json.dumps({"classify": {"name": name, "parent": parent}, "articles": articles}).encode()


def _get(pages: dict[str, tuple[int, bytes] | None]):
    def get(url: str):
        page = pages[url]
        return None if page is None else (url, page[0], page[1])
    return get


def test_the_platform_lives_under_the_code_at_the_host_root() -> None:
    assert platform_root(BASE, "dghjz") == ROOT
    assert api_url(BASE, "dghjz", 2941) == ROOT + "api/all/2941"


def test_categories_are_read_from_every_naming_once_in_page_order() -> None:
    html = (b'<a data-classify="2945">a</a><a href="index#2941">b</a><a href="api/all/2950">c</a>'
            b"<a data-classify='2945'>again</a><a href=\"#9999\">not a category</a>")
    assert categories(html) == [2945, 2941, 2950]
    assert categories(b"<p>no categories</p>") == []


def test_no_index_page_means_no_candidates() -> None:
    assert probe_platform(_get({ROOT + "index": (404, b"")}), BASE, "dghjz") == []
    assert probe_platform(_get({ROOT + "index": None}), BASE, "dghjz") == []


def test_a_category_with_posts_is_a_list_named_by_the_api() -> None:
    get = _get({ROOT + "index": (200, b'<a data-classify="2941">x</a>'),
                ROOT + "api/all/2941?page=1": (200, _api("工作动态", "政务动态", 3, 9, 1))})
    [found] = probe_platform(get, BASE, "dghjz")
    assert (found.url, found.kind, found.template, found.entries) == (ROOT + "api/all/2941", "list", "gkmlpt", 3)
    assert (found.name, found.parent, found.newest, found.note) == ("工作动态", "政务动态", dt.date(2024, 5, 9), "")


def test_a_category_the_api_does_not_name_keeps_its_link_text() -> None:
    get = _get({ROOT + "index": (200, b'<a data-classify="7">x</a>'),
                ROOT + "api/all/7?page=1": (200, _api("", "", 1))})
    [found] = probe_platform(get, BASE, "dghjz")
    assert (found.kind, found.name, found.link_text) == ("list", "gkmlpt 7", "gkmlpt 7")


def test_categories_without_posts_are_candidates_that_say_why() -> None:
    get = _get({
        ROOT + "index": (200, b'<a data-classify="1"></a><a data-classify="2"></a>'
                              b'<a data-classify="3"></a><a data-classify="4"></a>'),
        ROOT + "api/all/1?page=1": None,
        ROOT + "api/all/2?page=1": (404, b"gone"),
        ROOT + "api/all/3?page=1": (200, b"<html>not json</html>"),
        ROOT + "api/all/4?page=1": (200, _api("空", "")),
    })
    found = probe_platform(get, BASE, "dghjz")
    assert [(c.kind, c.note) for c in found] == [
        ("not a list", "robots.txt disallows it"), ("not a list", "HTTP 404"),
        ("not a list", "not the platform's JSON (JSONDecodeError)"), ("not a list", "no posts")]
