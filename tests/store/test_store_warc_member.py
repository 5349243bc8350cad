"""The fast reader of one plain response record gives warcio's answer, or none at all.

Each record below is built byte by byte, so the shapes the fast path must refuse (folded
fields, bracketed URIs, records spread over two gzip members …) exist on purpose. For every
record the fast reader's result is compared with warcio's reading of the same bytes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dgportal_crawler.store.warc import WarcArchive, WarcError, WarcRecord
from dgportal_crawler.store.warc_member import read_plain_response
from dgportal_crawler.store.warc_read import read_warc_record, read_with_warcio

URL = "https://www.dg.gov.cn/houjie/xwzx/hjyw/content/post_1.html"
BODY = "<html><body><p>厚街镇召开会议</p></body></html>".encode()
OK = [b"HTTP/1.1 200 OK", b"Content-Type: text/html; charset=utf-8"]


def block(http: list[bytes], body: bytes = BODY, eol: bytes = b"\r\n") -> bytes:
    return eol.join(http) + eol + eol + body


def record(block_bytes: bytes, *, fields: list[str] | None = None, version: str = "WARC/1.0",
           eol: bytes = b"\r\n", length: int | None = None) -> bytes:
    """The uncompressed record: the WARC block, the content block, the closing blank lines."""
    fields = fields if fields is not None else [
        "WARC-Type: response", f"WARC-Target-URI: {URL}", "WARC-Record-ID: <urn:uuid:r1>"]
    size = len(block_bytes) if length is None else length
    head = eol.join([version.encode(), *(f.encode() for f in fields), f"Content-Length: {size}".encode()])
    return head + eol + eol + block_bytes + b"\r\n\r\n"


def member(raw: bytes) -> bytes:
    return gzip.compress(raw, mtime=0)


def sha1(body: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def both(tmp_path: Path, data: bytes) -> tuple[WarcRecord | None, WarcRecord | None]:
    """(fast reader, warcio) over the same file, both from offset 0."""
    path = tmp_path / "r.warc.gz"
    path.write_bytes(data)
    with path.open("rb") as fh:
        fast = read_plain_response(fh)
        fh.seek(0)
        return fast, read_with_warcio(fh)


ACCEPTED = {
    "plain": member(record(block(OK))),
    "repeated HTTP field joined": member(record(block([*OK, b"Set-Cookie: a=1", b"Set-Cookie: b=2"]))),
    "Latin-1 field line": member(record(block([*OK, b"X-Name: caf\xe9"]))),
    "UTF-8 field value": member(record(block([*OK, "X-Town: 厚街".encode()]))),
    "WARC/1.1": member(record(block(OK), version="WARC/1.1")),
    "lower-case WARC names": member(record(block(OK), fields=[
        "warc-type: response", f"warc-target-uri: {URL}", "warc-record-id: <urn:uuid:r2>"])),
    "repeated WARC field, first wins": member(record(block(OK), fields=[
        "WARC-Type: response", f"WARC-Target-URI: {URL}", "WARC-Target-URI: https://x.invalid/",
        "WARC-Record-ID: <urn:uuid:r3>"])),
    "spaces around names and values": member(record(block([b"HTTP/1.1 200 OK", b"X-A \t:   v  "]))),
    "bare newlines": member(record(block(OK, eol=b"\n"), eol=b"\n")),
    "status without reason": member(record(block([b"HTTP/1.0 204"], b""))),
    "right digest": member(record(block(OK), fields=[
        "WARC-Type: response", f"WARC-Target-URI: {URL}", f"WARC-Payload-Digest: {sha1(BODY)}"])),
    "blank lines in the body": member(record(block(OK, b"a\r\n\r\nb\n\nc"))),
    "no record id": member(record(block(OK), fields=["WARC-Type: response", f"WARC-Target-URI: {URL}"])),
}

REFUSED = {
    "folded HTTP field": member(record(block([*OK, b"X-Long: one", b"  two: three"]))),
    "bracketed URI": member(record(block(OK), fields=["WARC-Type: response", f"WARC-Target-URI: <{URL}>"])),
    "space in URI": member(record(block(OK), fields=["WARC-Type: response", f"WARC-Target-URI: {URL} x"])),
    "request record": member(record(block([b"GET / HTTP/1.1", b"Host: x"], b""), fields=[
        "WARC-Type: request", f"WARC-Target-URI: {URL}"])),
    "warcinfo record": member(record(b"software: test\r\n", fields=["WARC-Type: warcinfo"])),
    "dns URI": member(record(b"x", fields=["WARC-Type: response", "WARC-Target-URI: dns:x"])),
    "not gzip": record(block(OK)),
    "field line without colon": member(record(block([*OK, b"garbage"]))),
    "lower-case protocol": member(record(block([b"http/1.1 200 OK"]))),
    "WARC draft version": member(record(block(OK), version="WARC/0.18")),
    "empty block": member(record(b"")),
}

FAILING = {
    "cut short": member(record(block(OK), length=len(block(OK)) + 500)),
    "wrong digest": member(record(block(OK), fields=[
        "WARC-Type: response", f"WARC-Target-URI: {URL}", f"WARC-Payload-Digest: {sha1(b'x')}"])),
    "status not a number": member(record(block([b"HTTP/1.1 abc"]))),
    "one record over two gzip members": (lambda raw: member(raw[:40]) + member(raw[40:]))(record(block(OK))),
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_plain_record_is_read_fast_and_as_warcio_reads_it(tmp_path: Path, name: str) -> None:
    fast, slow = both(tmp_path, ACCEPTED[name])
    assert fast is not None  # served by the fast path, not handed back to warcio
    assert fast == slow


def test_the_fields_read_are_the_recorded_ones(tmp_path: Path) -> None:
    fast, _ = both(tmp_path, ACCEPTED["repeated HTTP field joined"])
    assert fast == WarcRecord("response", URL, "<urn:uuid:r1>", 200, {
        "Content-Type": "text/html; charset=utf-8", "Set-Cookie": "a=1, b=2"}, BODY)
    assert both(tmp_path, ACCEPTED["Latin-1 field line"])[0].headers["X-Name"] == "café"
    assert both(tmp_path, ACCEPTED["repeated WARC field, first wins"])[0].target_uri == URL


@pytest.mark.parametrize("name", REFUSED)
def test_any_other_shape_is_left_to_warcio(tmp_path: Path, name: str) -> None:
    fast, slow = both(tmp_path, REFUSED[name])
    assert fast is None
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "r.warc.gz").write_bytes(REFUSED[name])
    assert read_warc_record(tmp_path / "site", {"file": "r.warc.gz", "offset": 0, "record_id": ""}) == slow


@pytest.mark.parametrize("name", FAILING)
def test_a_broken_record_fails_with_the_same_error_either_way(tmp_path: Path, name: str) -> None:
    (tmp_path / "r.warc.gz").write_bytes(FAILING[name])
    ref = {"file": "r.warc.gz", "offset": 0, "record_id": ""}
    with pytest.raises(WarcError) as fast:
        read_warc_record(tmp_path, ref)
    with (tmp_path / "r.warc.gz").open("rb") as fh, pytest.raises((WarcError, *_warcio_errors())) as slow:
        read_with_warcio(fh)
    assert str(slow.value) in str(fast.value)


def _warcio_errors() -> tuple[type[Exception], ...]:
    from dgportal_crawler.store.warc_read import _READ_ERRORS
    return _READ_ERRORS


def test_the_crawlers_own_records_take_the_fast_path(tmp_path: Path) -> None:
    ids = itertools.count(1)
    with WarcArchive(tmp_path / "warc", "run1", clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
                     software="test", info={}, record_ids=lambda: f"urn:uuid:t-{next(ids)}",
                     fsync=False) as warc:
        refs = [warc.write_exchange(URL, "GET", [], b"", 200, "OK",
                                    [("Content-Type", "text/html"), ("Set-Cookie", "a"), ("Set-Cookie", "b")],
                                    BODY * n) for n in (1, 0, 3000)]
    data = (tmp_path / "warc" / "run1-00001.warc.gz").read_bytes()
    for ref in refs:
        fast, slow = both(tmp_path, data[ref.offset:])
        assert fast is not None and fast == slow
        assert fast.record_id == ref.record_id
