"""write_manifest and verify_archive on a small, real site folder."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dgportal_crawler.store import verify as verify_module
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.lock import site_lock
from dgportal_crawler.store.manifest import write_manifest
from dgportal_crawler.store.verify import Problem, lock_holder, verify_archive, verify_report
from dgportal_crawler.store.warc import WarcArchive
from dgportal_crawler.store.warc_read import iter_records

FIXED = datetime(2026, 11, 25, 17, 30, 8, tzinfo=UTC)
U1, U2 = "https://www.dg.gov.cn/houjie/a/post_1.html", "https://www.dg.gov.cn/houjie/a/post_2.html"
H1, H2 = "a" * 64, "b" * 64
FEB, UNDATED = "articles/2023/2023-02.jsonl", "articles/undated/undated.jsonl"
WARC = "warc/run1-00001.warc.gz"

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "url", "revision", "text_sha256", "warc"],
    "$defs": {"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
    "properties": {
        "id": {"type": "string"},
        "url": {"type": ["string", "null"]},
        "revision": {"type": "integer", "minimum": 1},
        "text_sha256": {"$ref": "#/$defs/sha256"},
        "warc": {"type": ["object", "null"]},
    },
}


def jline(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n"


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as fh:
        fh.write(data)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "houjie"
    ids = itertools.count(1)
    with WarcArchive(site / "warc", "run1", clock=lambda: FIXED, software="t", info={},
                     record_ids=lambda: f"urn:uuid:{next(ids)}") as archive:
        refs = [archive.write_exchange(url, "GET", [], b"", 200, "OK", [], f"<p>{url}</p>".encode())
                for url in (U1, U2)]
    (site / "articles/2023").mkdir(parents=True)
    (site / "articles/undated").mkdir(parents=True)
    (site / FEB).write_bytes(
        jline({"id": "houjie:1", "url": U1, "revision": 1, "text_sha256": H1,
               "warc": refs[0].to_dict(), "title": "厚街"})
        + jline({"id": "houjie:2", "url": U2, "revision": 1, "text_sha256": H2,
                 "warc": refs[1].to_dict()}))
    (site / UNDATED).write_bytes(
        jline({"id": "houjie:3", "url": None, "revision": 1, "text_sha256": H1, "warc": None}))
    (site / "events.jsonl").write_bytes(jline({"event": "repair", "path": FEB}))
    (site / "runs").mkdir()
    (site / "runs/run1.json").write_text('{"run_id": "run1"}\n')
    (site / "state.sqlite").write_bytes(b"not covered")
    (site / "state.sqlite-wal").write_bytes(b"not covered either")
    write_manifest(site, clock=lambda: FIXED)
    return site


def refs_of(site: Path) -> list[dict[str, Any]]:
    return [json.loads(line)["warc"] for line in (site / FEB).read_bytes().splitlines()]


def test_manifest_lists_every_covered_file(site: Path) -> None:
    manifest = write_manifest(site, clock=lambda: FIXED)
    expected = [FEB, UNDATED, "events.jsonl", "runs/run1.json", WARC]
    assert manifest["generated_at"] == "2026-11-25T17:30:08+00:00"
    assert manifest["manifest_version"] == 1
    assert list(manifest["files"]) == expected
    for rel in expected:
        data = (site / rel).read_bytes()
        assert manifest["files"][rel] == {"sha256": hashlib.sha256(data).hexdigest(),
                                          "size": len(data)}
    assert json.loads((site / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert sorted(p.name for p in site.iterdir()) == [
        "articles", "events.jsonl", "manifest.json", "runs", "state.sqlite",
        "state.sqlite-wal", "warc"]


def test_clean_archive_has_no_problems(site: Path) -> None:
    assert verify_archive(site, SCHEMA) == []


def test_bad_json_line(site: Path) -> None:
    append(site / FEB, b'{"id": "houjie:9",\n' + b"\n" + b"\xff\xfe\n" + b"[1, 2]\n")
    write_manifest(site)
    problems = verify_archive(site, SCHEMA)
    assert [(p.path, p.line) for p in problems] == [(FEB, 3), (FEB, 4), (FEB, 5), (FEB, 6)]
    assert problems[0].message.startswith("invalid JSON: Expecting property name")
    assert problems[1].message == "empty line"
    assert problems[2].message.startswith("not UTF-8: invalid start byte")
    assert problems[3].message == "not a JSON object"


def test_schema_violations(site: Path) -> None:
    append(site / UNDATED, jline({"id": "houjie:4", "url": U1, "revision": "2",
                                  "text_sha256": H1, "warc": None}))
    append(site / UNDATED, jline({"id": "houjie:5", "url": 7, "revision": 1, "text_sha256": H1}))
    write_manifest(site)
    quote = "'"
    url_types = "'string', 'null'"
    assert verify_archive(site, SCHEMA) == [
        Problem(UNDATED, 2, f"schema: $.revision: '2' is not of type {quote}integer{quote}"),
        Problem(UNDATED, 3, f"schema: $.url: 7 is not of type {url_types}"),
        Problem(UNDATED, 3, "schema: $: 'warc' is a required property"),
    ]


def test_torn_last_line(site: Path) -> None:
    append(site / FEB, b'{"id":"houjie:4"')
    write_manifest(site)
    assert verify_archive(site, SCHEMA) == [
        Problem(FEB, 3, "torn last line: 16 bytes without a terminating newline")]


def test_duplicate_id_and_revision_across_files(site: Path) -> None:
    append(site / UNDATED, jline({"id": "houjie:2", "url": None, "revision": 1,
                                  "text_sha256": H2, "warc": None}))
    append(site / UNDATED, jline({"id": "houjie:2", "url": None, "revision": 2,
                                  "text_sha256": H1, "warc": None}))
    write_manifest(site)
    assert verify_archive(site, SCHEMA) == [
        Problem(UNDATED, 2, f"duplicate (id, revision) (houjie:2, 1); first at {FEB}:2")]


def test_manifest_mismatches(site: Path) -> None:
    append(site / "events.jsonl", jline({"event": "withdrawn"}))
    (site / "runs/run1.json").unlink()
    (site / "runs/run2.json").write_text("{}\n")
    # Same size, different bytes: only the hash can tell.
    data = (site / UNDATED).read_bytes()
    (site / UNDATED).write_bytes(data.replace(b"houjie:3", b"houjie:8"))
    size = len(jline({"event": "repair", "path": FEB}))
    grown = size + len(jline({"event": "withdrawn"}))
    assert verify_archive(site, SCHEMA) == [
        Problem(UNDATED, None, "changed since manifest: sha256 differs"),
        Problem("events.jsonl", None,
                f"changed since manifest: size {grown}, manifest says {size}"),
        Problem("runs/run1.json", None, "listed in manifest but missing"),
        Problem("runs/run2.json", None, "not in manifest"),
    ]


def test_missing_or_broken_manifest(site: Path) -> None:
    (site / "manifest.json").unlink()
    assert verify_archive(site, SCHEMA) == [Problem("manifest.json", None, "missing")]
    assert verify_archive(site, SCHEMA, require_manifest=False) == []
    (site / "manifest.json").write_text('{"files": []}')
    problems = verify_archive(site, SCHEMA)
    assert [(p.path, p.message[:11]) for p in problems] == [("manifest.json", "unreadable:")]


def test_dangling_warc_references(site: Path) -> None:
    ref1, ref2 = refs_of(site)
    request_id, request_offset = next((r.record_id, r.offset) for r, rec
                                      in iter_records(site / "warc") if rec.rec_type == "request")
    bad = [
        {**ref2},  # points at U2's response, but the line's url is U1
        {**ref1, "offset": request_offset},  # the request record, not the response
        {**ref1, "file": "warc/run9-00001.warc.gz"},
        {**ref1, "record_id": "<urn:uuid:999>"},
        {"file": WARC},
    ]
    for n, ref in enumerate(bad, start=4):
        append(site / UNDATED, jline({"id": f"houjie:{n}", "url": U1, "revision": 1,
                                      "text_sha256": H1, "warc": ref}))
    write_manifest(site)
    problems = verify_archive(site, SCHEMA)
    assert [(p.path, p.line) for p in problems] == [(UNDATED, n) for n in (2, 3, 3, 4, 5, 6)]
    assert [p.message for p in problems] == [
        f"warc reference {WARC}@{ref2['offset']} is for {U2}, not {U1}",
        f"warc reference {WARC}@{request_offset} has record id {request_id}, "
        f"not {ref1['record_id']}",
        f"warc reference {WARC}@{request_offset} is a request record, not a response",
        "warc reference warc/run9-00001.warc.gz@" f"{ref1['offset']}: "
        "warc/run9-00001.warc.gz: No such file or directory",
        f"warc reference {WARC}@{ref1['offset']} has record id {ref1['record_id']}, "
        "not <urn:uuid:999>",
        "warc reference lacks file, offset or record_id",
    ]


def test_torn_warc_file(site: Path) -> None:
    data = (site / WARC).read_bytes()
    (site / WARC).write_bytes(data[:-40])  # inside the last request record
    write_manifest(site, full=True)  # re-baselined: only the torn record is left to find
    problems = verify_archive(site, SCHEMA)
    assert [(p.path, p.line) for p in problems] == [(WARC, None)]
    assert problems[0].message.startswith("unreadable from offset ")
    assert verify_archive(site, SCHEMA, check_warc_files=False) == []


def test_problem_text() -> None:
    assert str(Problem(FEB, 3, "empty line")) == f"{FEB}:3: empty line"
    assert str(Problem("manifest.json", None, "missing")) == "manifest.json: missing"


# -- while a crawl holds the lock: checked as of the last manifest -----------------------------------
def test_a_crawl_writing_is_checked_as_of_the_manifest(site: Path) -> None:
    """New WARC files, appended and half-written lines belong to the running crawl."""
    with site_lock(site):
        with WarcArchive(site / "warc", "run2", software="t", info={}) as archive:
            archive.write_exchange(U1, "GET", [], b"", 200, "OK", [], b"<p>new</p>")
        append(site / "warc/run2-00001.warc.gz", b"\x1f\x8b half a record")  # still being written
        append(site / FEB, jline({"id": "houjie:7", "url": U1, "revision": 1, "text_sha256": H1,
                                  "warc": None}) + b'{"id": "houjie:8", "ur')
        append(site / "events.jsonl", b'{"event": "withd')
        (site / "articles/2024").mkdir()
        (site / "articles/2024/2024-01.jsonl").write_bytes(b"not even json\n")
        result = verify_report(site, SCHEMA)
        assert result.problems == []
        assert (result.writer, result.manifest_generated_at) == (str(os.getpid()), FIXED.isoformat())
        assert result.lines == 3  # the manifest's lines, not the crawl's
        assert result.hashed == 5  # the fixture's files were new when listed: no mtime, all hashed
    # the crawl is over (and wrote no manifest): now every file counts again
    problems = verify_archive(site, SCHEMA)
    assert {(p.path, p.message.split(":")[0]) for p in problems} >= {
        ("articles/2024/2024-01.jsonl", "not in manifest"), ("warc/run2-00001.warc.gz", "not in manifest"),
        (FEB, "changed since manifest"), (FEB, "torn last line")}


def test_damage_inside_the_manifest_is_found_while_a_crawl_writes(site: Path) -> None:
    data = (site / UNDATED).read_bytes()
    (site / UNDATED).write_bytes(data.replace(b"houjie:3", b"houjie:8"))
    append(site / FEB, b'{"id": "houjie:9"}\n')  # the crawl's: not a problem
    warc = (site / WARC).read_bytes()
    (site / WARC).write_bytes(warc[:-40])  # inside the manifest's bytes: a problem
    with site_lock(site):
        problems = verify_report(site, SCHEMA).problems
    assert [(p.path, p.message) for p in problems[:2]] == [
        (UNDATED, "changed since manifest: sha256 differs"),
        (WARC, f"changed since manifest: size {len(warc) - 40}, manifest says {len(warc)}"),
    ]
    assert [(p.path, p.message[:23]) for p in problems[2:]] == [(WARC, "unreadable from offset ")]


def test_a_crawl_writing_before_any_manifest_leaves_nothing_to_check(site: Path) -> None:
    (site / "manifest.json").unlink()
    with site_lock(site):
        result = verify_report(site, SCHEMA)
    assert (result.problems, result.lines, result.manifest_generated_at) == ([], 0, None)
    assert result.writer is not None


def test_lock_holder_never_creates_the_lock_and_sees_only_a_held_lock(site: Path) -> None:
    layout = SiteLayout(site)
    assert lock_holder(layout) is None and not layout.lock_file.exists()
    with site_lock(layout):
        assert lock_holder(layout) == str(os.getpid())
    assert lock_holder(layout) is None
    with site_lock(layout):  # the probe released what it took: a writer still gets the lock
        pass


def test_a_crawl_that_starts_during_verify_gets_a_second_look(site: Path, monkeypatch) -> None:
    """No lock at the start, problems found, a lock at the end: checked again as of the manifest."""

    answers = iter([None, "4242"])
    monkeypatch.setattr(verify_module, "lock_holder", lambda layout: next(answers))
    (site / "runs/run2.json").write_text("{}\n")  # the new crawl's report... or so it seems
    result = verify_module.verify_report(site, SCHEMA)
    assert (result.problems, result.writer) == ([], "4242")
