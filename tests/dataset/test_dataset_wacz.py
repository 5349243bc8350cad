"""``dgportal_crawler.dataset.wacz``: every WARC file of the archive packed byte for byte, with
an index and one page per selected article that has a capture."""

from __future__ import annotations

import io
import itertools
import json
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dataset_helpers import SITE, article_line, write_site

from dgportal_crawler.dataset.extras import MissingExtraError
from dgportal_crawler.dataset.loader import ArchiveReader, SelectionError
from dgportal_crawler.dataset.wacz import PAGES_HEADER, iter_pages, write_pages, write_wacz
from dgportal_crawler.dataset.writers import export
from dgportal_crawler.store.warc import WarcArchive

CAPTURED = datetime(2026, 11, 25, 17, 30, 8, tzinfo=UTC)
WARC_DATE = "2026-11-25T17:30:08Z"  # WARC-Date: UTC, to the second


def captured_site(root: Path, numbers=(1, 2, 3), uncaptured=(4,)) -> list[dict]:
    """A site whose articles ``numbers`` have a WARC capture and ``uncaptured`` have none."""
    ids = itertools.count(1)
    lines = []
    with WarcArchive(root / SITE / "warc", "run1", clock=lambda: CAPTURED, software="t", info={},
                     record_ids=lambda: f"urn:uuid:0000-{next(ids)}") as archive:
        for n in numbers:
            line = article_line(n)
            ref = archive.write_exchange(line["url"], "GET", [], b"", 200, "OK",
                                         [("Content-Type", "text/html; charset=utf-8")],
                                         f"<html><body><p>{line['text']}</p></body></html>".encode())
            lines.append({**line, "warc": ref.to_dict()})
    lines += [article_line(n) for n in uncaptured]
    write_site(root, lines)
    return lines


def test_pages_list_the_articles_with_a_capture_at_its_date(tmp_path):
    lines = captured_site(tmp_path)
    out = io.StringIO()
    assert write_pages(ArchiveReader(tmp_path), out) == 3
    header, *pages = [json.loads(x) for x in out.getvalue().splitlines()]
    assert header == PAGES_HEADER
    assert pages == [{"id": line["id"], "url": line["url"], "ts": WARC_DATE, "title": line["title"],
                      "published_at": line["published_at"]} for line in lines[:3]]


def test_a_reference_to_no_record_is_one_error_pointing_to_verify(tmp_path):
    bad = {"file": "warc/run1-00001.warc.gz", "offset": 5, "record_id": "<urn:uuid:x>"}
    captured_site(tmp_path, numbers=(1,), uncaptured=())
    write_site(tmp_path, [article_line(9, warc=bad)])
    with pytest.raises(SelectionError, match=r"no WARC record at warc/run1-00001.warc.gz@5 .*`dgportal verify`"):
        write_pages(ArchiveReader(tmp_path), io.StringIO())


def test_the_wacz_holds_the_warc_files_byte_for_byte_and_the_pages(tmp_path):
    lines = captured_site(tmp_path / "archive")
    out = tmp_path / "houjie.wacz"
    result = export(ArchiveReader(tmp_path / "archive"), "wacz", out)
    assert result.rows == 3
    warc = tmp_path / "archive" / SITE / "warc" / "run1-00001.warc.gz"
    with zipfile.ZipFile(out) as packed:
        names = set(packed.namelist())
        assert {"archive/run1-00001.warc.gz", "pages/pages.jsonl", "datapackage.json",
                "datapackage-digest.json"} <= names
        assert any(n.startswith("indexes/") for n in names)
        assert packed.read("archive/run1-00001.warc.gz") == warc.read_bytes()
        package = json.loads(packed.read("datapackage.json"))
    assert "dgportal archive: houjie" in json.dumps(package, ensure_ascii=False)
    assert [(p["url"], p["ts"]) for p in iter_pages(out)] == [(line["url"], WARC_DATE) for line in lines[:3]]


def test_a_column_selection_still_lists_full_pages(tmp_path):
    lines = captured_site(tmp_path / "archive", numbers=(1, 2), uncaptured=())
    out = tmp_path / "o.wacz"
    export(ArchiveReader(tmp_path / "archive", columns=["title"]), "wacz", out)
    assert [p["id"] for p in iter_pages(out)] == [line["id"] for line in lines]


def test_dates_choose_the_pages_not_the_warc_files(tmp_path):
    captured_site(tmp_path / "archive")
    out = tmp_path / "o.wacz"
    export(ArchiveReader(tmp_path / "archive", since="2023-02-02", until="2023-02-02"), "wacz", out)
    assert [p["url"] for p in iter_pages(out)] == ["https://www.dg.gov.cn/houjie/a/post_2.html"]
    with zipfile.ZipFile(out) as packed:
        assert "archive/run1-00001.warc.gz" in packed.namelist()


def test_an_archive_without_warc_files_is_refused(tmp_path):
    write_site(tmp_path, [article_line(1)])
    with pytest.raises(SelectionError, match="no WARC file to pack: the archive was crawled with --no-warc"):
        export(ArchiveReader(tmp_path), "wacz", tmp_path / "o.wacz")
    assert not (tmp_path / "o.wacz").exists()


def test_the_format_needs_the_archive_not_its_rows(tmp_path):
    with pytest.raises(SelectionError, match="needs the archive folder"):
        write_wacz([article_line(1)], ("id",), io.BytesIO())


def test_a_missing_wacz_package_names_the_replay_extra(tmp_path, monkeypatch):
    captured_site(tmp_path)
    monkeypatch.setitem(sys.modules, "wacz.main", None)
    with pytest.raises(MissingExtraError, match=r"^wacz is needed .*pip install 'dgportal-crawler\[replay\]'$"):
        write_wacz(ArchiveReader(tmp_path), ("id",), io.BytesIO())
