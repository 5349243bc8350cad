"""WarcArchive: exact bytes with injected clock and ids, read-back, rotation, torn tails."""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
import logging
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from dgportal_crawler.store.warc import TornRecord, WarcArchive, WarcError, WarcRef
from dgportal_crawler.store.warc_read import iter_records, iter_responses, read_record, read_warc_record

URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_{n}.html"
BODY = "<html><body><p>厚街镇完成新一批道路提升工程 {n}</p></body></html>"
FIXED = datetime(2026, 11, 25, 17, 30, 8, tzinfo=UTC)


def make_archive(folder: Path, run_id: str = "run1", **kwargs) -> WarcArchive:
    counter = itertools.count(1)
    kwargs.setdefault("info", {"robots": "obey", "settings": {"DOWNLOAD_DELAY": 1.5}})
    return WarcArchive(
        folder, run_id, clock=lambda: FIXED,
        record_ids=lambda: f"urn:uuid:00000000-0000-0000-0000-{next(counter):012d}",
        software="dgportal-crawler/0.1.0", **kwargs)


def write(archive: WarcArchive, n: int) -> WarcRef:
    return archive.write_exchange(
        URL.format(n=n) + "?from=list", "GET",
        [("User-Agent", "dgportal-crawler"), ("Accept", "text/html")], b"",
        200, "OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "a=1"),
         ("Set-Cookie", "b=2")],
        BODY.format(n=n).encode("utf-8"))


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_write_then_read_back(tmp_path: Path) -> None:
    with make_archive(tmp_path / "warc") as archive:
        first, second = write(archive, 1), write(archive, 2)

    assert first.file == "warc/run1-00001.warc.gz"
    assert first.record_id == "<urn:uuid:00000000-0000-0000-0000-000000000002>"
    assert second.record_id == "<urn:uuid:00000000-0000-0000-0000-000000000004>"
    assert 0 < first.offset < second.offset
    headers, status, body = read_record(tmp_path, second)
    assert status == 200
    assert body == BODY.format(n=2).encode("utf-8")
    assert headers == {"Content-Type": "text/html; charset=utf-8", "Set-Cookie": "a=1, b=2"}
    # The dict form stored in archive lines works the same.
    assert read_record(tmp_path, first.to_dict())[2] == BODY.format(n=1).encode("utf-8")
    assert WarcRef.from_dict(first.to_dict()) == first


def test_record_layout(tmp_path: Path) -> None:
    with make_archive(tmp_path / "warc") as archive:
        ref = write(archive, 7)

    with (tmp_path / ref.file).open("rb") as fh:
        records = [(r.rec_type, r.rec_headers, r.raw_stream.read()) for r in ArchiveIterator(fh)]
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    info_headers, info_body = records[0][1], records[0][2]
    assert info_headers.get_header("WARC-Filename") == "run1-00001.warc.gz"
    assert info_body.decode() == (
        "software: dgportal-crawler/0.1.0\r\nformat: WARC File Format 1.0\r\n"
        "robots: obey\r\nsettings: {\"DOWNLOAD_DELAY\": 1.5}\r\n")
    response, request = records[1][1], records[2][1]
    assert response.get_header("WARC-Record-ID") == ref.record_id
    assert request.get_header("WARC-Concurrent-To") == ref.record_id
    assert response.get_header("WARC-Date") == "2026-11-25T17:30:08Z"
    assert request.get_header("WARC-Target-URI") == URL.format(n=7) + "?from=list"
    assert response.get_header("WARC-Payload-Digest") == sha1_b32(BODY.format(n=7).encode())
    assert request.get_header("WARC-Payload-Digest") == sha1_b32(b"")


def test_exact_bytes_of_a_record(tmp_path: Path) -> None:
    with make_archive(tmp_path / "warc") as archive:
        ref = write(archive, 3)
    data = (tmp_path / ref.file).read_bytes()
    # Gzip per record: the response is one member starting exactly at the offset.
    member = gzip.decompress(data[ref.offset:]).decode("utf-8")
    body = BODY.format(n=3)
    http = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n")
    expected_response = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
        "WARC-Date: 2026-11-25T17:30:08Z\r\n"
        f"WARC-Target-URI: {URL.format(n=3)}?from=list\r\n"
        f"WARC-Payload-Digest: {sha1_b32(body.encode())}\r\n"
        f"WARC-Block-Digest: {sha1_b32(http.encode() + body.encode())}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http.encode()) + len(body.encode())}\r\n\r\n"
        f"{http}{body}\r\n\r\n")
    assert member.startswith(expected_response)
    assert "\r\nGET /houjie/tsjh/czjs/content/post_3.html?from=list HTTP/1.1\r\n" in member


def test_same_input_gives_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        with make_archive(tmp_path / name / "warc") as archive:
            for n in range(3):
                write(archive, n)
    a = (tmp_path / "a/warc/run1-00001.warc.gz").read_bytes()
    b = (tmp_path / "b/warc/run1-00001.warc.gz").read_bytes()
    assert len(a) > 1000
    assert a == b


def test_clock_in_another_zone_is_written_as_utc(tmp_path: Path) -> None:
    beijing = timezone(timedelta(hours=8))
    archive = WarcArchive(tmp_path / "warc", "run1", software="x", info={},
                          clock=lambda: datetime(2026, 11, 26, 1, 30, 8, tzinfo=beijing))
    with archive:
        ref = write(archive, 1)
    with (tmp_path / ref.file).open("rb") as fh:
        fh.seek(ref.offset)
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Date") == "2026-11-25T17:30:08Z"


def test_rotation_starts_new_files_each_with_warcinfo(tmp_path: Path) -> None:
    with make_archive(tmp_path / "warc", max_bytes=1500) as archive:
        refs = [write(archive, n) for n in range(5)]

    names = sorted(p.name for p in (tmp_path / "warc").iterdir())
    assert len(names) >= 2
    assert names == [f"run1-{i:05d}.warc.gz" for i in range(1, len(names) + 1)]
    assert refs[0].file == "warc/run1-00001.warc.gz"
    assert refs[-1].file == f"warc/{names[-1]}"
    for name in names:
        with (tmp_path / "warc" / name).open("rb") as fh:
            first = next(iter(ArchiveIterator(fh)))
            assert first.rec_type == "warcinfo"
            assert first.rec_headers.get_header("WARC-Filename") == name
    # Every file but the last went over the limit, which is what closed it.
    assert all((tmp_path / "warc" / n).stat().st_size > 1500 for n in names[:-1])
    got = list(iter_responses(tmp_path / "warc", on_torn=pytest.fail))
    assert [g[0] for g in got] == refs
    assert [g[1] for g in got] == [URL.format(n=n) + "?from=list" for n in range(5)]
    assert [g[4] for g in got] == [BODY.format(n=n).encode() for n in range(5)]


def test_restarted_run_continues_numbering(tmp_path: Path) -> None:
    with make_archive(tmp_path / "warc") as archive:
        write(archive, 1)
    before = (tmp_path / "warc/run1-00001.warc.gz").read_bytes()
    with make_archive(tmp_path / "warc") as archive:
        ref = write(archive, 2)
    assert ref.file == "warc/run1-00002.warc.gz"
    assert (tmp_path / "warc/run1-00001.warc.gz").read_bytes() == before


def test_no_file_until_first_exchange(tmp_path: Path) -> None:
    with make_archive(tmp_path / "warc"):
        pass
    assert list((tmp_path / "warc").iterdir()) == []


def test_unsafe_run_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not safe"):
        make_archive(tmp_path / "warc", run_id="../escape")


def _three_exchanges(tmp_path: Path) -> tuple[list[WarcRef], list[WarcRef], bytes]:
    with make_archive(tmp_path / "warc") as archive:
        refs = [write(archive, n) for n in range(3)]
    all_refs = [ref for ref, _ in iter_records(tmp_path / "warc", on_torn=pytest.fail)]
    return refs, all_refs, (tmp_path / refs[0].file).read_bytes()


def test_torn_tail_keeps_earlier_records_readable(tmp_path: Path) -> None:
    refs, _, data = _three_exchanges(tmp_path)
    path = tmp_path / refs[0].file
    path.write_bytes(data[: refs[2].offset + 120])  # killed while writing the third response

    torn: list[TornRecord] = []
    got = list(iter_responses(tmp_path / "warc", on_torn=torn.append))
    assert [g[0] for g in got] == refs[:2]
    assert torn == [TornRecord(refs[0].file, refs[2].offset, torn[0].message)]
    assert read_record(tmp_path, refs[1])[2] == BODY.format(n=1).encode()
    with pytest.raises(WarcError):
        read_record(tmp_path, refs[2])


@pytest.mark.parametrize("cut_from", ["response", "request"])
def test_every_cut_in_the_last_exchange_is_reported(tmp_path: Path, cut_from: str) -> None:
    refs, all_refs, data = _three_exchanges(tmp_path)
    request_offset = all_refs[-1].offset
    start, end = ((refs[2].offset, request_offset) if cut_from == "response"
                  else (request_offset, len(data)))
    path = tmp_path / refs[0].file
    yielded_whole = 0
    for cut in range(start + 1, end):
        path.write_bytes(data[:cut])
        torn: list[TornRecord] = []
        got = list(iter_responses(tmp_path / "warc", on_torn=torn.append))
        # A response is only yielded when its content is complete (a cut in the gzip
        # trailer loses no content), and the torn point is reported either way.
        assert [g[0] for g in got] in (refs[:2], refs), cut
        assert [g[4] for g in got] == [BODY.format(n=n).encode() for n in range(len(got))]
        assert [t.offset for t in torn] == [start], cut
        yielded_whole += len(got) == 3
    if cut_from == "response":
        assert yielded_whole < 20  # only cuts in the last few bytes of the member
    else:
        assert yielded_whole == end - start - 1


def test_torn_tail_is_logged_by_default(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                        ) -> None:
    refs, _, data = _three_exchanges(tmp_path)
    (tmp_path / refs[0].file).write_bytes(data[:-30])
    with caplog.at_level(logging.WARNING, logger="dgportal_crawler.store.warc"):
        got = list(iter_responses(tmp_path / "warc"))
    assert len(got) == 3
    assert f"{refs[0].file}: unreadable from offset" in caplog.text


def test_bad_references_raise_warc_error(tmp_path: Path) -> None:
    refs, _, _ = _three_exchanges(tmp_path)
    with pytest.raises(WarcError, match="not a path inside"):
        read_warc_record(tmp_path, WarcRef("../warc/x.warc.gz", 0, "<x>"))
    with pytest.raises(WarcError, match=r"missing\.warc\.gz"):
        read_warc_record(tmp_path, WarcRef("warc/missing.warc.gz", 0, "<x>"))
    with pytest.raises(WarcError):
        read_warc_record(tmp_path, WarcRef(refs[0].file, refs[0].offset + 5, "<x>"))
    size = (tmp_path / refs[0].file).stat().st_size
    with pytest.raises(WarcError, match="no record"):
        read_warc_record(tmp_path, WarcRef(refs[0].file, size, "<x>"))
    assert read_warc_record(tmp_path, refs[0]).rec_type == "response"


def test_failed_write_leaves_the_file_and_continues_in_a_new_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with make_archive(tmp_path / "warc") as archive:
        first = write(archive, 1)

        def disk_full() -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(archive, "_sync", disk_full)
        with pytest.raises(OSError, match="No space"):
            write(archive, 2)
        monkeypatch.undo()
        third = write(archive, 3)
    assert (first.file, third.file) == ("warc/run1-00001.warc.gz", "warc/run1-00002.warc.gz")
    assert read_record(tmp_path, third)[2] == BODY.format(n=3).encode()


_FILE_TOO_LARGE_CHILD = """
import errno, random, resource, signal, sys
from pathlib import Path
from dgportal_crawler.store.warc import WarcArchive

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG as an error, not a killed process
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
warc = WarcArchive(Path(sys.argv[1]), "run1", software="test", info={}, fsync=False)
def exchange(n, size):
    return warc.write_exchange(f"http://127.0.0.1/{n}.html", "GET", [], b"", 200, "OK", [],
                              random.Random(n).randbytes(size))  # gzip cannot shrink it
print("small", exchange(1, 100).file)
try:
    exchange(2, 200 * 1024)
except OSError as exc:
    print("big", errno.errorcode[exc.errno])
for n in (3, 4):
    print("small", exchange(n, 100).file)
warc.close()
"""


def test_after_a_file_too_large_error_the_writer_starts_a_fresh_file(tmp_path: Path) -> None:
    """A real EFBIG (the file size limit of a child process): the exchange that hit it fails,
    the ones after it are written to the next file, and every complete record reads back."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _FILE_TOO_LARGE_CHILD, str(tmp_path / "warc")],
                          capture_output=True, text=True, timeout=60, cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["small warc/run1-00001.warc.gz", "big EFBIG",
                                        "small warc/run1-00002.warc.gz", "small warc/run1-00002.warc.gz"]
    torn: list[TornRecord] = []
    urls = [url for _, url, *_ in iter_responses(tmp_path / "warc", on_torn=torn.append)]
    assert urls == ["http://127.0.0.1/1.html", "http://127.0.0.1/3.html", "http://127.0.0.1/4.html"]
    assert [t.file for t in torn] == ["warc/run1-00001.warc.gz"]  # the failed write's tail, nothing else
