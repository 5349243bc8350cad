"""robots.txt per RFC 9309: a 5xx answer or no answer disallows everything (nothing else is
fetched from that host), a 4xx answer allows everything; said in one line, no traceback."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

pytestmark = pytest.mark.slow

PAGE = b"<html><head><title>x</title></head><body><p>hello</p></body></html>"


@contextmanager
def site(robots_status: int) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A loopback site whose robots.txt answers ``robots_status``; records (agent, path)."""
    seen: list[tuple[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.headers.get("User-Agent", ""), self.path))
            status = robots_status if self.path == "/robots.txt" else 200
            body = b"oops" if status >= 400 else PAGE
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/houjie/", seen
    finally:
        server.shutdown()
        server.server_close()


def crawl(base_url: str, out) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dgportal_crawler", "crawl", "houjie", "--base-url", base_url,
                           "--out", str(out), "--progress", "off", "--columns", "hjyw", "-s", "RETRY_TIMES=0"],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def crawler_paths(seen: list[tuple[str, str]]) -> list[str]:
    """Paths the crawl asked for (the pre-flight reachability check uses urllib's agent too,
    but names the project; Scrapy's requests are what robots.txt governs)."""
    return [path for agent, path in seen if agent.startswith("dgportal-crawler/")]


def test_a_server_error_on_robots_txt_disallows_everything(tmp_path):
    with site(503) as (base_url, seen):
        done = crawl(base_url, tmp_path)
    paths = crawler_paths(seen)
    assert "/robots.txt" in paths
    assert "/houjie/xwzx/hjyw/index.html" not in paths  # nothing but robots.txt and the pre-check
    assert "answered HTTP 503: nothing there is fetched" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.returncode == 1  # the column's list page could not be read


def test_a_missing_robots_txt_allows_everything(tmp_path):
    with site(404) as (base_url, seen):
        crawl(base_url, tmp_path)
    assert "/houjie/xwzx/hjyw/index.html" in crawler_paths(seen)


def test_a_robots_txt_that_never_answers_disallows_everything_in_one_line(tmp_path):
    release = threading.Event()
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            if self.path == "/robots.txt":
                release.wait(60)  # no answer until the test is over: the crawler times out
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dgportal_crawler", "crawl", "houjie", "--out", str(tmp_path),
             "--base-url", f"http://127.0.0.1:{server.server_address[1]}/houjie/", "--progress", "off",
             "--columns", "hjyw", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=1"],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
    assert re.search(r"robots\.txt of 127\.0\.0\.1:\d+ could not be fetched \(\w*TimeoutError\)", done.stderr)
    assert "Traceback" not in done.stderr
    assert "/houjie/xwzx/hjyw/index.html" not in seen
    assert done.returncode == 1
