"""``events.jsonl``: what happened to the archive besides new lines (withdrawals, repairs).

The state is rebuilt from the lines *and* from these events, so a withdrawal survives a
``dgportal rebuild-state`` or a killed run and is not reported a second time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dgportal_crawler.store.jsonl import iter_archive_lines
from dgportal_crawler.store.state import StateStore

EVENTS_FILE = "events.jsonl"


def iter_events(site_dir: Path) -> Iterator[dict[str, Any]]:
    path = site_dir / EVENTS_FILE
    if path.is_file():
        # Repair events carry no article id; every JSON object line is an event.
        yield from iter_archive_lines(path, require_id=False)


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
