"""The incremental manifest: a write hashes only new and changed files, verify re-hashes only
files whose size or mtime moved, ``full`` re-hashes everything."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dgportal_crawler.store.manifest import (
    CHUNK,
    MANIFEST_VERSION,
    RACY_NS,
    ManifestError,
    _digest_extending,
    build_manifest,
    covered_files,
    file_digest,
    load_manifest,
    unchanged_since,
    write_manifest,
)
from dgportal_crawler.store.verify import Problem, verify_report
from dgportal_crawler.store.warc import WarcArchive

FIXED = datetime(2026, 11, 25, 17, 30, 8, tzinfo=UTC)
URL = "https://www.dg.gov.cn/houjie/a/post_1.html"
FEB, MAR = "articles/2023/2023-02.jsonl", "articles/2023/2023-03.jsonl"
SCHEMA = {"type": "object", "required": ["id", "revision"]}
LONG_AGO_NS = 1_600_000_000 * 10**9  # 2020: every file's mtime is set here, far from "now"


def later(_: int = 0) -> int:
    """A filesystem clock an hour after the files' mtimes: nothing is racy."""
    return LONG_AGO_NS + 3600 * 10**9


def line(n: int, ref: dict | None = None) -> bytes:
    return json.dumps({"id": f"houjie:{n}", "url": URL, "revision": 1, "warc": ref}).encode() + b"\n"


def age(site: Path) -> None:
    """Every covered file last modified long ago (as after weeks of nightly runs)."""
    for path in site.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))


def add_warc(site: Path, run_id: str) -> dict:
    ids = itertools.count(1)
    with WarcArchive(site / "warc", run_id, clock=lambda: FIXED, software="t", info={},
                     record_ids=lambda: f"urn:uuid:{run_id}-{next(ids)}") as archive:
        return archive.write_exchange(URL, "GET", [], b"", 200, "OK", [], b"<p>x</p>").to_dict()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "houjie"
    ref = add_warc(site, "run1")
    (site / "articles/2023").mkdir(parents=True)
    (site / FEB).write_bytes(line(1, ref) + line(2, ref))
    (site / "runs").mkdir()
    (site / "runs/run1.json").write_text('{"run_id": "run1"}\n')
    (site / "events.jsonl").write_bytes(b"")
    age(site)
    return site


def hashed_by(site: Path, **kwargs) -> tuple[list[str], dict]:
    seen: list[str] = []
    manifest = write_manifest(site, clock=lambda: FIXED, now_ns=later, on_hash=seen.append, **kwargs)
    return seen, manifest


def test_a_second_write_hashes_nothing_and_writes_the_same_manifest(site: Path) -> None:
    first_hashed, first = hashed_by(site)
    assert first_hashed == ["articles/2023/2023-02.jsonl", "events.jsonl", "runs/run1.json",
                            "warc/run1-00001.warc.gz"]
    assert first["mtime_ns"] == dict.fromkeys(first_hashed, LONG_AGO_NS)
    again_hashed, again = hashed_by(site)
    assert again_hashed == []
    assert again == first
    assert load_manifest(site) == first


def test_an_incremental_run_hashes_only_what_it_wrote(site: Path) -> None:
    hashed_by(site)
    ref = add_warc(site, "run2")
    with (site / FEB).open("ab") as fh:
        fh.write(line(3, ref))
    (site / MAR).write_bytes(line(4, ref))
    (site / "runs/run2.json").write_text("{}\n")
    (site / "runs/run2.log").write_text("a log is never covered\n")
    age(site)
    hashed, manifest = hashed_by(site)
    assert hashed == [FEB, MAR, "runs/run2.json", "warc/run2-00001.warc.gz"]
    # reused entries and new ones are exactly what hashing everything gives
    assert manifest["files"] == build_manifest(site, clock=lambda: FIXED)["files"]
    data = (site / FEB).read_bytes()
    assert manifest["files"][FEB] == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def test_a_recorded_file_rewritten_at_the_same_size_is_reported_not_re_recorded(site: Path) -> None:
    _, first = hashed_by(site)
    data = (site / FEB).read_bytes()
    (site / FEB).write_bytes(data.replace(b"houjie:1", b"houjie:9"))
    os.utime(site / FEB, ns=(LONG_AGO_NS + 1, LONG_AGO_NS + 1))  # one nanosecond later
    damaged: list[tuple[str, str]] = []
    hashed, manifest = hashed_by(site, on_damage=lambda rel, what: damaged.append((rel, what)))
    assert hashed == [FEB]  # the mtime moved, so it was read again
    assert damaged == [(FEB, f"its first {len(data)} bytes changed")]
    assert manifest["files"][FEB] == first["files"][FEB]  # the recorded checksum stands
    assert FEB not in manifest["mtime_ns"]  # so every later write reads and reports it again
    assert verify_report(site, SCHEMA).problems == [Problem(FEB, None, "changed since manifest: sha256 differs")]


def test_a_recorded_file_that_shrank_or_vanished_keeps_its_entry(site: Path) -> None:
    _, first = hashed_by(site)
    warc = "warc/run1-00001.warc.gz"
    (site / warc).write_bytes((site / warc).read_bytes()[:-10])
    (site / "runs/run1.json").unlink()
    damaged: list[tuple[str, str]] = []
    _, manifest = hashed_by(site, on_damage=lambda rel, what: damaged.append((rel, what)))
    size = first["files"][warc]["size"]
    assert damaged == [(warc, f"shrank from {size} to {size - 10} bytes"), ("runs/run1.json", "missing")]
    assert manifest["files"] == first["files"]


def test_an_appended_file_is_re_recorded_and_full_re_baselines_a_damaged_one(site: Path) -> None:
    hashed_by(site)
    with (site / FEB).open("ab") as fh:
        fh.write(line(3))
    damaged: list[tuple[str, str]] = []
    _, grown = hashed_by(site, on_damage=lambda rel, what: damaged.append((rel, what)))
    assert damaged == []
    assert grown["files"][FEB]["sha256"] == hashlib.sha256((site / FEB).read_bytes()).hexdigest()
    (site / FEB).write_bytes(b"rewritten\n")
    _, rebased = hashed_by(site, full=True, on_damage=lambda rel, what: damaged.append((rel, what)))
    assert damaged == []
    assert rebased["files"][FEB] == {"sha256": hashlib.sha256(b"rewritten\n").hexdigest(), "size": 10}


def test_files_changed_just_before_the_write_get_no_mtime_and_are_hashed_next_time(site: Path) -> None:
    just_now = lambda: LONG_AGO_NS + RACY_NS - 1  # noqa: E731
    first = write_manifest(site, clock=lambda: FIXED, now_ns=just_now)
    assert first["mtime_ns"] == {}
    hashed, second = hashed_by(site)
    assert len(hashed) == 4 and second["files"] == first["files"]


def test_full_and_an_unreadable_previous_manifest_hash_everything(site: Path) -> None:
    hashed_by(site)
    assert len(hashed_by(site, full=True)[0]) == 4
    (site / "manifest.json").write_text("{not json")
    hashed, manifest = hashed_by(site)
    assert len(hashed) == 4 and len(manifest["files"]) == 4


def test_a_manifest_without_mtimes_is_still_read_and_fully_hashed(site: Path) -> None:
    _, manifest = hashed_by(site)
    del manifest["mtime_ns"]  # as written before the manifest was incremental
    (site / "manifest.json").write_text(json.dumps(manifest))
    result = verify_report(site, SCHEMA)
    assert (result.problems, result.hashed) == ([], 4)
    assert len(hashed_by(site)[0]) == 4


# -- verify ---------------------------------------------------------------------------------------
def test_verify_rehashes_only_files_whose_size_or_mtime_moved(site: Path) -> None:
    hashed_by(site)
    assert verify_report(site, SCHEMA).hashed == 0
    with (site / "events.jsonl").open("ab") as fh:
        fh.write(b'{"event": "withdrawn"}\n')  # grows: a size problem, found without hashing
    os.utime(site / "runs/run1.json", ns=(LONG_AGO_NS + 5, LONG_AGO_NS + 5))  # only touched
    result = verify_report(site, SCHEMA)
    assert result.problems == [Problem("events.jsonl", None, "changed since manifest: size 23, manifest says 0")]
    assert result.hashed == 1  # runs/run1.json: same size, new mtime, same bytes: no problem


def test_only_a_full_verify_finds_bytes_changed_behind_an_unchanged_mtime(site: Path) -> None:
    """Bit rot, or a tool that restores mtimes: size and mtime match, the bytes do not."""
    hashed_by(site)
    data = (site / FEB).read_bytes()
    (site / FEB).write_bytes(data.replace(b"houjie:2", b"houjie:8"))
    os.utime(site / FEB, ns=(LONG_AGO_NS, LONG_AGO_NS))
    assert verify_report(site, SCHEMA).problems == []
    full = verify_report(site, SCHEMA, full=True)
    assert full.problems == [Problem(FEB, None, "changed since manifest: sha256 differs")]
    assert full.hashed == 4


# -- the module's small functions, one by one ----------------------------------------------------
def test_covered_files_are_the_archive_files_sorted_without_state_logs_or_temp_files(tmp_path: Path) -> None:
    for rel in ("origin.json", "events.jsonl", "state.sqlite", "state.sqlite-wal", "crawl.lock",
                "manifest.json", "articles/undated/undated.jsonl", "articles/2023/2023-02.jsonl",
                "articles/2023/.2023-02.jsonl.x.tmp", "runs/r1.json", "runs/r1.log",
                "warc/r1-00001.warc.gz", "job/requests.queue/p0", "notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    assert covered_files(tmp_path) == [
        "articles/2023/2023-02.jsonl", "articles/undated/undated.jsonl", "events.jsonl",
        "origin.json", "runs/r1.json", "warc/r1-00001.warc.gz"]


def test_covered_files_of_a_missing_or_empty_folder_is_empty(tmp_path: Path) -> None:
    assert covered_files(tmp_path / "nowhere") == []
    (tmp_path / "warc").write_bytes(b"a file where a folder should be")
    assert covered_files(tmp_path) == []


@pytest.mark.parametrize("limit", [None, 0, 5, 10**9])
def test_file_digest_hashes_the_whole_file_or_its_first_bytes(tmp_path: Path, limit: int | None) -> None:
    data = bytes(range(256)) * 5000  # over one read chunk
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    head = data if limit is None else data[:limit]
    assert file_digest(path, limit) == (hashlib.sha256(head).hexdigest(), len(head))


def test_load_manifest_without_a_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_manifest(tmp_path)


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe", b"{}", b'{"files": []}',
                                     b'{"files": {"a": 1}}', b'{"files": {}, "mtime_ns": [1]}'])
def test_load_manifest_refuses_what_is_not_a_manifest(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "manifest.json").write_bytes(content)
    with pytest.raises(ManifestError):
        load_manifest(tmp_path)


def test_unchanged_since_needs_the_recorded_size_and_mtime(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"abc\n")
    os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
    stat = path.stat()
    manifest = {"files": {"events.jsonl": {"sha256": "0" * 64, "size": 4}},
                "mtime_ns": {"events.jsonl": LONG_AGO_NS}}
    assert unchanged_since(manifest, "events.jsonl", stat)
    assert not unchanged_since({**manifest, "mtime_ns": {}}, "events.jsonl", stat)  # racy: no mtime
    assert not unchanged_since({**manifest, "mtime_ns": {"events.jsonl": LONG_AGO_NS + 1}}, "events.jsonl", stat)
    assert not unchanged_since({**manifest, "files": {"events.jsonl": {"size": 5}}}, "events.jsonl", stat)
    assert not unchanged_since({}, "events.jsonl", stat)


def test_the_written_manifest_is_the_returned_one_and_leaves_no_temp_file(site: Path) -> None:
    _, manifest = hashed_by(site)
    assert manifest["manifest_version"] == MANIFEST_VERSION
    assert manifest["generated_at"] == "2026-11-25T17:30:08+00:00"
    assert json.loads((site / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert sorted(p.name for p in site.iterdir()) == ["articles", "events.jsonl", "manifest.json", "runs", "warc"]


@pytest.mark.parametrize(("length", "recorded"), [(0, 0), (10, 0), (10, 10), (10, 11), (CHUNK + 5, CHUNK - 3),
                                                  (2 * CHUNK, CHUNK), (CHUNK + 5, CHUNK + 5)])
def test_one_read_gives_the_whole_digest_and_the_recorded_prefix(tmp_path: Path, length, recorded) -> None:
    data = bytes(range(256)) * (length // 256) + bytes(length % 256)
    path = tmp_path / "f"
    path.write_bytes(data)
    sha, size, prefix = _digest_extending(path, recorded)
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), length)
    assert prefix == (hashlib.sha256(data[:recorded]).hexdigest() if recorded <= length else None)
