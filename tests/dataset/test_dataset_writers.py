"""``dgportal_crawler.dataset.writers``: the export formats as a table of writers (rows, columns,
binary sink → rows written) and ``export``, which checks, writes atomically and counts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from dataset_helpers import article_line, write_site

from dgportal_crawler.dataset import writers
from dgportal_crawler.dataset.arrow_types import arrow_schema
from dgportal_crawler.dataset.fields import fields
from dgportal_crawler.dataset.loader import ArchiveReader, SelectionError
from dgportal_crawler.dataset.writers import (
    WRITERS,
    export,
    register_writer,
    write_csv,
    write_jsonl,
    write_parquet,
)

COLUMNS = ("id", "title", "column_path", "gov_meta", "published_at", "revision")


@pytest.fixture
def rows() -> list[dict]:
    return [article_line(1, gov_meta={"索引号": "001"}), article_line(2, column_path=[])]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_site(tmp_path / "archive", [article_line(n) for n in (1, 2, 3)])
    return tmp_path / "archive"


def test_the_table_holds_the_four_formats():
    assert set(WRITERS) == {"parquet", "csv", "jsonl", "wacz"}


def test_jsonl_keeps_the_selected_fields_as_the_archive_writes_them(rows):
    sink = io.BytesIO()
    assert write_jsonl(rows, ("id", "title", "nosuch"), sink) == 2
    assert sink.getvalue().decode("utf-8").splitlines() == [
        '{"id":"houjie:url:/houjie/a/post_1.html","title":"厚街新闻1","nosuch":null}',
        '{"id":"houjie:url:/houjie/a/post_2.html","title":"厚街新闻2","nosuch":null}',
    ]


def test_csv_starts_with_a_bom_and_writes_json_text_for_lists_and_objects(rows):
    sink = io.BytesIO()
    assert write_csv(rows, COLUMNS, sink) == 2
    data = sink.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel then reads UTF-8
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert table == [
        list(COLUMNS),
        ["houjie:url:/houjie/a/post_1.html", "厚街新闻1", '["新闻中心","厚街要闻"]', '{"索引号":"001"}',
         "2023-02-01T10:14:00+08:00", "1"],
        ["houjie:url:/houjie/a/post_2.html", "厚街新闻2", "[]", "", "2023-02-02T10:14:00+08:00", "1"],
    ]


def test_csv_cells_none_and_booleans():
    sink = io.BytesIO()
    write_csv([{"a": None, "b": True, "c": False, "d": 0}], ("a", "b", "c", "d"), sink)
    assert sink.getvalue().decode("utf-8-sig").splitlines()[1] == ",true,false,0"


def test_csv_leaves_the_sink_open_for_its_owner(rows):
    sink = io.BytesIO()
    write_csv(rows, COLUMNS, sink)
    assert not sink.closed
    sink.write(b"more")  # still usable


def test_parquet_has_the_typed_schema_and_the_rows(rows):
    sink = io.BytesIO()
    assert write_parquet(rows, COLUMNS, sink) == 2
    table = pq.read_table(io.BytesIO(sink.getvalue()))
    assert table.schema.remove_metadata() == arrow_schema(COLUMNS)
    assert table.column("id").to_pylist() == [r["id"] for r in rows]
    assert table.column("column_path").to_pylist() == [["新闻中心", "厚街要闻"], []]
    assert table.column("gov_meta").to_pylist() == [[("索引号", "001")], None]


def test_export_writes_the_file_and_says_how_many_rows(root, tmp_path):
    out = tmp_path / "out.jsonl"
    result = export(ArchiveReader(root, columns=["id", "revision"]), "jsonl", out)
    assert (result.rows, result.path, result.bad_lines) == (3, out, [])
    assert [json.loads(x) for x in out.read_bytes().splitlines()] == [
        {"id": f"houjie:url:/houjie/a/post_{n}.html", "revision": 1} for n in (1, 2, 3)]


def test_export_without_columns_writes_every_field(root, tmp_path):
    out = tmp_path / "out.csv"
    export(ArchiveReader(root), "csv", out)
    header = next(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert tuple(header) == fields()


def test_an_unknown_format_or_an_empty_selection_creates_no_file(root, tmp_path):
    out = tmp_path / "out.x"
    with pytest.raises(SelectionError, match=r"^unknown format 'xml'; the formats are: csv, jsonl, parquet, wacz$"):
        export(ArchiveReader(root), "xml", out)
    with pytest.raises(SelectionError, match=r"^the selection is empty: no article matches$"):
        export(ArchiveReader(root, since="2024-01-01"), "csv", out)
    assert list(tmp_path.iterdir()) == [root]


def test_progress_is_reported_in_steps_adding_up_to_the_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "PROGRESS_STEP", 2)
    write_site(tmp_path / "archive", [article_line(n) for n in range(1, 6)])
    steps: list[int] = []
    result = export(ArchiveReader(tmp_path / "archive"), "jsonl", tmp_path / "o.jsonl", steps.append)
    assert (result.rows, steps) == (5, [2, 2, 1])


def test_damaged_lines_are_skipped_and_returned(root, tmp_path):
    month = root / "houjie" / "articles" / "2023" / "2023-02.jsonl"
    with month.open("ab") as handle:
        handle.write(b'{"id": "houjie:broken", \n')
    result = export(ArchiveReader(root, on_bad=lambda bad: None), "jsonl", tmp_path / "o.jsonl")
    assert result.rows == 3
    assert [(bad.path, bad.line) for bad in result.bad_lines] == [(month, 4)]


def test_a_failing_writer_leaves_the_old_file(root, tmp_path, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_bytes(b"old export\n")

    def half_then_fail(rows, columns, sink):
        sink.write(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writers, "WRITERS", dict(WRITERS))
    register_writer("half", half_then_fail)
    with pytest.raises(OSError, match="No space left"):
        export(ArchiveReader(root), "half", out)
    assert out.read_bytes() == b"old export\n"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["out.txt"]


def test_a_registered_writer_gets_the_rows_and_the_columns(root, tmp_path, monkeypatch):
    def ids(rows, columns, sink):
        count = 0
        for row in rows:
            sink.write(f"{row['id']}\t{','.join(columns)}\n".encode())
            count += 1
        return count

    monkeypatch.setattr(writers, "WRITERS", dict(WRITERS))
    register_writer("ids", ids)
    result = export(ArchiveReader(root, columns=["id", "title"]), "ids", tmp_path / "o.tsv")
    assert result.rows == 3
    assert (tmp_path / "o.tsv").read_text().splitlines()[0] == "houjie:url:/houjie/a/post_1.html\tid,title"
    assert "ids" not in WRITERS  # registered on the test's copy only
