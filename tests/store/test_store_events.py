"""events.jsonl: exact bytes with an injected clock, reading back, and replaying withdrawals."""

from __future__ import annotations

from pathlib import Path

import pytest

from dgportal_crawler.store.events import EventLog, iter_events, replay_withdrawals
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.state import StateStore

SEEN = "2025-12-01T00:00:00Z"


def test_each_event_is_one_line_stamped_with_the_clock_and_the_run(tmp_path: Path) -> None:
    path = tmp_path / "houjie" / "events.jsonl"
    times = iter(["2026-01-01T00:00:00Z", "2026-01-01T00:00:05Z"])
    with EventLog(path, "20260101T000000Z-abcdef", lambda: next(times)) as log:
        assert not path.exists()  # nothing is created before the first event
        log.write({"event": "withdrawn", "id": "houjie:1", "status": 404})
        log.write({"event": "torn_line_repaired", "file": "articles/2023/2023-02.jsonl", "data": "{\"标题"})
    assert path.read_bytes() == (
        b'{"at":"2026-01-01T00:00:00Z","run_id":"20260101T000000Z-abcdef","event":"withdrawn",'
        b'"id":"houjie:1","status":404}\n'
        + '{"at":"2026-01-01T00:00:05Z","run_id":"20260101T000000Z-abcdef","event":"torn_line_repaired",'
          '"file":"articles/2023/2023-02.jsonl","data":"{\\"标题"}\n'.encode()
    )


def test_a_command_without_a_run_appends_with_a_null_run_id(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(b'{"event":"older"}\n')
    with EventLog(path, None, lambda: "2026-01-02T03:04:05Z") as log:
        log.write({"event": "restored", "id": "houjie:2"})
    assert path.read_bytes() == (b'{"event":"older"}\n'
                                 b'{"at":"2026-01-02T03:04:05Z","run_id":null,"event":"restored","id":"houjie:2"}\n')


def test_every_write_is_flushed_at_once(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    log = EventLog(path, "r", lambda: "t", fsync=True)
    log.write({"event": "withdrawn", "id": "houjie:1"})
    assert path.read_bytes() == b'{"at":"t","run_id":"r","event":"withdrawn","id":"houjie:1"}\n'  # still open
    log.close()
    log.close()  # twice is harmless


def test_iter_events_reads_whole_lines_with_or_without_an_id(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    assert list(iter_events(layout)) == []  # no file yet
    layout.site_dir.mkdir()
    layout.events_file.write_bytes(
        b'{"event":"withdrawn","id":"houjie:1","status":404}\n'
        b'{"event":"torn_line_repaired","file":"articles/2023/2023-02.jsonl"}\n'
        b'["not an event"]\n'
        b'{"event":"restored","id":"hou')  # a torn tail is not an event
    assert list(iter_events(layout)) == [
        {"event": "withdrawn", "id": "houjie:1", "status": 404},
        {"event": "torn_line_repaired", "file": "articles/2023/2023-02.jsonl"},
    ]


@pytest.fixture
def state(tmp_path: Path):
    store = StateStore(tmp_path / "state.sqlite")
    for n in range(1, 7):
        store.record_fetch(f"houjie:{n}", f"https://www.dg.gov.cn/houjie/x/content/post_{n}.html",
                           text_sha256="0" * 64, revision=1, etag=None, last_modified=None, status=200,
                           published_at="2025-11-01", seen_at=SEEN)
    store.record_withdrawal("houjie:6", 410, "2025-12-02T00:00:00Z")
    yield store
    store.close()


def withdrawn(article_id: str, at: str, status: int = 404, location: str | None = None) -> dict:
    return {"at": at, "event": "withdrawn", "id": article_id, "status": status, "location": location}


def restored(article_id: str, at: str) -> dict:
    return {"at": at, "event": "restored", "id": article_id}


def test_replay_marks_what_the_last_event_says_is_gone(state: StateStore) -> None:
    events = [
        withdrawn("houjie:1", "2025-12-10T00:00:00Z", 301, "http://example.invalid/gone"),
        withdrawn("houjie:2", "2025-11-20T00:00:00Z"),  # seen again after it: not gone
        withdrawn("houjie:3", "2025-12-10T00:00:00Z"),
        restored("houjie:3", "2025-12-11T00:00:00Z"),  # withdrawn, then back
        restored("houjie:4", "2025-12-10T00:00:00Z"),
        withdrawn("houjie:4", "2025-12-12T00:00:00Z", 410),  # back, then gone again
        withdrawn("houjie:99", "2025-12-10T00:00:00Z"),  # not in the state
        withdrawn("houjie:6", "2025-12-10T00:00:00Z"),  # already marked withdrawn
        {"event": "torn_line_repaired", "file": "articles/2023/2023-02.jsonl"},
        {"at": "2025-12-10T00:00:00Z", "event": "withdrawn", "id": 5},  # an id that is no string
    ]
    assert replay_withdrawals(state, events) == 2
    one, four = state.get("houjie:1"), state.get("houjie:4")
    assert (one.withdrawn_at, one.last_status, one.withdrawn_location) == (
        "2025-12-10T00:00:00Z", 301, "http://example.invalid/gone")
    assert (four.withdrawn_at, four.last_status) == ("2025-12-12T00:00:00Z", 410)
    for untouched in ("houjie:2", "houjie:3", "houjie:5"):
        assert state.get(untouched).withdrawn_at is None, untouched
    assert state.get("houjie:6").withdrawn_at == "2025-12-02T00:00:00Z"  # the first time is kept
    assert state.get("houjie:99") is None


def test_replay_twice_marks_nothing_more(state: StateStore) -> None:
    events = [withdrawn("houjie:1", "2025-12-10T00:00:00Z")]
    assert replay_withdrawals(state, events) == 1
    assert replay_withdrawals(state, events) == 0
