"""``dgportal discover``: the request bound, robots.txt, and user mistakes."""

from __future__ import annotations

import http.server
import socket
import threading
from typing import ClassVar

from dgportal_crawler.cli import main


def _discover(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["discover", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_discovery_sends_no_more_requests_than_the_bound_and_says_it_stopped(capsys, replica_server, tmp_path):
    replica_server.reset_stats()
    code, out, err = _discover(capsys, "humen", "--base-url", f"{replica_server.origin}/humen/",
                               "-s", "DGPORTAL_DISCOVER_MAX_REQUESTS=4", "--write", str(tmp_path / "p.toml"))
    assert replica_server.stats()["total"] == 4  # robots.txt, the home page, two candidates
    assert code == 1
    assert "discover: stopped after 4 requests (DGPORTAL_DISCOVER_MAX_REQUESTS=4)" in err
    assert len(out.splitlines()) == 1 + 2  # the header and the two candidates it could read


def test_discovery_skips_what_robots_txt_disallows_without_fetching_it(capsys, replica_server):
    replica_server.reset_stats()
    code, out, _ = _discover(capsys, "humen", "--base-url", f"{replica_server.origin}/humen/")
    assert code == 0
    row = next(line for line in out.splitlines() if "/humen/search/" in line)
    assert "skipped: robots.txt disallows it" in row
    assert replica_server.stats()["by_status"].get("404", 0) == 1  # 联系我们 only, not /search/


def test_a_site_outside_the_portal_needs_a_base_url(capsys):
    code, _, err = _discover(capsys, "nowhere")
    assert code == 2 and err.startswith("dgportal: error: unknown site 'nowhere'; the portal's sites: guancheng")


def test_a_bad_base_url_is_a_usage_error(capsys):
    code, _, err = _discover(capsys, "humen", "--base-url", "ftp://x/")
    assert (code, err.strip()) == (2, "dgportal: error: --base-url: 'ftp://x/' is not an http(s) URL")


def test_an_unreachable_site_is_try_later(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = _discover(capsys, "humen", "--base-url", f"http://127.0.0.1:{port}/humen/")
    assert code == 3 and "dgportal: error: discover humen:" in err and "unreachable" in err


class _Robots503(http.server.BaseHTTPRequestHandler):
    """A site whose robots.txt answers 503: RFC 9309 says nothing may be fetched."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Robots503.seen.append(self.path)
        self.send_response(503 if self.path == "/robots.txt" else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<html><body><a href='/x/zwgk/'>x</a></body></html>")

    def log_message(self, *args) -> None:
        pass


def test_a_robots_txt_server_error_forbids_the_whole_site(capsys):
    _Robots503.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Robots503)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        code, _, err = _discover(capsys, "x", "--base-url", f"http://127.0.0.1:{server.server_address[1]}/x/")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 3 and "robots.txt disallows the home page" in err
    assert _Robots503.seen == ["/robots.txt"]


def test_the_users_download_delay_is_discoverys_delay_and_none_leaves_the_default() -> None:
    from dgportal_crawler.commands.discover import politeness_delay

    assert politeness_delay({"DOWNLOAD_DELAY": "2.5"}) == 2.5
    assert politeness_delay({}) is None  # the fetcher then waits as a crawl would


def test_a_download_delay_given_on_the_command_line_slows_discovery_even_on_loopback(capsys, replica_server):
    import time

    started = time.monotonic()
    code, _, err = _discover(capsys, "humen", "--base-url", f"{replica_server.origin}/humen/",
                             "-s", "DGPORTAL_DISCOVER_MAX_REQUESTS=3", "-s", "DOWNLOAD_DELAY=0.4")
    # three requests, two waits of 0.4 s: a lower bound only (the exact spacing is tested with
    # a fake clock in tests/discover/test_discover_fetch.py)
    assert time.monotonic() - started >= 0.8
    assert code == 1 and "stopped after 3 requests" in err
