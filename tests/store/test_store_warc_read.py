"""Reading WARC files back: every record in order, one by reference, torn tails reported and cut."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dgportal_crawler.store.warc import TornRecord, WarcArchive, WarcRecord, WarcRef
from dgportal_crawler.store.warc_read import (
    iter_records,
    iter_responses,
    read_record,
    read_warc_record,
    repair_torn_tails,
)

FIXED = datetime(2026, 1, 1, tzinfo=UTC)
URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_{n}.html"
BODY = "<p>厚街镇 {n}</p>"


def write_run(folder: Path, run_id: str, count: int) -> list[WarcRef]:
    ids = itertools.count(1)
    with WarcArchive(folder, run_id, clock=lambda: FIXED, software="test", info={"run_id": run_id},
                     record_ids=lambda: f"urn:uuid:{run_id}-{next(ids)}", fsync=False) as warc:
        return [warc.write_exchange(URL.format(n=n), "GET", [("Accept", "text/html")], b"",
                                    200 if n else 404, "OK" if n else "Not Found",
                                    [("Content-Type", "text/html; charset=utf-8")],
                                    BODY.format(n=n).encode()) for n in range(count)]


def test_iter_records_yields_every_record_in_file_order(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    second = write_run(folder, "run2", 1)
    first = write_run(folder, "run1", 2)
    got = list(iter_records(folder, on_torn=pytest.fail))
    assert [(ref.file, rec.rec_type, rec.record_id) for ref, rec in got] == [
        ("warc/run1-00001.warc.gz", "warcinfo", "<urn:uuid:run1-1>"),
        ("warc/run1-00001.warc.gz", "response", "<urn:uuid:run1-2>"),
        ("warc/run1-00001.warc.gz", "request", "<urn:uuid:run1-3>"),
        ("warc/run1-00001.warc.gz", "response", "<urn:uuid:run1-4>"),
        ("warc/run1-00001.warc.gz", "request", "<urn:uuid:run1-5>"),
        ("warc/run2-00001.warc.gz", "warcinfo", "<urn:uuid:run2-1>"),
        ("warc/run2-00001.warc.gz", "response", "<urn:uuid:run2-2>"),
        ("warc/run2-00001.warc.gz", "request", "<urn:uuid:run2-3>"),
    ]
    responses = [ref for ref, rec in got if rec.rec_type == "response"]
    assert responses == [*first, *second]  # the refs the writer handed out
    offsets = [ref.offset for ref, _ in got[:5]]
    assert offsets[0] == 0 and offsets == sorted(offsets)
    info = got[0][1]
    assert info.status is None and info.target_uri is None
    assert info.body == (b"software: test\r\nformat: WARC File Format 1.0\r\nrun_id: run1\r\n")
    request = got[2][1]
    assert (request.status, request.headers, request.body) == (None, {"Accept": "text/html"}, b"")
    assert request.target_uri == URL.format(n=0)


def test_iter_responses_gives_url_status_headers_body(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    refs = write_run(folder, "run1", 2)
    assert list(iter_responses(folder, on_torn=pytest.fail)) == [
        (refs[0], URL.format(n=0), 404, {"Content-Type": "text/html; charset=utf-8"}, BODY.format(n=0).encode()),
        (refs[1], URL.format(n=1), 200, {"Content-Type": "text/html; charset=utf-8"}, BODY.format(n=1).encode()),
    ]


def test_read_by_reference_round_trip(tmp_path: Path) -> None:
    refs = write_run(tmp_path / "warc", "run1", 2)
    record = read_warc_record(tmp_path, refs[1])
    assert record == WarcRecord("response", URL.format(n=1), refs[1].record_id, 200,
                                {"Content-Type": "text/html; charset=utf-8"}, BODY.format(n=1).encode())
    assert read_record(tmp_path, refs[0].to_dict()) == (
        {"Content-Type": "text/html; charset=utf-8"}, 404, BODY.format(n=0).encode())


def test_a_torn_tail_is_reported_and_the_records_before_it_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    refs = write_run(folder, "run1", 3)
    path = folder / "run1-00001.warc.gz"
    data = path.read_bytes()
    path.write_bytes(data[:refs[2].offset + 40])  # killed while writing the third response
    torn: list[TornRecord] = []
    got = [answer[0] for answer in iter_responses(folder, on_torn=torn.append)]
    assert got == refs[:2]
    assert [(t.file, t.offset) for t in torn] == [("warc/run1-00001.warc.gz", refs[2].offset)]


def test_a_missing_gzip_trailer_is_torn_even_with_the_content_whole(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    write_run(folder, "run1", 1)
    path = folder / "run1-00001.warc.gz"
    data = path.read_bytes()
    path.write_bytes(data[:-4])  # the last member's ISIZE is gone
    torn: list[TornRecord] = []
    list(iter_records(folder, on_torn=torn.append))
    assert len(torn) == 1 and torn[0].message == "last record's gzip member is unterminated"
    assert torn[0].offset < len(data) - 4


def test_repair_torn_tails_touches_only_that_runs_files(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    write_run(folder, "run1", 1)
    write_run(folder, "run10", 1)  # a run id that starts like the other one
    write_run(folder, "run2", 1)
    whole = {name: (folder / name).read_bytes()
             for name in ("run1-00001.warc.gz", "run10-00001.warc.gz", "run2-00001.warc.gz")}
    for name, data in whole.items():
        (folder / name).write_bytes(data + b"\x1f\x8b\x08\x00cut")
    torn = repair_torn_tails(folder, "run1")
    assert [(t.file, t.offset) for t in torn] == [("warc/run1-00001.warc.gz", len(whole["run1-00001.warc.gz"]))]
    assert (folder / "run1-00001.warc.gz").read_bytes() == whole["run1-00001.warc.gz"]
    for name in ("run10-00001.warc.gz", "run2-00001.warc.gz"):
        assert (folder / name).read_bytes() == whole[name] + b"\x1f\x8b\x08\x00cut"
    assert repair_torn_tails(folder, "run1") == []  # nothing left to cut
    assert repair_torn_tails(tmp_path / "no-warc-folder", "run1") == []
