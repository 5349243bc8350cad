"""Discovery's fetcher: every request counts against the budget (robots.txt included), a spent
budget stops it, and it waits between requests to one host (by default not on loopback, as a
crawl). Real HTTP to the replica on 127.0.0.1; sleeps are recorded, never slept, and the clock
is a fake one that only sleeping and answering move."""

from __future__ import annotations

import http.server
import itertools
import threading
import time
from collections.abc import Iterator

import pytest

from dgportal_crawler.discover.catalogue import load_catalogue
from dgportal_crawler.discover.fetch import BudgetFetcher, BudgetSpent
from dgportal_crawler.discover.run import discover
from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.portal import PortalReplica
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED

AGENT = "dgportal-test"


def test_robots_txt_and_pages_count_against_the_budget_until_it_is_spent(replica_server) -> None:
    slept: list[float] = []
    fetcher = BudgetFetcher(AGENT, sleep=slept.append, budget=2)
    home = f"{replica_server.origin}/humen/"
    assert fetcher.allowed(home) and fetcher.used == 1  # robots.txt fetched
    assert fetcher.get(home)[0] == 200 and fetcher.used == 2
    with pytest.raises(BudgetSpent, match="/humen/xwzx/c1471/"):
        fetcher.get(home + "xwzx/c1471/")
    assert fetcher.used == 2
    assert slept == []  # loopback: no politeness delay


def test_a_robots_txt_already_read_costs_no_more_requests(replica_server) -> None:
    fetcher = BudgetFetcher(AGENT, sleep=lambda s: None, budget=5)
    assert fetcher.allowed(f"{replica_server.origin}/humen/")
    assert not fetcher.allowed(f"{replica_server.origin}/humen/search/")
    assert fetcher.used == 1


def test_a_remote_host_waits_out_the_rest_of_the_delay() -> None:
    slept: list[float] = []
    fetcher = BudgetFetcher(AGENT, sleep=slept.append, delay=5.0)
    fetcher._wait("www.dg.gov.cn", loopback=False)  # first request to the host: no wait
    assert slept == []
    fetcher._last["www.dg.gov.cn"] = time.monotonic()
    fetcher._wait("www.dg.gov.cn", loopback=False)
    assert len(slept) == 1 and 0.0 < slept[0] <= 5.0  # the rest of 5 s (wide: a busy machine)


def test_a_delay_already_over_waits_zero_and_by_default_loopback_never_waits() -> None:
    slept: list[float] = []
    fetcher = BudgetFetcher(AGENT, sleep=slept.append)
    fetcher._last["www.dg.gov.cn"] = time.monotonic() - 60
    fetcher._wait("www.dg.gov.cn", loopback=False)
    fetcher._last["127.0.0.1:8000"] = time.monotonic()
    fetcher._wait("127.0.0.1:8000", loopback=True)
    assert slept == [0.0]


@pytest.mark.parametrize(("delay", "remote", "loopback"), [(None, 1.0, 0.0), (2.5, 2.5, 2.5), (-1.0, 0.0, 0.0)])
def test_the_delay_is_the_crawls_default_or_the_users_on_every_host(delay, remote, loopback) -> None:
    fetcher = BudgetFetcher(AGENT, delay=delay)
    assert (fetcher.delay_for(loopback=False), fetcher.delay_for(loopback=True)) == (remote, loopback)


class FakeClock:
    """Time that passes only when the fetcher sleeps or the server answers."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


#: How long the server takes to answer, on the fake clock.
ANSWER = 0.25


@pytest.fixture
def recorded() -> Iterator[tuple[str, FakeClock, list[tuple[float, str]]]]:
    """The portal replica on a loopback port of its own, noting when (on the fake clock)
    each request arrives."""
    portal = PortalReplica(Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES))
    clock, arrivals = FakeClock(), []

    class Recording(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            arrivals.append((clock.now, self.path))
            clock.now += ANSWER
            answer = portal.respond(self.path)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", clock, arrivals
    finally:
        server.shutdown()
        server.server_close()


def test_discovery_waits_the_delay_between_every_two_requests(recorded) -> None:
    origin, clock, arrivals = recorded
    fetcher = BudgetFetcher(AGENT, sleep=clock.sleep, clock=clock, delay=2.0)
    found = discover("humen", f"{origin}/humen/", fetcher, load_catalogue(), known_feeds=(9312,))
    assert len(found.columns) == 4 and found.feeds  # the whole walk: pages, then the feed
    # robots.txt, the home page, four columns, 联系我们 (404; 站内搜索 is disallowed), the feed
    assert len(arrivals) == found.requests == 8 and arrivals[0][1] == "/robots.txt"
    gaps = [b - a for (a, _), (b, _) in itertools.pairwise(arrivals)]
    # each request waits the delay after the previous answer, which took ANSWER seconds
    assert gaps == [2.0 + ANSWER] * (len(arrivals) - 1)
    assert clock.slept == [2.0] * (len(arrivals) - 1)


def test_without_a_delay_of_the_users_loopback_is_not_slowed(recorded) -> None:
    origin, clock, arrivals = recorded
    found = discover("humen", f"{origin}/humen/", BudgetFetcher(AGENT, sleep=clock.sleep, clock=clock),
                     load_catalogue())
    assert len(found.columns) == 4 and clock.slept == []
    assert {b - a for (a, _), (b, _) in itertools.pairwise(arrivals)} == {ANSWER}
