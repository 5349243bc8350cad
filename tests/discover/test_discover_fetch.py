"""Discovery's fetcher: every request counts against the budget (robots.txt included), a spent
budget stops it, and it waits between requests to one host except on loopback. Real HTTP to the
replica on 127.0.0.1; sleeps are recorded, never slept."""

from __future__ import annotations

import time

import pytest

from dgportal_crawler.discover.fetch import BudgetFetcher, BudgetSpent

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


def test_a_delay_already_over_waits_zero_and_loopback_never_waits() -> None:
    slept: list[float] = []
    fetcher = BudgetFetcher(AGENT, sleep=slept.append, delay=1.0)
    fetcher._last["www.dg.gov.cn"] = time.monotonic() - 60
    fetcher._wait("www.dg.gov.cn", loopback=False)
    fetcher._last["127.0.0.1:8000"] = time.monotonic()
    fetcher._wait("127.0.0.1:8000", loopback=True)
    assert slept == [0.0]
