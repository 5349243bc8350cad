"""``dgportal_crawler.commands.clean``, function by function: telling HTML from text, the
profile holding a URL, the polite fetcher (robots.txt, no redirects, a delay per host) against
a loopback server, and the WARC records of one exchange read back with warcio.
(``tests/test_cli_clean.py`` runs the whole command through ``main``.)"""

from __future__ import annotations

import argparse
import http.server
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pytest
from warcio.archiveiterator import ArchiveIterator

from dgportal_crawler.addon import request_delay
from dgportal_crawler.commands import CommandError
from dgportal_crawler.commands.clean import (
    SNIFF_BYTES,
    Fetcher,
    Skip,
    clean_url,
    profile_for_url,
    sniff_format,
    warc_exchange,
)

AGENT = "dgportal-crawler/test (+me@example.org)"
WHEN = "2026-11-25T17:30:08Z"


# -- sniff_format ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "fmt"), [
    (b"<!DOCTYPE html><html>...", "html"),
    (b"\n\n  <HTML lang='zh'>", "html"),  # any case
    (b"<div class='x'>text</div>", "html"),
    ("厚街镇举行消防演练\n发布日期：2024-03-01".encode(), "text"),
    (b"a < b and <p is not a tag", "text"),
    (b"x" * SNIFF_BYTES + b"<html>", "text"),  # only the head is looked at
])
def test_sniff_format_looks_for_html_markers_in_the_head(data, fmt):
    assert sniff_format(data) == fmt


# -- profile_for_url ------------------------------------------------------------------------------
def test_a_url_on_the_site_gets_the_profile_as_it_is():
    profile = profile_for_url("https://www.dg.gov.cn/houjie/xwzx/hjyw/content/post_1.html", None)
    assert (profile.name, profile.base_url) == ("houjie", "https://www.dg.gov.cn/houjie/")


def test_a_copy_of_the_site_elsewhere_moves_the_profile_there():
    profile = profile_for_url("http://127.0.0.1:8800/houjie/xwzx/hjyw/content/post_1.html", None)
    assert (profile.name, profile.base_url) == ("houjie", "http://127.0.0.1:8800/houjie/")


def test_a_url_no_profile_holds_is_a_command_error_unless_a_site_is_named():
    no_profile = r"no site profile holds this URL \(built-in: houjie\); name one with --site$"
    with pytest.raises(CommandError, match=no_profile):
        profile_for_url("https://www.dg.gov.cn/humen/post_1.html", None)
    assert profile_for_url("https://www.dg.gov.cn/humen/post_1.html", "houjie").base_url == (
        "https://www.dg.gov.cn/houjie/")


# -- the fetcher, against a loopback server ----------------------------------------------------------
class _Site(http.server.BaseHTTPRequestHandler):
    """Answers from ``routes``: path → (status, headers, body); anything else is a 404."""

    routes: ClassVar[dict[str, tuple[int, list[tuple[str, str]], bytes]]] = {}
    seen: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:
        _Site.seen.append((self.path, self.headers.get("User-Agent", "")))
        status, headers, body = self.routes.get(self.path, (404, [], b"not here"))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Site.routes, _Site.seen = {}, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def robots(status: int, body: bytes = b"") -> None:
    _Site.routes["/robots.txt"] = (status, [("Content-Type", "text/plain")], body)


@pytest.mark.parametrize(("status", "body", "allowed"), [
    (200, b"User-agent: *\nDisallow: /houjie/private/\n", {"/houjie/a.html": True, "/houjie/private/b.html": False}),
    (404, b"", {"/houjie/a.html": True, "/houjie/private/b.html": True}),  # no rules: all allowed
    (500, b"", {"/houjie/a.html": False}),  # server error: complete disallow
    (503, b"User-agent: *\nAllow: /\n", {"/houjie/a.html": False}),  # the body of an error is no rule
    (401, b"", {"/houjie/a.html": True}),  # 4xx "unavailable": no rules, as the crawl reads it
    (403, b"User-agent: *\nDisallow: /\n", {"/houjie/a.html": True}),
])
def test_robots_txt_decides_per_rfc_9309(site, status, body, allowed):
    robots(status, body)
    fetcher = Fetcher(AGENT)
    assert {path: fetcher.allowed(site + path) for path in allowed} == allowed
    assert [p for p, _ in _Site.seen] == ["/robots.txt"]  # fetched once per host


def test_get_sends_our_agent_and_returns_errors_as_answers(site):
    _Site.routes["/houjie/a.html"] = (200, [("Content-Type", "text/html")], b"<p>a</p>")
    fetcher = Fetcher(AGENT)
    status, reason, headers, body = fetcher.get(site + "/houjie/a.html")
    assert (status, reason, body) == (200, "OK", b"<p>a</p>")
    assert ("Content-Type", "text/html") in headers
    assert fetcher.get(site + "/houjie/none.html")[:2] == (404, "Not Found")
    assert {agent for _, agent in _Site.seen} == {AGENT}


def test_a_redirect_is_answered_not_followed(site):
    _Site.routes["/houjie/old.html"] = (301, [("Location", "/houjie/new.html")], b"")
    status, _, headers, _ = Fetcher(AGENT).get(site + "/houjie/old.html")
    assert (status, dict(headers)["Location"]) == (301, "/houjie/new.html")
    assert [p for p, _ in _Site.seen] == ["/houjie/old.html"]


def test_an_unreachable_host_is_a_skip():
    with pytest.raises(Skip, match=r"^unreachable \("):
        Fetcher(AGENT, timeout=5).get("http://127.0.0.1:9/houjie/a.html")


def test_only_a_remote_host_is_waited_for():
    slept: list[float] = []
    fetcher = Fetcher(AGENT, sleep=slept.append)
    fetcher._last["www.dg.gov.cn"] = fetcher._last["127.0.0.1:8800"] = time.monotonic()
    fetcher._wait("127.0.0.1:8800", loopback=True)
    fetcher._wait("other.example", loopback=False)  # never asked before: no wait
    assert slept == []
    fetcher._wait("www.dg.gov.cn", loopback=False)
    assert len(slept) == 1 and 0 < slept[0] <= request_delay(loopback=False)


# -- clean_url ------------------------------------------------------------------------------------
def _args(**kw: object) -> argparse.Namespace:
    return argparse.Namespace(**{"site": None, **kw})


def test_clean_url_says_why_there_is_no_line(site):
    robots(200, b"User-agent: *\nDisallow: /houjie/private/\n")
    _Site.routes["/houjie/moved.html"] = (302, [("Location", site + "/houjie/there.html")], b"")
    fetcher = Fetcher(AGENT)
    cases = {"/houjie/private/a.html": "disallowed by robots.txt",
             "/houjie/moved.html": f"HTTP 302 Found (to {site}/houjie/there.html)",
             "/houjie/gone.html": "HTTP 404 Not Found"}
    for path, reason in cases.items():
        with pytest.raises(Skip) as skipped:
            clean_url(site + path, _args(), fetcher, None)
        assert str(skipped.value) == reason


# -- warc_exchange --------------------------------------------------------------------------------
def test_warc_exchange_appends_a_response_then_its_request(tmp_path):
    path = tmp_path / "clean.warc.gz"
    url = "http://127.0.0.1:8800/houjie/a.html?page=2"
    with path.open("ab") as out:
        first = warc_exchange(out, url, AGENT, 200, "OK", [("Content-Type", "text/html")], b"<p>1</p>", WHEN)
        size = path.stat().st_size
        second = warc_exchange(out, url, AGENT, 404, "Not Found", [], b"", WHEN)
    assert (first["file"], first["offset"]) == (str(path), 0)
    assert second["offset"] == size  # the next exchange starts where the first ended
    with path.open("rb") as stream:
        records = [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
                   for r in ArchiveIterator(stream)]
    assert [r[0] for r in records] == ["response", "request", "response", "request"]
    (_, response, http, body), (_, request, request_http, _) = records[:2]
    assert response.get_header("WARC-Record-ID") == first["record_id"]
    assert (response.get_header("WARC-Date"), response.get_header("WARC-Target-URI")) == (WHEN, url)
    assert (http.get_statuscode(), http.get_header("Content-Type"), body) == ("200", "text/html", b"<p>1</p>")
    assert request.get_header("WARC-Concurrent-To") == first["record_id"]
    # the request line keeps the target's query
    assert (request_http.protocol, request_http.statusline) == ("GET", "/houjie/a.html?page=2 HTTP/1.1")
    assert request_http.get_header("User-Agent") == AGENT
    assert records[2][1].get_header("WARC-Record-ID") == second["record_id"] != first["record_id"]
