"""Extraction in worker processes beside the crawl: when workers start, that a worker's line and
checks are the crawl process's, how batches go and come back. Killed processes and whole crawls:
``test_extractworkers_processes.py``."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from dgportal_crawler import config
from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.extractworkers import ExtractionWorkers, worker_count
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import load_profile
from dgportal_crawler.replica import Replica
from dgportal_crawler.stats import (
    EXTRACTED_IN_WORKERS,
    EXTRACTION_NOT_SHIPPED,
    EXTRACTION_WORKER_LOST,
    META_LISTED_URL,
)
from dgportal_crawler.validate import Limits, PageContext, judge

ORIGIN = "https://www.dg.gov.cn"
RUN_ID = "20260101T000000Z-abcdef"
PROFILE = load_profile("houjie")


def replica_pages(count: int) -> list[FetchedPage]:
    replica = Replica(seed=7, articles=count)
    pages = []
    for truth in replica.ground_truth(ORIGIN):
        body = replica.respond(truth["url"].removeprefix(ORIGIN)).body
        page = FetchedPage.saved(PROFILE, truth["url"], body, status=200)
        page.meta["dgportal_warc"] = {"file": "x.warc.gz", "offset": 1}
        pages.append(page)
    return pages


@pytest.mark.parametrize(("value", "delay", "autothrottle", "cpus", "expected"), [
    ("auto", 0, False, 2, 1),   # the replica or a mirror, two cores: one worker
    ("auto", 0, False, 1, 0),   # one core: a worker would only take turns with the crawl
    ("auto", 1.0, False, 8, 0),  # a polite crawl waits on the site, not on extraction
    ("auto", 0, True, 8, 0),
    ("0", 0, False, 8, 0),
    ("3", 1.0, True, 1, 3),     # a number is taken as given
    (" AUTO ", 0, False, 2, 1),
])
def test_worker_count(value, delay, autothrottle, cpus, expected) -> None:
    settings = Settings({"DGPORTAL_EXTRACT_PROCESSES": value, "DOWNLOAD_DELAY": delay,
                         "AUTOTHROTTLE_ENABLED": autothrottle})
    assert worker_count(settings, cpus=cpus) == expected


@pytest.mark.parametrize("value", ["two", "-1", "1.5", ""])
def test_a_bad_worker_count_is_one_clear_sentence(value) -> None:
    settings = Settings({"DGPORTAL_EXTRACT_PROCESSES": value})
    problems = config.check_values(settings)
    assert problems == [f"setting DGPORTAL_EXTRACT_PROCESSES={value.strip().lower()!r} must be auto "
                        "or a whole number of processes (0: none)"]
    with pytest.raises(ValueError, match="DGPORTAL_EXTRACT_PROCESSES"):
        worker_count(settings)


def test_a_bad_worker_count_stops_the_crawl_before_it_starts(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "dgportal_crawler", "crawl", "houjie", "--demo", "--out",
                           str(tmp_path), "-s", "DGPORTAL_EXTRACT_PROCESSES=lots"],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert "DGPORTAL_EXTRACT_PROCESSES='lots' must be auto or a whole number" in proc.stderr
    assert "Traceback" not in proc.stderr


async def extract_all(workers: ExtractionWorkers, pages: list[FetchedPage]) -> list[dict]:
    """All pages at once, as the crawl's concurrent responses hand them over."""
    articles = await asyncio.gather(*(workers.checked(page) for page in pages))
    return [checked.article.to_dict() for checked in articles]


def test_a_workers_lines_are_the_crawl_processes_lines() -> None:
    pages = replica_pages(40)  # template pages and rendered captures (the replica mixes them)
    expected = [article_from_page(page, PROFILE, RUN_ID).to_dict() for page in pages]
    stats = MemoryStatsCollector(get_crawler())
    workers = ExtractionWorkers(PROFILE, RUN_ID, 1, stats)
    try:
        assert asyncio.run(extract_all(workers, pages)) == expected
        assert workers.worker_pid() not in (None, os.getpid())
    finally:
        workers.close()
    assert stats.get_value(EXTRACTED_IN_WORKERS) == len(pages)
    assert workers.worker_pid() is None  # closed


def test_no_worker_is_started_with_none_asked_for_or_before_the_first_page() -> None:
    pages = replica_pages(3)
    idle = ExtractionWorkers(PROFILE, RUN_ID, 1)
    assert idle.worker_pid() is None
    idle.close()
    inline = ExtractionWorkers(PROFILE, RUN_ID, 0)
    assert asyncio.run(extract_all(inline, pages))[0]["id"] == PROFILE.article_id(pages[0].url)
    assert inline.worker_pid() is None


@pytest.mark.parametrize("processes", [0, 1])
def test_an_extraction_error_in_a_worker_reaches_the_crawl_as_one(processes: int) -> None:
    page = FetchedPage.saved(PROFILE, f"{ORIGIN}/hjz/a/content/post_1.html", b"  \n", status=200)
    workers = ExtractionWorkers(PROFILE, RUN_ID, processes)
    try:
        with pytest.raises(ExtractionError, match="empty response body"):
            asyncio.run(workers.checked(page))
    finally:
        workers.close()


def test_one_pages_extraction_error_is_that_pages_alone_in_a_batch() -> None:
    pages = replica_pages(40)
    empty = FetchedPage.saved(PROFILE, f"{ORIGIN}/hjz/a/content/post_1.html", b"", status=200)
    mixed = [*pages[:20], empty, *pages[20:]]  # 41 pages in flight at once: batches of several

    async def gather() -> list:
        return await asyncio.gather(*(workers.checked(page) for page in mixed), return_exceptions=True)

    workers = ExtractionWorkers(PROFILE, RUN_ID, 1)
    try:
        outcomes = asyncio.run(gather())
    finally:
        workers.close()
    assert isinstance(outcomes[20], ExtractionError) and "empty response body" in str(outcomes[20])
    assert [o.article.to_dict() for o in outcomes[:20] + outcomes[21:]] == [
        article_from_page(page, PROFILE, RUN_ID).to_dict() for page in pages]


def test_the_worker_runs_the_checks_with_the_crawls_limits_and_finds_what_judge_finds() -> None:
    """The validate pipeline acts on the worker's findings: they must be judge's own, with the
    crawl's limits and the page's context (the address it was listed under)."""
    replica = Replica(seed=7, articles=20)
    home = FetchedPage.saved(PROFILE, f"{ORIGIN}/houjie/", replica.respond("/houjie/").body, status=200)
    pages = [*replica_pages(20), home]
    home.meta[META_LISTED_URL] = pages[0].url  # an article link that led to the home page
    limits = Limits(max_text_chars=400)  # the longer replica articles are "too_long"
    expected = []
    for page in pages:
        article = article_from_page(page, PROFILE, RUN_ID)
        context = PageContext.of(page.meta.get(META_LISTED_URL), page.body)
        expected.append(judge(article, PROFILE, context, limits))
    reasons = {problem.reason for found in expected for problem in found}
    assert {"too_long", "home_page"} <= reasons and not all(expected)  # something to compare
    workers = ExtractionWorkers(PROFILE, RUN_ID, 1, limits=limits)

    async def all_pages() -> list:
        return await asyncio.gather(*(workers.checked(page) for page in pages))

    try:
        got = asyncio.run(all_pages())
        assert workers.worker_pid() is not None
    finally:
        workers.close()
    assert [checked.problems for checked in got] == expected


def test_pages_queued_behind_batches_that_end_together_are_still_sent() -> None:
    """Two batches whose results arrive while the crawl's loop is busy end one after the other
    in the same loop turn; the page queued behind them must still go (it once waited for ever:
    each batch counted the other as still in flight)."""
    pages = replica_pages(3)
    workers = ExtractionWorkers(PROFILE, RUN_ID, 1)

    async def crawl_busy_while_batches_end() -> list[dict]:
        await workers.checked(pages[0])  # the worker forked and warm
        first = [asyncio.ensure_future(workers.checked(page)) for page in pages[:2]]  # two batches
        queued = asyncio.ensure_future(workers.checked(pages[2]))  # waits: both batches in flight
        for _ in range(5):  # the batches handed to the pool, no more
            await asyncio.sleep(0)
        time.sleep(1.5)  # the loop busy (a big page, a slow write) while both results arrive
        articles = await asyncio.wait_for(asyncio.gather(*first, queued), timeout=30)
        return [checked.article.to_dict() for checked in articles]

    try:
        got = asyncio.run(crawl_busy_while_batches_end())
    finally:
        workers.close()
    assert got == [article_from_page(page, PROFILE, RUN_ID).to_dict() for page in pages]


def test_a_batch_that_cannot_go_to_the_worker_is_extracted_here_not_left_waiting(caplog) -> None:
    """A page the pool cannot pickle fails its whole batch in the pool, not in the worker: its
    pages once waited for ever. Now they are extracted in this process, counted and logged."""
    pages = replica_pages(6)
    expected = [article_from_page(page, PROFILE, RUN_ID).to_dict() for page in pages]
    pages[3].meta["unpicklable"] = threading.Lock()  # what a stray object in a page's meta does
    stats = MemoryStatsCollector(get_crawler())
    workers = ExtractionWorkers(PROFILE, RUN_ID, 1, stats)

    async def all_pages() -> list[dict]:
        articles = await asyncio.wait_for(asyncio.gather(*(workers.checked(p) for p in pages)), timeout=60)
        return [checked.article.to_dict() for checked in articles]

    try:
        with caplog.at_level(logging.WARNING, logger="dgportal_crawler.extractworkers"):
            assert asyncio.run(all_pages()) == expected
        assert workers.worker_pid() is not None  # the worker itself is fine and stays
    finally:
        workers.close()
    shipped_back = [r.getMessage() for r in caplog.records if "could not go to" in r.getMessage()]
    assert len(shipped_back) == 1 and "_thread.lock" in shipped_back[0], shipped_back
    not_shipped = stats.get_value(EXTRACTION_NOT_SHIPPED)
    assert 1 <= not_shipped < len(pages)  # the batch holding the lock, not the others
    assert stats.get_value(EXTRACTED_IN_WORKERS) + not_shipped == len(pages)
    assert stats.get_value(EXTRACTION_WORKER_LOST) is None
