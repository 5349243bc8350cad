"""Bringing an archive back to a consistent state after a run that did not close it.

Plain functions over files (no Scrapy), so each step is tested bytes in, bytes out:

- :func:`killed_run` — the run that had the archive open when it died, from the marker;
- JSONL tails are cut by :meth:`JsonlArchive.repair`; :func:`torn_line_event` says what was cut;
- :func:`cut_torn_event` — the last event line, if the run died while writing it;
- :func:`catch_up_state` — the state brought up to the lines and events already written
  (lines are the source of truth; the state is a cache);
- :func:`repair_torn_tails` (``store.warc_read``) — the dead run's own WARC tail;
- :func:`rebuild_state` — a new state file from the lines (``dgportal rebuild-state``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dgportal_crawler.store.events import iter_events, replay_withdrawals
from dgportal_crawler.store.jsonl import JsonlArchive, TornLine, cut_torn_tail
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.state import StateStore
from dgportal_crawler.store.warc import TornRecord
from dgportal_crawler.store.warc_read import repair_torn_tails


@dataclass(slots=True)
class Recovery:
    """What opening the archive had to repair; empty after a clean previous run."""

    killed_run: str | None = None
    torn_lines: list[TornLine] = field(default_factory=list)
    torn_event: TornLine | None = None
    replayed: int = 0
    torn_warc: list[TornRecord] = field(default_factory=list)

    def events(self, layout: SiteLayout) -> list[dict[str, object]]:
        """The repair events to append to ``events.jsonl``."""
        found = [torn_line_event(layout, t) for t in self.torn_lines]
        if self.torn_event is not None:
            found.append(torn_line_event(layout, self.torn_event, "torn_event_repaired"))
        found += [{"event": "torn_warc_repaired", "file": r.file, "offset": r.offset,
                   "problem": r.message} for r in self.torn_warc]
        return found


def killed_run(layout: SiteLayout) -> str | None:
    """The id of the run that left the archive open (killed, power loss), if any."""
    try:
        return layout.open_marker.read_text(encoding="utf-8").strip() or "unknown"
    except FileNotFoundError:
        return None


def torn_line_event(layout: SiteLayout, torn: TornLine, event: str = "torn_line_repaired"
                    ) -> dict[str, object]:
    return {
        "event": event,
        "file": layout.relative(torn.path),
        "offset": torn.offset,
        "bytes": len(torn.data),
        "data": torn.data.decode("utf-8", errors="replace"),
    }


def cut_torn_event(layout: SiteLayout) -> TornLine | None:
    return cut_torn_tail(layout.events_file) if layout.events_file.is_file() else None


def catch_up_state(layout: SiteLayout, lines: JsonlArchive, state: StateStore) -> int:
    """Replay every line and withdrawal into the state; the number of rows changed.

    Needed after a kill (the last batch of state writes may be lost) and when the state is
    new or empty while lines exist (deleted, or lost with a disk): without it, every known
    article would be written again as revision 1.
    """
    replayed = state.apply_lines(iter(lines))
    replayed += replay_withdrawals(state, iter_events(layout))
    state.commit()
    return replayed


def recover(layout: SiteLayout, lines: JsonlArchive, state: StateStore) -> Recovery:
    """Every repair opening an archive needs, in order; nothing when the last run closed."""
    recovery = Recovery(killed_run=killed_run(layout))
    recovery.torn_lines = lines.repair()
    if recovery.killed_run is not None:
        recovery.torn_event = cut_torn_event(layout)  # before anything appends to it
    if recovery.killed_run is not None or (state.is_empty() and lines.files()):
        recovery.replayed = catch_up_state(layout, lines, state)
    if recovery.killed_run is not None:
        recovery.torn_warc = repair_torn_tails(layout.warc_dir, recovery.killed_run)
    return recovery


def rebuild_state(path: Path, jsonl_lines: Iterable[Mapping[str, Any]]) -> StateStore:
    """Build a fresh state file at ``path`` from archive lines and return it open.

    The new database is built beside the old one and renamed into place, so a failure
    midway leaves the old file as it was; the old file is kept as ``<path>.bak``. Run it
    while no crawl has the state open.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".rebuild")
    for stale in (tmp, *_sidecars(tmp)):
        stale.unlink(missing_ok=True)
    with StateStore(tmp, commit_every=1000) as fresh:
        fresh.apply_lines(jsonl_lines)
    # The old file moves aside with its -wal/-shm: a -wal left at ``path`` would be
    # replayed into the new database.
    backup = path.with_name(path.name + ".bak")
    for old, kept in zip((path, *_sidecars(path)), (backup, *_sidecars(backup)), strict=True):
        if old.exists():
            os.replace(old, kept)
        else:
            kept.unlink(missing_ok=True)
    os.replace(tmp, path)
    return StateStore(path)


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
