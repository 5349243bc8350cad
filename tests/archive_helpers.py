"""Reading a crawled archive back in tests, and running the dgportal command."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

SITE = "houjie"


def lines_of(out: Path, *, live: bool = False) -> list[dict]:
    """Every archive line. ``live``: a crawl may be writing, so a last line still without its
    newline is not read yet (a finished archive must have none: then it fails to parse)."""
    files = sorted((out / SITE / "articles").glob("*/*.jsonl"))
    return [json.loads(raw) for f in files for raw in _lines(f.read_bytes(), live)]


def _lines(data: bytes, live: bool) -> list[bytes]:
    if live:
        data = data[:data.rfind(b"\n") + 1]
    return data.splitlines()


def assert_each_stored_once(ids: Iterable[str], expected: Iterable[str], context: object = "") -> None:
    """Every expected article id stored exactly once, and nothing else; a failure names a few
    of the duplicated, lost or unexpected ids (and ``context``, e.g. a kill schedule)."""
    counts = Counter(ids)
    duplicated = sorted(i for i, n in counts.items() if n > 1)
    assert not duplicated, (context, f"stored twice: {duplicated[:5]}")
    wanted = set(expected)
    lost, extra = sorted(wanted - set(counts)), sorted(set(counts) - wanted)
    assert not lost and not extra, (context, f"lost: {lost[:5]}; not expected: {extra[:5]}")


def events_of(out: Path) -> list[dict]:
    path = out / SITE / "events.jsonl"
    return [json.loads(raw) for raw in path.read_bytes().splitlines()] if path.exists() else []


def reports_of(out: Path) -> list[dict]:
    paths = sorted((out / SITE / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)  # run order
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def dgportal(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dgportal_crawler", *args], capture_output=True,
                          text=True, timeout=240, stdin=subprocess.DEVNULL)
