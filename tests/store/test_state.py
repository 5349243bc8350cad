"""StateStore: article transitions, batching, withdrawal, corrupt files and rebuilds."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dgportal_crawler.store.recovery import rebuild_state
from dgportal_crawler.store.state import (
    ArticleState,
    Change,
    StateError,
    StateStore,
)

A = "houjie:3950123"
URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_3950123.html"
H1, H2 = "1" * 64, "2" * 64


def fetch(store: StateStore, text_sha256: str, seen_at: str, article_id: str = A,
          **kwargs) -> Change:
    kwargs = {"etag": '"e1"', "last_modified": None, "status": 200,
              "published_at": "2023-02-27T10:14:00+08:00", **kwargs}
    change = store.classify(article_id, text_sha256)
    store.record_fetch(article_id, URL if article_id == A else f"{URL}?{article_id}",
                       text_sha256=text_sha256, revision=change.revision, seen_at=seen_at, **kwargs)
    return change


def test_new_unchanged_updated(tmp_path: Path) -> None:
    with StateStore(tmp_path / "state.sqlite") as store:
        assert store.get(A) is None
        assert fetch(store, H1, "2026-11-01T00:00:00Z") == Change("new", 1, None)
        assert fetch(store, H1, "2026-11-02T00:00:00Z") == Change("unchanged", 1, H1)
        assert fetch(store, H2, "2026-11-03T00:00:00Z", etag='"e2"') == Change("updated", 2, H1)
        assert fetch(store, H2, "2026-11-04T00:00:00Z") == Change("unchanged", 2, H2)
        assert store.get(A) == ArticleState(
            id=A, url=URL, first_seen="2026-11-01T00:00:00Z", last_seen="2026-11-04T00:00:00Z",
            text_sha256=H2, revision=2, etag='"e1"', last_modified=None, last_status=200,
            published_at="2023-02-27T10:14:00+08:00", withdrawn_at=None, withdrawn_location=None)


def test_state_survives_reopen_and_datetimes_are_stored_as_iso(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with StateStore(path) as store:
        store.record_fetch(A, URL, text_sha256=H1, revision=1, etag=None, last_modified="Mon, 27 Feb 2023",
                           status=200, published_at=None,
                           seen_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC))
    with StateStore(path) as store:
        state = store.get(A)
        assert state is not None
        assert (state.first_seen, state.last_modified) == ("2026-11-01T08:00:00+00:00",
                                                           "Mon, 27 Feb 2023")
        assert store.integrity_ok() is True
    other = sqlite3.connect(path)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        other.close()


def test_not_modified_touches_only_last_seen_and_status(tmp_path: Path) -> None:
    with StateStore(tmp_path / "state.sqlite") as store:
        fetch(store, H1, "2026-11-01T00:00:00Z")
        store.record_not_modified(A, "2026-11-05T00:00:00Z")
        state = store.get(A)
        assert state is not None
        assert (state.last_seen, state.last_status, state.revision, state.text_sha256) == (
            "2026-11-05T00:00:00Z", 304, 1, H1)
        with pytest.raises(KeyError, match="houjie:404"):
            store.record_not_modified("houjie:404", "2026-11-05T00:00:00Z")


def test_withdrawal_and_return(tmp_path: Path) -> None:
    with StateStore(tmp_path / "state.sqlite") as store:
        fetch(store, H1, "2026-11-01T00:00:00Z")
        store.record_withdrawal(A, 302, "2026-11-02T00:00:00Z", location="https://x.test/")
        store.record_withdrawal(A, 404, "2026-11-03T00:00:00Z")
        state = store.get(A)
        assert state is not None
        # First withdrawal time is kept; last_seen stays when it was last present.
        assert (state.withdrawn_at, state.withdrawn_location, state.last_status,
                state.last_seen) == ("2026-11-02T00:00:00Z", None, 404, "2026-11-01T00:00:00Z")
        assert fetch(store, H1, "2026-11-04T00:00:00Z") == Change("unchanged", 1, H1,
                                                                  restored=True)
        state = store.get(A)
        assert state is not None
        assert (state.withdrawn_at, state.last_status) == (None, 200)
        with pytest.raises(KeyError):
            store.record_withdrawal("houjie:1", 404, "2026-11-04T00:00:00Z")


def test_seen_urls_and_known_ids(tmp_path: Path) -> None:
    with StateStore(tmp_path / "state.sqlite") as store:
        assert (store.seen_urls(), store.known_ids()) == (set(), set())
        fetch(store, H1, "2026-11-01T00:00:00Z")
        fetch(store, H2, "2026-11-01T00:00:00Z", article_id="houjie:2")
        assert store.seen_urls() == {URL, f"{URL}?houjie:2"}
        assert store.known_ids() == {A, "houjie:2"}


def test_commits_are_batched(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = StateStore(path, commit_every=3)

    def committed() -> int:
        other = sqlite3.connect(path)
        try:
            return other.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            other.close()

    fetch(store, H1, "2026-11-01T00:00:00Z", article_id="houjie:1")
    fetch(store, H1, "2026-11-01T00:00:00Z", article_id="houjie:2")
    assert committed() == 0
    fetch(store, H1, "2026-11-01T00:00:00Z", article_id="houjie:3")
    assert committed() == 3
    fetch(store, H1, "2026-11-01T00:00:00Z", article_id="houjie:4")
    assert committed() == 3
    store.commit()
    assert committed() == 4
    fetch(store, H1, "2026-11-01T00:00:00Z", article_id="houjie:5")
    store.close()
    assert committed() == 5


def test_corrupt_file_raises_state_error_saying_how_to_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"this is not a database, it is a sentence. " * 200)
    with pytest.raises(StateError, match="dgportal rebuild-state") as info:
        StateStore(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(("columns", "reason"), [
    ("id TEXT PRIMARY KEY, something TEXT", "no such column: url"),
    ("id TEXT PRIMARY KEY, url TEXT, extra TEXT", "unexpected articles table columns"),
])
def test_foreign_table_layout_raises_state_error(tmp_path: Path, columns: str,
                                                 reason: str) -> None:
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"CREATE TABLE articles ({columns})")
    db.commit()
    db.close()
    with pytest.raises(StateError, match="not a usable state database") as info:
        StateStore(path)
    assert reason in str(info.value)


def line(article_id: str, revision: int, sha: str, fetched_at: str | None,
         **extra: object) -> dict[str, object]:
    return {"id": article_id, "url": f"https://x.test/{article_id}", "revision": revision,
            "text_sha256": sha, "fetched_at": fetched_at, "http_status": 200,
            "published_at": "2023-02-27", **extra}


def test_rebuild_from_lines_latest_revision_wins(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"garbage, not sqlite" * 100)
    lines = [
        line("houjie:1", 2, H2, "2026-11-03T00:00:00Z"),
        line("houjie:1", 1, H1, "2026-11-01T00:00:00Z"),
        line("houjie:2", 1, H1, "2026-11-02T08:00:00+08:00"),
        line("houjie:3", 1, H1, None),  # no time it was seen: cannot make a row
    ]
    with rebuild_state(path, lines) as store:
        assert store.known_ids() == {"houjie:1", "houjie:2"}
        assert store.get("houjie:1") == ArticleState(
            id="houjie:1", url="https://x.test/houjie:1", first_seen="2026-11-01T00:00:00Z",
            last_seen="2026-11-03T00:00:00Z", text_sha256=H2, revision=2, etag=None,
            last_modified=None, last_status=200, published_at="2023-02-27", withdrawn_at=None,
            withdrawn_location=None)
        assert store.integrity_ok() is True
        # The next fetch continues the revision chain from the archive.
        assert store.classify("houjie:1", "3" * 64) == Change("updated", 3, H2)
    assert (tmp_path / "state.sqlite.bak").read_bytes() == b"garbage, not sqlite" * 100
    assert not (tmp_path / "state.sqlite.rebuild").exists()


def test_first_seen_compares_instants_not_strings(tmp_path: Path) -> None:
    lines = [line("houjie:1", 1, H1, "2026-11-02T07:00:00+08:00"),  # 23:00Z on the 1st
             line("houjie:1", 1, H1, "2026-11-01T23:30:00Z")]
    with rebuild_state(tmp_path / "state.sqlite", lines) as store:
        state = store.get("houjie:1")
        assert state is not None
        assert (state.first_seen, state.last_seen) == ("2026-11-02T07:00:00+08:00",
                                                       "2026-11-01T23:30:00Z")


def test_apply_lines_recovers_writes_lost_in_a_crash(tmp_path: Path) -> None:
    with StateStore(tmp_path / "state.sqlite") as store:
        fetch(store, H1, "2026-11-01T00:00:00Z")
        changed = store.apply_lines([
            {"id": A, "url": URL, "revision": 1, "text_sha256": H1,
             "fetched_at": "2026-11-01T00:00:00Z"},
            {"id": A, "url": URL, "revision": 2, "text_sha256": H2,
             "fetched_at": "2026-11-02T00:00:00Z", "http_status": 200},
        ])
        assert changed == 1
        state = store.get(A)
        assert state is not None
        assert (state.revision, state.text_sha256, state.etag, state.last_seen) == (
            2, H2, None, "2026-11-02T00:00:00Z")


def test_rebuild_replaces_a_good_database_and_its_wal(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = StateStore(path, commit_every=1)
    fetch(store, H1, "2026-11-01T00:00:00Z", article_id="houjie:old")
    # Left open on purpose: its -wal file is on disk, as after a crash.
    assert (tmp_path / "state.sqlite-wal").exists()
    rebuilt = rebuild_state(path, [line("houjie:new", 1, H1, "2026-11-05T00:00:00Z")])
    try:
        assert rebuilt.known_ids() == {"houjie:new"}
    finally:
        rebuilt.close()
        store.close()


_DISK_FULL_CHILD = """
import resource, signal, sys
from pathlib import Path
from dgportal_crawler.store.state import StateStore, StateWriteError

store = StateStore(Path(sys.argv[1]), commit_every=10)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG as an error, not a killed process
resource.setrlimit(resource.RLIMIT_FSIZE, (96 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
written = 0
try:
    for n in range(100_000):
        store.record_fetch(f"houjie:{n}", "https://www.dg.gov.cn/" + "p" * 400 + str(n),
                           text_sha256="1" * 64, revision=1, etag=None, last_modified=None,
                           status=200, published_at=None, seen_at="2026-01-01T00:00:00Z")
        written += 1
except StateWriteError as exc:
    print(written, "first:", exc)
for attempt in (lambda: store.record_not_modified("houjie:0", "2026-01-02T00:00:00Z"), store.close):
    try:
        attempt()
    except StateWriteError as exc:
        print("again:", exc)
"""


def test_a_write_that_fails_mid_run_rolls_back_its_batch_and_refuses_the_rest(tmp_path: Path) -> None:
    """A real failed write (a child's file size limit stands in for a full disk): one
    StateWriteError naming the file, the batch rolled back, every later write (and the
    closing commit) refused with the same message, and the file left whole."""
    import subprocess
    import sys

    path = tmp_path / "state.sqlite"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _DISK_FULL_CHILD, str(path)],
                          capture_output=True, text=True, timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    first, *again = done.stdout.splitlines()
    written = int(first.split()[0])
    assert written > 10, first  # some batches fitted before the limit
    assert f"the state {path} could not be written (" in first
    assert "the next run rebuilds the state from them" in first
    assert len(again) == 2 and all(line == "again: " + first.split("first: ")[1] for line in again)
    with StateStore(path) as store:  # without the limit: a sound file with whole batches only
        assert store.integrity_ok()
        kept = len(store.known_ids())
    assert kept % 10 == 0 and 10 <= kept <= written, (kept, written)
