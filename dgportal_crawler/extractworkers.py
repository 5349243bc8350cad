"""Extraction beside the crawl: article pages extracted in worker processes.

A crawl at full speed (the replica, a mirror on the local network) is CPU-bound in one
process, and extraction is about a third of its CPU per page. Handing pages to a worker lets
the crawl's own process download, write the WARC, validate and store while a second core
extracts. Against the real portal (a delay between requests) a worker would only sit idle,
so ``auto`` starts one only for an unpaced crawl on a machine with two usable CPUs.

``DGPORTAL_EXTRACT_PROCESSES``: ``auto``, ``0`` (extract in the crawl's process) or a number of
workers. The line is the same either way: the worker runs :func:`article_from_page`, the one
function ``reextract`` and ``clean`` run too. The worker also runs the checks on the article it
extracted (:func:`~dgportal_crawler.validate.judge`, about a tenth of the crawl process's CPU
per page); the validate pipeline acts on what they found, as on its own findings.

Workers are forked at the first article page (an incremental run of an unchanged site forks
none), ignore Ctrl-C (the crawl stops them when it closes) and die with the crawl (Linux's
parent-death signal), so a killed crawl leaves no worker behind. A worker closes the sockets
and files it inherited, so it never keeps the crawl's connections or archive open. A worker
that dies anyway costs nothing but speed: the page it held, and every later one, is extracted
in the crawl's process, and the log says so once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import stat
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import NamedTuple

from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector

from dgportal_crawler import config
from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.items import Article
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.parallel import usable_cpus
from dgportal_crawler.profile import SiteProfile
from dgportal_crawler.stats import (
    EXTRACTED_IN_WORKERS,
    EXTRACTION_NOT_SHIPPED,
    EXTRACTION_WORKER_LOST,
    META_LISTED_URL,
    inc,
)
from dgportal_crawler.validate import Limits, PageContext, Problem, judge

logger = logging.getLogger(__name__)

#: prctl(2) option: the signal a process gets when the thread that forked it exits.
PR_SET_PDEATHSIG = 1


def worker_count(settings: BaseSettings, cpus: int | None = None) -> int:
    """Workers a crawl with these settings starts: the setting's number, or for ``auto`` one
    when the crawl is unpaced (no download delay, no AutoThrottle) and two CPUs are usable.

    Raises ``ValueError`` naming the setting for a value that is neither.
    """
    count = config.process_count(settings, "DGPORTAL_EXTRACT_PROCESSES")
    if count is not None:
        return count
    unpaced = settings.getfloat("DOWNLOAD_DELAY") == 0 and not settings.getbool("AUTOTHROTTLE_ENABLED")
    return 1 if unpaced and (usable_cpus() if cpus is None else cpus) >= 2 else 0


#: Pages sent to a worker at once, at most. Pages wait only while the workers are busy, so a
#: slow crawl sends them one by one; a fast one amortises the hand-over (two threads and a
#: pipe each way, ~0.5 ms of the crawl's CPU per page when sent singly) over a batch.
BATCH = 16
#: Page bytes a batch takes at most (a bigger page goes alone): a batch is pickled whole, so
#: sixteen 10 MB pages would be 160 MB in the pipe at once.
BATCH_BYTES = 2**20
#: Batches per worker in flight: one being extracted, one waiting in its pipe.
BATCHES_PER_WORKER = 2


class Checked(NamedTuple):
    """An extracted page: its line, and what the checks found (None: not judged yet)."""

    article: Article
    problems: list[Problem] | None


#: What extracting one page gave: its line, or the exception to raise where it is awaited.
Outcome = Checked | Exception


class ExtractionWorkers:
    """``article_from_page`` for a crawl, in ``processes`` workers (0: in this process)."""

    def __init__(self, profile: SiteProfile, run_id: str | None, processes: int,
                 stats: StatsCollector | None = None, limits: Limits | None = None) -> None:
        self.profile = profile
        self.run_id = run_id
        self.limits = limits or Limits()
        self.processes = processes
        self.stats = stats
        self._pool: ProcessPoolExecutor | None = None
        self._waiting: deque[tuple[FetchedPage, asyncio.Future[Checked]]] = deque()
        self._batches: set[asyncio.Task[None]] = set()  # batches in flight (the loop holds tasks weakly)

    def worker_pid(self) -> int | None:
        """The process id of a worker (None before the first page, or with none): for tests."""
        return None if self._pool is None else self._pool.submit(os.getpid).result()

    async def checked(self, page: FetchedPage) -> Checked:
        """The page's line and the checks' findings; raises
        :class:`~dgportal_crawler.extract.ExtractionError` as :func:`article_from_page` does,
        wherever it ran."""
        if self.processes == 0:
            return _checked(page, self.profile, self.run_id, self.limits)
        waiter: asyncio.Future[Checked] = asyncio.get_running_loop().create_future()
        self._waiting.append((page, waiter))
        self._send()
        return await waiter

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _send(self) -> None:
        if self.processes == 0:  # the worker died: what is queued is extracted here
            while self._waiting:
                page, waiter = self._waiting.popleft()
                _settle(waiter, _outcome(page, self.profile, self.run_id, self.limits))
        while self._waiting and len(self._batches) < self.processes * BATCHES_PER_WORKER:
            self._batches.add(asyncio.ensure_future(self._extract(self._next_batch())))

    def _next_batch(self) -> list[tuple[FetchedPage, asyncio.Future[Checked]]]:
        batch = [self._waiting.popleft()]
        size = len(batch[0][0].body)
        while (self._waiting and len(batch) < BATCH
               and size + len(self._waiting[0][0].body) <= BATCH_BYTES):
            batch.append(self._waiting.popleft())
            size += len(batch[-1][0].body)
        return batch

    async def _extract(self, batch: list[tuple[FetchedPage, asyncio.Future[Checked]]]) -> None:
        try:
            outcomes = await self._outcomes([page for page, _ in batch])
        finally:
            # Out of the set here, not in a done callback: that runs only after this task
            # ends, so two batches ending in one loop turn each saw the other still in flight,
            # neither sent the next, and the queued pages waited for ever.
            self._batches.discard(asyncio.current_task())  # type: ignore[arg-type]
        for (_, waiter), outcome in zip(batch, outcomes, strict=True):
            _settle(waiter, outcome)
        self._send()

    async def _outcomes(self, pages: list[FetchedPage]) -> list[Outcome]:
        """The pages' outcomes from a worker; from this process once a worker has died."""
        if self.processes:
            if self._pool is None:
                self._pool = self._start()
            try:
                outcomes = await asyncio.wrap_future(self._pool.submit(_extract_batch, pages))
            except BrokenProcessPool as exc:
                self._lost(exc)
            except Exception as exc:  # whatever pickle raises, for whatever object it met
                # The worker is fine; this batch could not cross (a page or an outcome that does
                # not pickle). Without this its pages would wait for ever: extract them here.
                inc(self.stats, EXTRACTION_NOT_SHIPPED, len(pages))
                logger.warning("%d page(s) could not go to or come back from the extraction worker "
                               "(%s: %s); extracted in the crawl's process", len(pages),
                               type(exc).__name__, exc)
            else:
                inc(self.stats, EXTRACTED_IN_WORKERS, len(pages))
                return outcomes
        return [_outcome(page, self.profile, self.run_id, self.limits) for page in pages]

    def _start(self) -> ProcessPoolExecutor:
        # fork: the worker starts at once with the profile and every module already loaded
        # (nothing to import or pickle); where there is no fork, the profile is pickled over.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        return ProcessPoolExecutor(self.processes, mp_context=context, initializer=_init_worker,
                                   initargs=(self.profile, self.run_id, self.limits, os.getpid()))

    def _lost(self, exc: BrokenProcessPool) -> None:
        if self._pool is None:  # another batch in flight already said so
            return
        inc(self.stats, EXTRACTION_WORKER_LOST)
        logger.error("the extraction worker died (%s); extracting in the crawl's process from now on", exc)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None
        self.processes = 0


def _settle(waiter: asyncio.Future[Checked], outcome: Outcome) -> None:
    if waiter.done():  # cancelled while it waited (a crawl stopped at once): nobody to tell
        return
    if isinstance(outcome, Exception):
        waiter.set_exception(outcome)
    else:
        waiter.set_result(outcome)


def _checked(page: FetchedPage, profile: SiteProfile, run_id: str | None, limits: Limits) -> Checked:
    article = article_from_page(page, profile, run_id)
    context = PageContext.of(page.meta.get(META_LISTED_URL), page.body)  # as the pipeline builds it
    return Checked(article, judge(article, profile, context, limits))


def _outcome(page: FetchedPage, profile: SiteProfile, run_id: str | None, limits: Limits) -> Outcome:
    try:
        return _checked(page, profile, run_id, limits)
    except Exception as exc:
        return exc  # as in the crawl's process; one page's failure is not its batch's


# What a worker extracts with, set once by its initializer.
_profile: SiteProfile | None = None
_run_id: str | None = None
_limits = Limits()


def _init_worker(profile: SiteProfile, run_id: str | None, limits: Limits, crawl_pid: int) -> None:
    global _profile, _run_id, _limits
    _profile, _run_id, _limits = profile, run_id, limits
    # A forked worker inherits the crawl's handlers: Ctrl-C reaches the whole process group,
    # and the crawl, not its worker, decides how to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    _die_with(crawl_pid)
    _close_inherited_files()


def _close_inherited_files() -> None:
    """Close the crawl's sockets and files this fork inherited.

    A worker holding them keeps the crawl's connections open after the crawl closed or lost
    them (the server goes on answering a dead client) and its archive files and lock open for
    as long as the worker lives. The pool's own queues are pipes, and stdio stays.
    """
    try:
        fds = [int(entry.name) for entry in os.scandir("/proc/self/fd")]
    except OSError:  # no /proc: nothing to list, nothing closed
        return
    for fd in fds:
        if fd <= 2:
            continue
        try:
            mode = os.fstat(fd).st_mode
        except OSError:  # the listing's own descriptor, gone already
            continue
        if stat.S_ISSOCK(mode) or stat.S_ISREG(mode):
            os.close(fd)


def _die_with(crawl_pid: int) -> None:
    """Ask Linux to kill this worker when the crawl dies (kill -9 included)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the worker ends when its queue breaks
        return
    if os.getppid() != crawl_pid:  # the crawl died before the request took effect
        os._exit(1)


def _extract_batch(pages: list[FetchedPage]) -> list[Outcome]:
    assert _profile is not None, "worker used before its initializer ran"
    return [_outcome(page, _profile, _run_id, _limits) for page in pages]
