"""recover(): bytes in, bytes out, on a site folder built by hand as a killed run leaves it."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dgportal_crawler.store.jsonl import JsonlArchive, TornLine
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.recovery import Recovery, catch_up_state, killed_run, recover
from dgportal_crawler.store.state import StateStore
from dgportal_crawler.store.warc import TornRecord, WarcArchive
from dgportal_crawler.store.warc_read import iter_records

FIXED = datetime(2026, 1, 1, tzinfo=UTC)
EARLIER, KILLED = "20251201T000000Z-aaaaaa", "20260101T000000Z-bbbbbb"
URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_{n}.html"
FEB = "articles/2023/2023-02.jsonl"
GARBAGE = b"GARBAGE!"


def line(n: int, fetched_at: str, revision: int = 1) -> bytes:
    record = {"id": f"houjie:{n}", "url": URL.format(n=n), "revision": revision,
              "text_sha256": str(n) * 64, "published_at": "2023-02-27T10:14:00+08:00",
              "fetched_at": fetched_at, "http_status": 200}
    return json.dumps(record, separators=(",", ":")).encode() + b"\n"


def write_warc(layout: SiteLayout, run_id: str) -> Path:
    ids = itertools.count(1)
    with WarcArchive(layout.warc_dir, run_id, clock=lambda: FIXED, software="test", info={},
                     record_ids=lambda: f"urn:uuid:{run_id}-{next(ids)}", fsync=False) as warc:
        warc.write_exchange(URL.format(n=1), "GET", [], b"", 200, "OK", [], b"<p>1</p>")
    return layout.warc_file(run_id, 1)


LINE1 = line(1, "2025-12-01T00:00:00Z")
LINE2 = line(2, "2026-01-01T00:00:00Z")
TORN = b'{"id":"houjie:3","revis'
EVENT = (b'{"at":"2026-01-01T00:00:00Z","run_id":"' + KILLED.encode()
         + b'","event":"withdrawn","id":"houjie:1","status":404}\n')
TORN_EVENT = b'{"at":"2026-01-01T00:00:01Z","ev'


@pytest.fixture
def killed(tmp_path: Path) -> SiteLayout:
    """A run killed mid-write: a torn line, a torn event, a marker, a state a batch behind,
    and garbage after the last WARC record of its own file and of an earlier run's file."""
    layout = SiteLayout.of(tmp_path, "houjie")
    (layout.site_dir / "articles/2023").mkdir(parents=True)
    (layout.site_dir / FEB).write_bytes(LINE1 + LINE2 + TORN)
    layout.events_file.write_bytes(EVENT + TORN_EVENT)
    layout.open_marker.write_text(KILLED + "\n", encoding="utf-8")
    with StateStore(layout.state_file) as state:  # knows only the first article
        state.record_fetch("houjie:1", URL.format(n=1), text_sha256="1" * 64, revision=1, etag='"e"',
                           last_modified=None, status=200, published_at="2023-02-27T10:14:00+08:00",
                           seen_at="2025-12-01T00:00:00Z")
    for run_id in (EARLIER, KILLED):
        path = write_warc(layout, run_id)
        path.write_bytes(path.read_bytes() + GARBAGE)
    return layout


def test_a_killed_run_is_repaired_bytes_in_bytes_out(killed: SiteLayout) -> None:
    layout = killed
    earlier_before = layout.warc_file(EARLIER, 1).read_bytes()
    killed_before = layout.warc_file(KILLED, 1).read_bytes()
    with JsonlArchive(layout) as lines, StateStore(layout.state_file) as state:
        recovery = recover(layout, lines, state)
        rows = {row.id: row for row in state.iter_states()}

    assert recovery.killed_run == KILLED
    # The torn line is cut off, the two whole lines stay byte for byte.
    assert recovery.torn_lines == [TornLine(layout.site_dir / FEB, len(LINE1 + LINE2), TORN)]
    assert (layout.site_dir / FEB).read_bytes() == LINE1 + LINE2
    # The torn event is cut too, before anything appends after it.
    assert recovery.torn_event == TornLine(layout.events_file, len(EVENT), TORN_EVENT)
    assert layout.events_file.read_bytes() == EVENT
    # Only the killed run's WARC file loses its tail; the earlier run's damage is left for verify.
    assert recovery.torn_warc == [TornRecord(f"warc/{KILLED}-00001.warc.gz", len(killed_before) - len(GARBAGE),
                                             recovery.torn_warc[0].message)]
    assert layout.warc_file(KILLED, 1).read_bytes() == killed_before[:-len(GARBAGE)]
    assert layout.warc_file(EARLIER, 1).read_bytes() == earlier_before
    assert len([r for r, _ in iter_records(layout.warc_dir, on_torn=lambda t: None)
                if r.file.startswith(f"warc/{KILLED}")]) == 3  # warcinfo, response, request
    # The state caught up: the missing line inserted, the withdrawal event replayed.
    assert recovery.replayed == 2
    assert sorted(rows) == ["houjie:1", "houjie:2"]
    assert (rows["houjie:2"].first_seen, rows["houjie:2"].text_sha256, rows["houjie:2"].revision) == (
        "2026-01-01T00:00:00Z", "2" * 64, 1)
    assert (rows["houjie:1"].withdrawn_at, rows["houjie:1"].last_status) == ("2026-01-01T00:00:00Z", 404)
    assert rows["houjie:1"].etag == '"e"'  # the same revision: the validators stay
    # recover() leaves the marker alone: the archive writes its own when it opens.
    assert layout.open_marker.read_text(encoding="utf-8") == KILLED + "\n"


def test_the_repairs_become_events(killed: SiteLayout) -> None:
    layout = killed
    with JsonlArchive(layout) as lines, StateStore(layout.state_file) as state:
        recovery = recover(layout, lines, state)
    events = recovery.events(layout)
    assert events == [
        {"event": "torn_line_repaired", "file": FEB, "offset": len(LINE1 + LINE2), "bytes": len(TORN),
         "data": TORN.decode()},
        {"event": "torn_event_repaired", "file": "events.jsonl", "offset": len(EVENT), "bytes": len(TORN_EVENT),
         "data": TORN_EVENT.decode()},
        {"event": "torn_warc_repaired", "file": f"warc/{KILLED}-00001.warc.gz",
         "offset": recovery.torn_warc[0].offset, "problem": recovery.torn_warc[0].message},
    ]
    assert "GARBAGE!" in events[2]["problem"]


def test_a_torn_line_is_cut_even_after_a_clean_run(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    (layout.site_dir / "articles/2023").mkdir(parents=True)
    (layout.site_dir / FEB).write_bytes(LINE1 + TORN)
    path = write_warc(layout, KILLED)
    path.write_bytes(path.read_bytes() + GARBAGE)
    warc_before = path.read_bytes()
    with StateStore(layout.state_file) as state:
        state.record_fetch("houjie:1", URL.format(n=1), text_sha256="1" * 64, revision=1, etag=None,
                           last_modified=None, status=200, published_at=None, seen_at="2025-12-01T00:00:00Z")
    with JsonlArchive(layout) as lines, StateStore(layout.state_file) as state:
        recovery = recover(layout, lines, state)
    assert recovery.killed_run is None and recovery.replayed == 0 and recovery.torn_event is None
    assert recovery.torn_lines == [TornLine(layout.site_dir / FEB, len(LINE1), TORN)]
    assert recovery.torn_warc == []
    assert path.read_bytes() == warc_before  # no killed run: no WARC is cut


@pytest.mark.parametrize("state_file", ["missing", "empty"])
def test_an_empty_or_missing_state_with_lines_is_caught_up(tmp_path: Path, state_file: str) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    (layout.site_dir / "articles/2023").mkdir(parents=True)
    (layout.site_dir / FEB).write_bytes(LINE1 + LINE2 + line(1, "2026-01-02T00:00:00Z", revision=2))
    if state_file == "empty":
        StateStore(layout.state_file).close()
    with JsonlArchive(layout) as lines, StateStore(layout.state_file) as state:
        recovery = recover(layout, lines, state)
        rows = {row.id: row for row in state.iter_states()}
    assert recovery.killed_run is None
    assert recovery.replayed == 3  # two inserts, then revision 2 of the first
    assert {k: (r.revision, r.first_seen, r.last_seen) for k, r in rows.items()} == {
        "houjie:1": (2, "2025-12-01T00:00:00Z", "2026-01-02T00:00:00Z"),
        "houjie:2": (1, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
    }


def test_a_clean_archive_needs_nothing(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    with JsonlArchive(layout) as lines, StateStore(layout.state_file) as state:
        assert recover(layout, lines, state) == Recovery()
    assert Recovery().events(layout) == []


def test_killed_run_reads_the_marker(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    assert killed_run(layout) is None
    layout.site_dir.mkdir()
    layout.open_marker.write_text(f"  {KILLED}\n", encoding="utf-8")
    assert killed_run(layout) == KILLED
    layout.open_marker.write_text("", encoding="utf-8")  # died before writing its id
    assert killed_run(layout) == "unknown"


def test_catch_up_state_replays_lines_then_withdrawals_and_commits(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    (layout.site_dir / "articles/2023").mkdir(parents=True)
    (layout.site_dir / FEB).write_bytes(LINE1 + LINE2)
    layout.events_file.write_bytes(EVENT)
    with StateStore(layout.state_file, commit_every=1000) as state:
        assert catch_up_state(layout, JsonlArchive(layout), state) == 3
        # committed: another connection sees the rows before this one closes
        with StateStore(layout.state_file) as other:
            assert other.known_ids() == {"houjie:1", "houjie:2"}
            assert other.get("houjie:1").withdrawn_at == "2026-01-01T00:00:00Z"
