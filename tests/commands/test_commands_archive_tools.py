"""verify, rebuild-state and reextract through ``main(argv)``, on tiny archives made by hand
(one replica page, captured and extracted as a crawl would, with no crawl running)."""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.cli import main
from dgportal_crawler.commands import CommandError
from dgportal_crawler.commands.archive_tools import site_folder
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import load_profile
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.site import ArchiveOptions, SiteArchive
from dgportal_crawler.store.state import StateStore

ORIGIN = "https://www.dg.gov.cn"
RUN_ID = "20260101T000000Z-abcdef"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def archive(tmp_path: Path, replica) -> tuple[SiteLayout, dict]:
    """One article, its WARC capture and its line, closed with a manifest, as a run leaves them."""
    profile = load_profile("houjie")
    record = replica.ground_truth(ORIGIN)[0]
    answer = replica.respond(record["url"].removeprefix(ORIGIN))
    layout = SiteLayout.of(tmp_path, "houjie")
    site = SiteArchive.open(layout, RUN_ID, lambda: datetime(2026, 1, 1, tzinfo=UTC), ArchiveOptions(warc_info={}))
    ref = site.warc.write_exchange(record["url"], "GET", [], b"", 200, "OK", list(answer.headers.items()), answer.body)
    column = profile.column(record["column"])
    page = FetchedPage(url=record["url"], site="houjie", column=column.id, column_name=column.name,
                       template=column.template, status=200,
                       headers={k.lower(): v for k, v in answer.headers.items()}, body=answer.body,
                       fetched_at="2026-01-01T00:00:00Z", meta={"dgportal_warc": ref.to_dict()})
    line = article_from_page(page, profile, RUN_ID).to_dict()
    site.append(line)
    site.close()
    return layout, line


def article_file(layout: SiteLayout, line: dict) -> Path:
    return layout.article_file(line["published_at"])


# -- which folder ---------------------------------------------------------------------------------
def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as info:
        site_folder(str(tmp_path / "nope"))
    assert str(info.value) == (f"{tmp_path / 'nope'}: no such archive folder "
                               "(expected <root>/<site>, e.g. archive/houjie)")


def test_an_archive_root_names_its_site_folders(tmp_path: Path) -> None:
    for name in ("houjie", "liaobu"):
        (tmp_path / name / "articles").mkdir(parents=True)
    (tmp_path / "notes").mkdir()
    with pytest.raises(CommandError) as info:
        site_folder(str(tmp_path))
    assert str(info.value) == (f"{tmp_path}: not a site archive (no articles folder inside); "
                               f"did you mean {tmp_path / 'houjie'}, {tmp_path / 'liaobu'}?")


def test_a_folder_that_is_nothing_gets_no_hint(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as info:
        site_folder(str(tmp_path))
    assert str(info.value) == f"{tmp_path}: not a site archive (no articles folder inside)"


def test_a_site_folder_is_its_layout(tmp_path: Path) -> None:
    (tmp_path / "houjie" / "articles").mkdir(parents=True)
    assert site_folder(str(tmp_path / "houjie")) == SiteLayout(tmp_path / "houjie")


def test_the_commands_say_it_in_one_line(capsys, tmp_path: Path) -> None:
    for command in ("verify", "rebuild-state", "reextract"):
        code, out, err = run(capsys, command, str(tmp_path))
        assert (code, out) == (2, "")
        assert err == f"dgportal: error: {tmp_path}: not a site archive (no articles folder inside)\n"


# -- verify ----------------------------------------------------------------------------------------
def test_verify_a_whole_archive(capsys, archive) -> None:
    layout, _ = archive
    code, out, _ = run(capsys, "verify", str(layout.site_dir))
    assert (code, out) == (0, f"{layout.site_dir}: ok (1 lines; schema, manifest and WARC references checked)\n")


def test_verify_lists_a_changed_line(capsys, archive) -> None:
    layout, line = archive
    path = article_file(layout, line)
    path.write_bytes(path.read_bytes().replace(b'"revision":1', b'"revision":0'))
    code, out, _ = run(capsys, "verify", str(layout.site_dir))
    rel = layout.relative(path)
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == f"{layout.site_dir}: 2 problem(s) in 1 lines"
    assert lines[0] == f"{rel}: changed since manifest: sha256 differs"  # whole-file problems first
    assert lines[1].startswith(f"{rel}:1: schema: $.revision: 0 is less than the minimum of 1")


# -- rebuild-state -----------------------------------------------------------------------------------
def test_rebuild_state_from_the_lines_and_the_events(capsys, archive) -> None:
    layout, line = archive
    revision2 = {**line, "revision": 2, "text_sha256": "f" * 64, "fetched_at": "2026-01-02T00:00:00Z"}
    with article_file(layout, line).open("ab") as fh:
        fh.write(json.dumps(revision2, ensure_ascii=False).encode() + b"\n")
    layout.events_file.write_text(json.dumps({"at": "2026-01-03T00:00:00Z", "event": "withdrawn",
                                              "id": line["id"], "status": 410}) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "rebuild-state", str(layout.site_dir))
    assert (code, out, err) == (0, f"{layout.state_file}: rebuilt from the archive, 1 articles, 1 withdrawn\n", "")
    with StateStore(layout.state_file) as state:
        row = state.get(line["id"])
    assert (row.revision, row.text_sha256, row.first_seen, row.last_seen) == (
        2, "f" * 64, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
    assert (row.withdrawn_at, row.last_status) == ("2026-01-03T00:00:00Z", 410)
    assert (layout.site_dir / "state.sqlite.bak").is_file()  # the old state is kept


def test_rebuild_state_repairs_a_torn_line_first_and_records_it(capsys, archive) -> None:
    layout, line = archive
    path = article_file(layout, line)
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"id":"houjie:9","rev')
    code, out, _ = run(capsys, "rebuild-state", str(layout.site_dir))
    assert code == 0
    assert out == (f"{layout.state_file}: rebuilt from the archive, 1 articles, 0 withdrawn "
                   "(1 torn line(s) repaired first)\n")
    assert path.read_bytes() == whole
    (event,) = [json.loads(x) for x in layout.events_file.read_text(encoding="utf-8").splitlines()]
    assert {k: event[k] for k in ("run_id", "event", "file", "offset", "bytes", "data")} == {
        "run_id": None, "event": "torn_line_repaired", "file": layout.relative(path), "offset": len(whole),
        "bytes": 21, "data": '{"id":"houjie:9","rev'}


def test_rebuild_state_skips_a_damaged_line_and_says_where(capsys, archive) -> None:
    layout, line = archive
    path = article_file(layout, line)
    path.write_bytes(b"{not json}\n" + path.read_bytes())
    code, out, err = run(capsys, "rebuild-state", str(layout.site_dir))
    assert code == 1
    assert out == f"{layout.state_file}: rebuilt from the archive, 1 articles, 0 withdrawn\n"
    first, last = err.splitlines()
    assert first.startswith(f"{path}:1: skipped, not a JSON object (")
    assert last == "1 damaged line(s) skipped; `dgportal verify` lists all problems"


# -- reextract -----------------------------------------------------------------------------------------
def test_reextract_finds_the_same_article_in_the_warc(capsys, archive, tmp_path: Path) -> None:
    layout, line = archive
    written = tmp_path / "again.jsonl"
    code, out, _ = run(capsys, "reextract", str(layout.site_dir), "--write", str(written))
    assert (code, out) == (0, "re-extracted 1 articles from WARC: 0 differ, 0 failed\n")
    (again,) = [json.loads(x) for x in written.read_text(encoding="utf-8").splitlines()]
    assert (again["id"], again["text"], again["warc"], again["fetched_at"]) == (
        line["id"], line["text"], line["warc"], line["fetched_at"])


def test_reextract_reports_the_fields_that_differ(capsys, archive) -> None:
    layout, line = archive
    path = article_file(layout, line)
    changed = {**line, "title": "另一个标题"}
    path.write_bytes(json.dumps(changed, ensure_ascii=False).encode() + b"\n")
    code, out, _ = run(capsys, "reextract", str(layout.site_dir))
    assert code == 0
    assert out.splitlines() == [f"{line['id']}: title", "re-extracted 1 articles from WARC: 1 differ, 0 failed",
                                "  title: 1"]


def test_reextract_counts_a_line_whose_capture_is_gone_or_not_a_response(capsys, archive) -> None:
    """Before, such a line was silently left out of the comparison ("0 failed")."""
    layout, line = archive
    path = article_file(layout, line)
    gone = {**line, "id": "houjie:9", "warc": {**line["warc"], "file": "warc/nosuch.warc.gz"}}
    request = {**line, "id": "houjie:8", "warc": {**line["warc"], "offset": 0}}  # the warcinfo record
    with path.open("ab") as fh:
        for extra in (gone, request):
            fh.write(json.dumps(extra, ensure_ascii=False).encode() + b"\n")
    code, out, _ = run(capsys, "reextract", str(layout.site_dir), "--jobs", "1")
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "re-extracted 1 articles from WARC: 0 differ, 2 failed"
    assert "houjie:8: capture warc/" in lines[0] and "@0 is a warcinfo record, not a response" in lines[0]
    assert lines[1].startswith("houjie:9: capture warc/nosuch.warc.gz@") and "not read" in lines[1]


def _encoded(coding: str, body: bytes) -> bytes:
    """``body`` sent with ``Content-Encoding: coding`` (codings applied left to right)."""
    import brotli
    from backports import zstd

    encoders = {"gzip": gzip.compress, "br": brotli.compress, "zstd": zstd.compress,
                "deflate": zlib.compress}
    for name in (c.strip() for c in coding.split(",")):
        body = encoders[name](body)
    return body


def _archive_sent_with(tmp_path: Path, replica, coding: str, wire_body: bytes | None = None) -> tuple[SiteLayout, dict]:
    """One article whose WARC response record holds the compressed bytes, as they came off the
    wire, and whose line was extracted from the decoded page (what the crawl does)."""
    profile = load_profile("houjie")
    record = replica.ground_truth(ORIGIN)[0]
    answer = replica.respond(record["url"].removeprefix(ORIGIN))
    headers = [*[(k, v) for k, v in answer.headers.items() if k.lower() != "content-length"],
               ("Content-Encoding", coding)]
    layout = SiteLayout.of(tmp_path, "houjie")
    site = SiteArchive.open(layout, RUN_ID, lambda: datetime(2026, 1, 1, tzinfo=UTC), ArchiveOptions(warc_info={}))
    body = wire_body if wire_body is not None else _encoded(coding, answer.body)
    ref = site.warc.write_exchange(record["url"], "GET", [], b"", 200, "OK", headers, body)
    column = profile.column(record["column"])
    page = FetchedPage(url=record["url"], site="houjie", column=column.id, column_name=column.name,
                       template=column.template, status=200,
                       headers={k.lower(): v for k, v in answer.headers.items()}, body=answer.body,
                       fetched_at="2026-01-01T00:00:00Z", meta={"dgportal_warc": ref.to_dict()})
    line = article_from_page(page, profile, RUN_ID).to_dict()
    site.append(line)
    site.close()
    return layout, line


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip", "deflate", "x-gzip", "gzip, br", "br, zstd"])
def test_reextract_reads_every_coding_the_crawler_accepts(capsys, tmp_path: Path, replica, coding: str) -> None:
    wire = None if coding != "x-gzip" else gzip.compress(
        replica.respond(replica.ground_truth(ORIGIN)[0]["url"].removeprefix(ORIGIN)).body)
    layout, line = _archive_sent_with(tmp_path, replica, coding, wire)
    written = tmp_path / "again.jsonl"
    code, out, _ = run(capsys, "reextract", str(layout.site_dir), "--write", str(written))
    assert (code, out) == (0, "re-extracted 1 articles from WARC: 0 differ, 0 failed\n")
    (again,) = [json.loads(x) for x in written.read_text(encoding="utf-8").splitlines()]
    assert (again["title"], again["text"]) == (line["title"], line["text"])


@pytest.mark.parametrize(("coding", "wire", "reason", "said"), [
    ("compress", b"\x1f\x9d\x90some lzw bytes", "unknown", "content-encoding 'compress' is unknown"),
    ("br", b"not brotli at all", "damaged", "br body is damaged"),
])
def test_reextract_counts_a_body_it_cannot_decode_instead_of_garbling_it(
        capsys, tmp_path: Path, replica, coding: str, wire: bytes, reason: str, said: str) -> None:
    layout, line = _archive_sent_with(tmp_path, replica, coding, wire)
    code, out, _ = run(capsys, "reextract", str(layout.site_dir))
    first, summary, by_reason = out.splitlines()
    assert code == 1
    assert first.startswith(f"{line['url']}: not decoded: {said}")
    assert (summary, by_reason) == ("re-extracted 0 articles from WARC: 0 differ, 1 failed",
                                    f"  failed, content-encoding {reason}: 1")
