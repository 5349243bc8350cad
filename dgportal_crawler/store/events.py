"""``events.jsonl``: what happened to the archive besides new lines (withdrawals, restores,
repairs).

The state is rebuilt from the lines *and* from these events, so a withdrawal survives a
``dgportal rebuild-state`` or a killed run and is not reported a second time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Self

from dgportal_crawler.store.jsonl import encode_line, iter_archive_lines
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.state import StateStore


class EventLog:
    """Appends events, each one flushed line stamped with when and which run.

    Opened once for a run (or a command such as ``rebuild-state``); ``now`` is the run's
    clock, as an ISO string, so tests can compare exact bytes.
    """

    def __init__(self, path: Path, run_id: str | None, now: Callable[[], str], *,
                 fsync: bool = False) -> None:
        self.path = Path(path)
        self.run_id = run_id
        self.now = now
        self.fsync = fsync
        self._handle: IO[bytes] | None = None

    def write(self, record: dict[str, Any]) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("ab")
        self._handle.write(encode_line({"at": self.now(), "run_id": self.run_id, **record}))
        self._handle.flush()
        if self.fsync:
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_events(layout: SiteLayout) -> Iterator[dict[str, Any]]:
    if layout.events_file.is_file():
        # Repair events carry no article id; every JSON object line is an event.
        yield from iter_archive_lines(layout.events_file, require_id=False)


def replay_withdrawals(state: StateStore, events: Iterable[dict[str, Any]]) -> int:
    """Mark withdrawn every article whose last withdrawal event is newer than its last
    sighting and was not followed by a ``restored`` event; returns how many were marked."""
    latest: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.get("event") in ("withdrawn", "restored") and isinstance(event.get("id"), str):
            latest[event["id"]] = event
    marked = 0
    for article_id, event in latest.items():
        row = state.get(article_id)
        if (event["event"] != "withdrawn" or row is None or row.withdrawn_at is not None
                or str(event.get("at", "")) < row.last_seen):
            continue
        state.record_withdrawal(article_id, int(event.get("status") or 0), event["at"], event.get("location"))
        marked += 1
    return marked
