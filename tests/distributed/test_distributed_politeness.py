"""Politeness is global: with a per-host delay set, two workers together keep it. Every
request is timed as it arrives, by a recording proxy in front of the replica."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from distributed_helpers import coordinator, fetched_by, lines_of, reports_of, wait_until, worker

from dgportal_crawler.replica import ReplicaServer

DELAY = 0.15
ARTICLES = 30
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@contextmanager
def recording_proxy(upstream_port: int) -> Iterator[tuple[str, list[float]]]:
    """``(origin, arrival times)`` of a proxy that forwards every GET to the replica."""
    arrivals: list[float] = []
    lock = threading.Lock()

    class Forward(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                arrivals.append(time.monotonic())
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
            upstream.request("GET", self.path, headers=headers)
            answer = upstream.getresponse()
            body = answer.read()
            self.send_response(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            upstream.close()

        def log_message(self, *args: object) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}", arrivals
    finally:
        proxy.shutdown()
        proxy.server_close()


@pytest.mark.slow
def test_two_workers_together_keep_the_profiles_delay(redis_url, tmp_path):
    out = tmp_path / "archive"
    with ReplicaServer(articles=ARTICLES) as server, recording_proxy(server.port) as (origin, arrivals):
        # Each worker holds at most two requests: a worker takes requests from the shared frontier
        # as fast as they come and holds them while they wait for the budget's grant, so with
        # room for 16 one worker once took all 36 and the other none; who fetches what is not
        # what the budget promises, but both must fetch for the shared delay to be tested.
        workers = [worker(redis_url, name, tmp_path, "-s", "CONCURRENT_REQUESTS=2") for name in ("w1", "w2")]
        try:
            # Both ready before the crawl starts: on a busy machine one worker's start-up (its
            # imports) could otherwise take most of this short crawl, and the share test with it.
            wait_until(lambda: all("waiting for a crawl" in w.output() for w in workers),
                       "both workers waiting for a crawl", procs=[w.popen for w in workers])
            crawl = coordinator(redis_url, out, f"{origin}/houjie/", "-s", f"DOWNLOAD_DELAY={DELAY}")
            assert crawl.wait() == 0, crawl.output()[-3000:]
            for w in workers:
                assert w.wait(timeout=60) == 0, w.output()[-3000:]
        finally:
            for w in workers:
                w.stop()
        times = sorted(arrivals[1:])  # the first is the coordinator's check that the site answers
    assert len(lines_of(out)) == ARTICLES
    shares = fetched_by(reports_of(out)[-1])
    # Both must have fetched for the shared delay to be tested at all. Fair shares are not
    # promised: whichever worker asks first when the delay has passed gets the request, and
    # one worker took 29 of 36 in runs of the unchanged code (a 20% bound failed 2 runs in 5).
    assert len(shares) == 2 and min(shares.values()) >= 3, f"both workers fetched: {shares}"
    gaps = [b - a for a, b in itertools.pairwise(times)]
    rate = (len(times) - 1) / (times[-1] - times[0])
    # Two workers pacing themselves alone would send about twice as fast, with many short gaps.
    assert rate <= 1.05 / DELAY, f"{rate:.2f} requests/s, above the profile's {1 / DELAY:.2f}"
    # The budget spaces the grants; a granted request still has to reach the wire, and on a
    # machine starved of CPU one left ~0.12 s late while the next left on time (one gap of
    # 0.034 s, with two test suites on two cores). Workers pacing themselves alone, or a
    # budget that bunches requests, make every other gap short.
    short = [round(g, 3) for g in gaps if g < 0.7 * DELAY]
    assert len(short) <= max(2, len(gaps) // 10), f"{len(short)} of {len(gaps)} gaps under {0.7 * DELAY:.3f} s: {short}"
