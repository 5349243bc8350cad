"""Faults on list pages, for the fault-injecting replica (:mod:`.faults`).

A list page is chosen by the same seed and rate as articles are. A transient fault (a 5xx
burst, a reset, a truncated body, an answer later than the crawler waits) spoils only the
first attempts: a retrying crawler reads the page all the same and nothing is lost. A
persistent one answers every request: a challenge page with status 200, a redirect to another
site, a redirect loop, a meta refresh to another site, an answer always later than the
crawler waits, or (page 2 and later) a permanent 500.

What a correct crawler does with a persistent one (:data:`LIST_FAULTS`): the list page is a
failed list page, counted for its column (``list_failed``) and under
``dgportal/failed/list/<reason>``, and the run exits 1. The crawler never sees the entries of
that page nor of the pages after it (the next-page link is on the page it could not read), so
those articles are *not listed*: not stored, not in the run's article counts, and the column
is not ``complete``, so the next run reads it again. :meth:`ListFaults.unreached` names them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .fault_pages import challenge_page, offsite_refresh_page, unit
from .fault_transport import FaultResponse, late
from .model import COLUMNS, PAGE_SIZE, SITE_ROOT, list_page_number, page_count
from .site import REDIRECT_HOST, ReplicaResponse

if TYPE_CHECKING:
    from .site import Replica

ListOutcome = Literal["read", "failed"]
#: A list page: (column id, page number, 1-based).
PageKey = tuple[str, int]
Answer = Callable[["ListFaults", PageKey, str, str, ReplicaResponse], ReplicaResponse]
_HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class ListFault:
    outcome: ListOutcome  # "read": the crawler reads the page after retrying
    reason: str  # failed ones: the crawler's reason (dgportal/failed/list/<reason>)
    attempts: int  # requests it spoils (0 = every one)
    answer: Answer  # (faults, page, its path, the path asked for, the page's own answer) -> answer
    first_page: int = 1  # the first page number it is dealt to


def _status(code: int) -> Answer:
    return lambda _f, _k, _p, _a, ok: ReplicaResponse(code, {"Content-Type": _HTML}, b"<h1>error</h1>", ok.kind)


def _transport(kind: str) -> Answer:
    return lambda _f, _k, _p, _a, ok: FaultResponse(ok.status, ok.headers, ok.body, ok.kind, transport=kind)


def _page(make: Callable[[PageKey, str], bytes]) -> Answer:
    return lambda _f, key, path, _a, ok: ReplicaResponse(200, {"Content-Type": _HTML}, make(key, path), ok.kind)


def _found(location: Callable[[str, str], str]) -> Answer:
    return lambda _f, _k, path, asked, ok: ReplicaResponse(
        302, {"Location": location(path, asked), "Content-Type": _HTML}, b"", ok.kind)


def _loop(path: str, asked: str) -> str:
    # P -> P?hop=1 -> P: the second hop leads back to a page asked for already
    return path if "hop=1" in asked else path + "?hop=1"


#: List-page fault kind -> what it does and what a correct crawler makes of it.
LIST_FAULTS: dict[str, ListFault] = {
    "list_server_error_burst": ListFault("read", "", 2, _status(503)),
    "list_reset": ListFault("read", "", 1, _transport("reset")),
    "list_truncated": ListFault("read", "", 1, _transport("truncate")),
    "list_challenge": ListFault("failed", "not_a_list_page", 0,
                                _page(lambda key, _p: challenge_page(key[1] + len(key[0])))),
    "list_offsite_redirect": ListFault("failed", "IgnoreRequest", 0, _found(lambda p, _a: REDIRECT_HOST + p)),
    "list_redirect_loop": ListFault("failed", "redirect_loop", 0, _found(_loop)),
    "list_home_redirect": ListFault("failed", "not_a_list_page", 0, _found(lambda _p, _a: SITE_ROOT)),
    "list_offsite_refresh": ListFault("failed", "IgnoreRequest", 0,
                                      _page(lambda _k, path: offsite_refresh_page(REDIRECT_HOST + path))),
    "list_server_error": ListFault("failed", "http_500", 0, _status(500), first_page=2),
    # answered later than the crawler waits (DOWNLOAD_TIMEOUT): every time, or the first time only
    "list_timeout": ListFault("failed", "DownloadTimeoutError", 0, lambda f, _k, _p, _a, ok: late(ok, f.delay)),
    "list_timeout_once": ListFault("read", "", 1, lambda f, _k, _p, _a, ok: late(ok, f.delay)),
}


def page_of(path: str) -> PageKey | None:
    """The list page a path (no query) names, or None."""
    rest = path.removeprefix(SITE_ROOT)
    for col in COLUMNS:
        if path.startswith(SITE_ROOT) and rest.startswith(col.path):
            number = list_page_number(rest[len(col.path):], col.page_name)
            return None if number is None else (col.id, number)
    return None


class ListFaults:
    """The list pages a fault spec spoils, and what a correct crawler makes of it."""

    def __init__(self, replica: Replica, seed: int, rate: float, kinds: tuple[str, ...], delay: float) -> None:
        self.replica = replica
        self.delay = delay  # seconds a "timeout" answer is late
        self.paths: dict[PageKey, str] = {}
        order = [k for k in kinds if k in LIST_FAULTS]
        random.Random(seed + 2).shuffle(order)
        self.faults: dict[PageKey, str] = {}
        for n, col in enumerate(COLUMNS):
            for number in range(1, page_count(len(replica.column_entries(n))) + 1):
                key = (col.id, number)
                self.paths[key] = col.url_path + ("" if number == 1 else col.page_name(number))
                kind = _deal(order, len(self.faults), number) if order else None
                if kind is not None and unit(seed, f"list:{col.id}:{number}") < rate:
                    self.faults[key] = kind

    def unreached(self) -> set[str]:
        """Paths of the articles listed on a page a persistent fault spoils or after it: the
        crawler cannot see them (their next-page link is on a page it could not read)."""
        paths: set[str] = set()
        for n, col in enumerate(COLUMNS):
            failed = [number for (column, number), kind in self.faults.items()
                      if column == col.id and LIST_FAULTS[kind].outcome == "failed"]
            if failed:
                entries = self.replica.column_entries(n)
                paths.update(m.path for m in entries[(min(failed) - 1) * PAGE_SIZE:])
        return paths

    def failed_pages(self) -> dict[PageKey, str]:
        """Failed list page -> its reason, the first persistent fault of each column only (the
        crawler never asks for the pages after it)."""
        first: dict[str, int] = {}
        for (column, number), kind in self.faults.items():
            if LIST_FAULTS[kind].outcome == "failed":
                first[column] = min(number, first.get(column, number))
        return {(c, n): LIST_FAULTS[self.faults[(c, n)]].reason for c, n in first.items()}

    def expected(self) -> dict[PageKey, tuple[str, str]]:
        """Every list page → (what a correct crawler does, reason): ``read`` (no fault, or a
        transient one), ``failed`` with its reason (a column's first persistent fault) or
        ``not_reached`` (after it: its next-page link is on a page the crawler could not read)."""
        failed = self.failed_pages()
        first = {column: number for column, number in failed}
        out: dict[PageKey, tuple[str, str]] = {}
        for key in self.paths:
            column, number = key
            if key in failed:
                out[key] = ("failed", failed[key])
            else:
                out[key] = ("not_reached", "") if number > first.get(column, number) else ("read", "")
        return out

    def answer(self, path: str, asked: str, ok: ReplicaResponse, attempt: Callable[[str], int]
               ) -> ReplicaResponse | None:
        """The spoiled answer for list page ``path`` (asked for as ``asked``), or None when the
        page is answered as is. ``attempt(key)`` counts a request and returns its number."""
        key = page_of(path)
        kind = self.faults.get(key) if key is not None else None
        if key is None or kind is None:
            return None
        fault = LIST_FAULTS[kind]
        if fault.attempts and attempt(f"list:{key[0]}:{key[1]}") > fault.attempts:
            return None
        return fault.answer(self, key, path, asked, ok)


def _deal(order: list[str], i: int, number: int) -> str | None:
    """The i-th kind of the round, or the next one that may hit page ``number`` (None: none may)."""
    return next((kind for step in range(len(order))
                 if LIST_FAULTS[kind := order[(i + step) % len(order)]].first_page <= number), None)
