"""SiteArchive: one run's hold on a site folder, without Scrapy: open, write, close, reopen."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.lock import LockError, site_lock
from dgportal_crawler.store.origin import OriginMismatch
from dgportal_crawler.store.site import ArchiveOptions, SiteArchive
from dgportal_crawler.store.state import StateError, StateStore
from dgportal_crawler.store.warc_read import read_record

FIXED = datetime(2026, 1, 1, tzinfo=UTC)
RUN = "20260101T000000Z-abcdef"
URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_1.html"
NO_WARC = ArchiveOptions(warc=False)


def clock() -> datetime:
    return FIXED


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open_marks_the_archive_open_and_holds_the_lock(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    archive = SiteArchive.open(layout, RUN, clock, NO_WARC)
    try:
        assert layout.open_marker.read_text(encoding="utf-8") == RUN
        assert layout.state_file.is_file()
        assert archive.recovery.killed_run is None and archive.warc is None
        assert archive.now() == "2026-01-01T00:00:00Z"
        with pytest.raises(LockError, match="another crawl is writing to"), site_lock(layout):
            pass
    finally:
        archive.close()


def test_a_line_an_event_and_the_close(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    archive = SiteArchive.open(layout, RUN, clock, NO_WARC)
    path = archive.append({"id": "houjie:1", "title": "厚街要闻", "published_at": "2023-02-27T10:14:00+08:00"})
    archive.event({"event": "withdrawn", "id": "houjie:2", "status": 404})
    assert path == tmp_path / "houjie/articles/2023/2023-02.jsonl"
    assert path.read_bytes() == ('{"id":"houjie:1","title":"厚街要闻",'
                                 '"published_at":"2023-02-27T10:14:00+08:00"}\n').encode()  # flushed at once
    built = []

    def report() -> dict:
        built.append(True)
        return {"run_id": RUN, "stored": 1}

    archive.close(report)
    archive.close(report)  # a second close does nothing
    assert built == [True]

    assert layout.events_file.read_bytes() == (
        b'{"at":"2026-01-01T00:00:00Z","run_id":"' + RUN.encode()
        + b'","event":"withdrawn","id":"houjie:2","status":404}\n')
    assert layout.run_report(RUN).read_text(encoding="utf-8") == (
        '{\n  "run_id": "20260101T000000Z-abcdef",\n  "stored": 1\n}\n')
    manifest = json.loads(layout.manifest_file.read_text(encoding="utf-8"))
    assert manifest["generated_at"] == "2026-01-01T00:00:00+00:00"
    names = ["articles/2023/2023-02.jsonl", "events.jsonl", f"runs/{RUN}.json"]
    assert manifest["files"] == {
        name: {"sha256": sha256(layout.site_dir / name), "size": (layout.site_dir / name).stat().st_size}
        for name in names
    }
    assert not layout.open_marker.exists()
    with site_lock(layout):  # released
        pass


def test_a_second_open_after_close_continues_the_archive(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    first = SiteArchive.open(layout, RUN, clock, NO_WARC)
    first.state.record_fetch("houjie:1", URL, text_sha256="a" * 64, revision=1, etag=None, last_modified=None,
                             status=200, published_at=None, seen_at="2026-01-01T00:00:00Z")
    first.append({"id": "houjie:1", "published_at": None})
    first.close()
    second = SiteArchive.open(layout, "20260102T000000Z-cccccc", clock, NO_WARC)
    try:
        assert second.recovery.killed_run is None and second.recovery.replayed == 0
        assert second.state.known_ids() == {"houjie:1"}  # committed by the first close
        assert layout.open_marker.read_text(encoding="utf-8") == "20260102T000000Z-cccccc"
    finally:
        second.close()
    assert (layout.articles_dir / "undated/undated.jsonl").read_bytes() == b'{"id":"houjie:1","published_at":null}\n'


def test_open_after_a_killed_run_records_the_repairs_as_this_runs_events(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    feb = layout.articles_dir / "2023/2023-02.jsonl"
    feb.parent.mkdir(parents=True)
    whole = b'{"id":"houjie:1","revision":1,"fetched_at":"2025-12-01T00:00:00Z","url":"u"}\n'
    feb.write_bytes(whole + b'{"id":"hou')
    layout.open_marker.write_text("20251201T000000Z-killed", encoding="utf-8")
    archive = SiteArchive.open(layout, RUN, clock, NO_WARC)
    try:
        assert archive.recovery.killed_run == "20251201T000000Z-killed"
        assert archive.recovery.replayed == 1
        assert archive.state.get("houjie:1").url == "u"
        assert layout.open_marker.read_text(encoding="utf-8") == RUN
    finally:
        archive.close()
    assert feb.read_bytes() == whole
    event = json.loads(layout.events_file.read_bytes())
    assert event == {"at": "2026-01-01T00:00:00Z", "run_id": RUN, "event": "torn_line_repaired",
                     "file": "articles/2023/2023-02.jsonl", "offset": len(whole), "bytes": 10,
                     "data": '{"id":"hou'}


def test_the_warc_writer_is_the_runs(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    archive = SiteArchive.open(layout, RUN, clock, ArchiveOptions(warc_info={"run_id": RUN}))
    assert archive.warc is not None
    ref = archive.warc.write_exchange(URL, "GET", [], b"", 200, "OK", [("Content-Type", "text/html")], b"<p>x</p>")
    archive.close()
    assert ref.file == f"warc/{RUN}-00001.warc.gz"
    assert read_record(layout.site_dir, ref) == ({"Content-Type": "text/html"}, 200, b"<p>x</p>")
    manifest = json.loads(layout.manifest_file.read_text(encoding="utf-8"))
    assert manifest["files"][ref.file]["sha256"] == sha256(layout.site_dir / ref.file)


def test_a_caller_holding_the_lock_opens_without_taking_it(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    with site_lock(layout):
        archive = SiteArchive.open(layout, RUN, clock, ArchiveOptions(warc=False, lock=False))
        archive.close()
    assert not layout.open_marker.exists()


def test_a_held_lock_fails_the_open_and_leaves_nothing(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    with site_lock(layout), pytest.raises(LockError, match="another crawl is writing to"):
        SiteArchive.open(layout, RUN, clock, NO_WARC)
    assert not layout.open_marker.exists()
    assert not layout.state_file.exists()


def test_a_garbage_state_fails_the_open_and_leaves_no_marker_and_no_lock(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    layout.site_dir.mkdir()
    garbage = b"this is not a sqlite database " * 100
    layout.state_file.write_bytes(garbage)
    with pytest.raises(StateError, match="rebuild-state"):
        SiteArchive.open(layout, RUN, clock, NO_WARC)
    assert not layout.open_marker.exists()
    assert layout.state_file.read_bytes() == garbage
    with site_lock(layout):  # not held
        pass
    layout.state_file.unlink()
    archive = SiteArchive.open(layout, RUN, clock, NO_WARC)  # and the folder is usable again
    archive.close()


def test_state_survives_a_close_with_a_batch_pending(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    archive = SiteArchive.open(layout, RUN, clock, ArchiveOptions(warc=False, state_commit_every=1000))
    archive.state.record_fetch("houjie:7", URL, text_sha256="b" * 64, revision=3, etag='"x"', last_modified=None,
                               status=200, published_at=None, seen_at="2026-01-01T00:00:00Z")
    archive.close()
    with StateStore(layout.state_file) as state:
        assert (state.get("houjie:7").revision, state.get("houjie:7").etag) == (3, '"x"')


def test_the_first_open_records_the_origin_and_another_origin_is_refused(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    SiteArchive.open(layout, RUN, clock, ArchiveOptions(warc=False, base_url="http://127.0.0.1:8800/houjie/")).close()
    assert json.loads(layout.origin_file.read_text(encoding="utf-8")) == {
        "origin": "loopback", "base_url": "http://127.0.0.1:8800/houjie/", "recorded_at": "2026-01-01T00:00:00Z"}
    # the replica again, on another port: the same origin
    SiteArchive.open(layout, RUN, clock, ArchiveOptions(warc=False, base_url="http://127.0.0.1:9/houjie/")).close()
    with pytest.raises(OriginMismatch, match=r"was made from http://127\.0\.0\.1:8800/houjie/"):
        SiteArchive.open(layout, RUN, clock, ArchiveOptions(warc=False, base_url="https://www.dg.gov.cn/houjie/"))
    assert not layout.open_marker.exists()
    with site_lock(layout):  # not held
        pass
