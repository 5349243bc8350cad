"""The discovery walk over real HTTP: the replica's Humen and Huangjiang from their home pages,
the budget stopping it, a home page it cannot read, and which redirects it follows."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from dgportal_crawler.discover.catalogue import load_catalogue
from dgportal_crawler.discover.fetch import BudgetFetcher
from dgportal_crawler.discover.model import Discovery
from dgportal_crawler.discover.run import MAX_HOPS, _get, discover
from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.portal import PortalReplica
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED

AGENT = "dgportal-test"


def _discover(base: str, budget: int = 200, **kwargs) -> Discovery:
    fetcher = BudgetFetcher(AGENT, sleep=lambda s: None, budget=budget)
    return discover(base.rstrip("/").rsplit("/", 1)[-1], base, fetcher, load_catalogue(), **kwargs)


def test_humens_columns_templates_and_feed_are_found_from_its_home_page(replica_server) -> None:
    base = f"{replica_server.origin}/humen/"
    found = _discover(base)
    assert (found.problem, found.stopped_early, found.display_name) == ("", False, "中国东莞虎门镇栏目")
    assert {(c.folder.removeprefix(base), c.template) for c in found.columns} == {
        ("xwzx/c1471/", "current"), ("xwzx/zcdt/", "legacy"), ("zwgk/c1502/", "current"),
        ("zwgk/c1507/", "current")}
    assert {c.folder.removeprefix(base): c.feed for c in found.columns if c.feed} == {"zwgk/c1502/": 9312}
    notes = {c.url.removeprefix(base): (c.kind, c.note) for c in found.candidates if c.kind != "list"}
    assert notes["search/"] == ("skipped", "robots.txt disallows it")
    assert notes["lxwm/"] == ("not a list", "HTTP 404")
    assert found.requests > len(found.candidates)  # robots.txt and the home page too


def test_the_walk_stops_when_the_budget_is_spent_and_keeps_what_it_read(replica_server) -> None:
    found = _discover(f"{replica_server.origin}/humen/", budget=4)
    assert (found.stopped_early, found.requests, len(found.candidates)) == (True, 4, 2)


def test_a_platform_code_adds_one_candidate_per_category(replica_server) -> None:
    found = _discover(f"{replica_server.origin}/hj/", gkmlpt="dghjz")
    platform = {c.url.rsplit("/", 1)[-1]: (c.kind, c.template) for c in found.candidates if "/gkmlpt/" in c.url}
    assert platform == {"2941": ("list", "gkmlpt"), "2945": ("list", "gkmlpt"), "2950": ("list", "gkmlpt")}


def test_a_child_feeds_folder_no_page_links_becomes_a_column_under_its_parent(replica_server) -> None:
    # hj's home page loads feed 10280 (专题专栏): no articles, children 10282 (专题活动, in a
    # folder no page links), 10283 (404), 10284 (empty) and itself; 10282 names 10280 again
    # and 10285, which lists 专题活动's newest articles a second time
    base = f"{replica_server.origin}/hj/"
    found = _discover(base)
    topics = next(c for c in found.columns if c.folder == base + "ztzl/zthd/")
    assert (topics.name, topics.parent, topics.template, topics.feed) == ("专题活动", "专题专栏", "department", 10282)
    assert not any("ztzl" in c.url for c in found.candidates if c is not topics)  # no link led there
    read = {f.feed: (f.parent, f.note) for f in found.feeds}
    assert read == {10271: ("", ""), 10275: ("", ""), 10280: ("", "a parent of 4 feeds"),
                    10282: ("专题专栏", ""), 10283: ("专题专栏", "HTTP 404"), 10284: ("专题专栏", "empty"),
                    10285: ("专题活动", "its articles are listed by feed 10282 too")}
    assert [f.feed for f in found.feeds].count(10280) == 1  # the cycle read it once


#: Feeds laid over the replica: a parent whose child lists articles in a folder that is no list.
EXTRA_FEEDS = {
    "/postmeta/i/999.json": {"name": "专题", "articles": [], "children": [998]},
    "/postmeta/i/998.json": {"name": "旧专题", "children": [],
                             "articles": [{"url": "/humen/ztzl/old/content/post_1.html", "title": "x"}]},
}


@pytest.fixture
def portal_with_extra_feeds() -> Iterator[str]:
    portal = PortalReplica(Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            extra = EXTRA_FEEDS.get(self.path)
            answer = portal.respond(self.path) if extra is None else None
            self.send_response(200 if extra is not None else answer.status)
            for name, value in ({} if extra is not None else answer.headers).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(json.dumps(extra).encode() if extra is not None else answer.body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_child_feeds_folder_that_is_no_list_is_shown_but_not_a_column(portal_with_extra_feeds) -> None:
    base = f"{portal_with_extra_feeds}/humen/"
    found = _discover(base, known_feeds=(999,))
    [old] = [c for c in found.candidates if "ztzl" in c.url]
    assert (old.url, old.kind, old.note, old.link_text) == (base + "ztzl/old/", "not a list", "HTTP 404", "旧专题")
    assert {f.feed: (f.parent, f.note) for f in found.feeds if f.feed in (998, 999)} == {
        999: ("", "a parent of 1 feeds"), 998: ("专题", "its articles' folder is no list")}
    assert len(found.columns) == 4  # humen's own


def test_child_feeds_are_not_read_below_the_depth(replica_server) -> None:
    found = _discover(f"{replica_server.origin}/hj/", feed_depth=0)
    assert {f.feed for f in found.feeds} == {10271, 10275, 10280}
    assert not any("ztzl" in c.url for c in found.candidates)


@pytest.mark.parametrize(("path", "problem"), [
    ("/nowhere/", "the home page answered HTTP 404"),
    ("/humen/search/", "robots.txt disallows the home page"),
])
def test_a_home_page_it_cannot_read_is_the_discoverys_problem(replica_server, path: str, problem: str) -> None:
    found = _discover(replica_server.origin + path, gkmlpt="dghjz")
    assert (found.problem, found.candidates, found.stopped_early) == (problem, [], False)


def test_an_unreachable_site_is_a_problem_not_a_traceback() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/x/"
    found = _discover(base)
    assert found.problem.startswith(f"{base}: unreachable") and found.requests == 1


class _Redirects(http.server.BaseHTTPRequestHandler):
    """/loop redirects to itself, /away to another host name, /hop to /end."""

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        location = {"/loop": "/loop", "/away": f"http://localhost:{port}/end", "/hop": "end"}.get(self.path)
        self.send_response(301 if location else 404 if self.path == "/robots.txt" else 200)
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(b"" if location else self.path.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def redirects() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirects)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_on_site_redirect_is_followed(redirects: str) -> None:
    assert _get(BudgetFetcher(AGENT), redirects + "/hop") == (redirects + "/end", 200, b"/end")


def test_a_redirect_to_another_host_is_not_followed(redirects: str) -> None:
    assert _get(BudgetFetcher(AGENT), redirects + "/away") == (redirects + "/away", 301, b"")


def test_a_redirect_loop_ends_after_the_hop_limit(redirects: str) -> None:
    fetcher = BudgetFetcher(AGENT)
    assert _get(fetcher, redirects + "/loop") == (redirects + "/loop", 301, b"")
    assert fetcher.used == 1 + MAX_HOPS + 1  # robots.txt, then the first request and each hop
