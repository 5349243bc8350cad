"""``dgportal export``: Parquet that pandas, DuckDB and polars read with the typed schema, CSV
that a spreadsheet opens, JSON Lines of a view; clear errors; atomic writes; the format table."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from dataset_helpers import SITE, CrawledArchive, copy_archive, text_of

from dgportal_crawler.dataset import (
    WRITERS,
    ArchiveReader,
    arrow_schema,
    arrow_to_pandas,
    export,
    load_arrow,
    load_dataframe,
    polars_schema,
    register_writer,
)
from dgportal_crawler.store.layout import SiteLayout


def dgportal(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dgportal_crawler", *args], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def parquet_file(crawled: CrawledArchive, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "houjie.parquet"
    result = dgportal("export", str(crawled.final / SITE), "--format", "parquet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{out}: 150 articles (current view, parquet)"
    return out


def test_parquet_round_trip_keeps_rows_and_types(parquet_file: Path, crawled: CrawledArchive):
    table = pq.read_table(parquet_file)
    assert table.schema.remove_metadata() == arrow_schema()
    assert table.equals(load_arrow(crawled.final / SITE))
    pd.testing.assert_frame_equal(arrow_to_pandas(table), load_dataframe(crawled.final / SITE))
    truth = {a["id"]: a for a in crawled.truth1}
    assert sorted(table.column("id").to_pylist()) == sorted(truth)
    texts = dict(zip(table.column("id").to_pylist(), table.column("text").to_pylist(), strict=True))
    assert all(texts[i] == text_of(a) for i, a in truth.items())


def test_duckdb_reads_the_parquet_directly(parquet_file: Path, crawled: CrawledArchive):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    days = dict(con.execute(f"SELECT id, published_at::DATE::VARCHAR FROM '{parquet_file}'").fetchall())
    assert days == {a["id"]: a["published_at"][:10] for a in crawled.truth1}
    per_column = dict(con.execute(f"SELECT column_name, count(*) FROM '{parquet_file}' GROUP BY 1").fetchall())
    assert per_column == Counter(a["column_name"] for a in crawled.truth1)
    offices = dict(con.execute(f"SELECT id, gov_meta['发布机构'] FROM '{parquet_file}' "
                               "WHERE gov_meta IS NOT NULL").fetchall())
    assert offices == {a["id"]: a["gov_meta"]["发布机构"] for a in crawled.truth1 if a["gov_meta"]}
    images = con.execute(f"SELECT sum(len(images)) FROM '{parquet_file}'").fetchone()
    assert images == (sum(len(a["images"]) for a in crawled.truth1),)


def test_polars_reads_the_parquet_directly(parquet_file: Path, crawled: CrawledArchive):
    frame = pl.read_parquet(parquet_file)
    assert frame.schema == polars_schema()
    assert frame.height == 150
    first = frame.row(0, named=True)
    truth = {a["id"]: a for a in crawled.truth1}[first["id"]]
    assert first["published_at"].isoformat() == truth["published_at"]
    assert first["column_path"] == truth["column_path"]


def test_csv_opens_in_a_spreadsheet(crawled: CrawledArchive, tmp_path):
    out = tmp_path / "houjie.csv"
    result = dgportal("export", str(crawled.final / SITE), "--format", "csv", "--out", str(out),
                      "--columns", "id,title,column_path,text,images,revision")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,title,")  # UTF-8 BOM: Excel shows Chinese
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    truth = {a["id"]: a for a in crawled.truth1}
    assert len(rows) == 150 and {r["id"] for r in rows} == set(truth)
    for row in rows:
        a = truth[row["id"]]
        assert row["title"] == a["title"] and row["text"] == text_of(a)  # newlines survive quoting
        assert json.loads(row["column_path"]) == a["column_path"]
        assert json.loads(row["images"]) == a["images"]
        assert row["revision"] == ("3" if row["id"] in crawled.edited else "1")


def test_jsonl_of_a_view_is_the_archive_lines(crawled: CrawledArchive, tmp_path):
    out = tmp_path / "withdrawn.jsonl"
    result = dgportal("export", str(crawled.edition2 / SITE), "--format", "jsonl", "--view", "withdrawn",
                      "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in out.read_bytes().splitlines()]
    assert {x["id"] for x in lines} == crawled.removed_ids
    assert all(len(x) == 30 and x["revision"] == 1 for x in lines)
    out = tmp_path / "all.jsonl"
    assert dgportal("export", str(crawled.final), "--format", "jsonl", "--view", "all", "--out", str(out),
                    "--columns", "id,revision", "--since", "2021-01-01").returncode == 0
    lines = [json.loads(x) for x in out.read_bytes().splitlines()]
    truth_ids = {a["id"] for a in crawled.truth1 if a["published_at"] >= "2021-01-01"}
    assert {x["id"] for x in lines} == truth_ids and all(list(x) == ["id", "revision"] for x in lines)
    assert len(lines) == len(truth_ids) + 2 * len(crawled.edited & truth_ids)


@pytest.mark.parametrize(("args", "message"), [
    (["--columns", "id,titel"], "unknown column 'titel'"),
    (["--view", "withdrawn"], "nothing to export: no withdrawn article in"),
    (["--since", "2030-01-01"], "nothing to export: no current article in"),
    (["--since", "2023-13-01"], "is not a date"),
    (["--format", "xlsx"], "--format 'xlsx': unknown; the formats are csv, jsonl, parquet"),
])
def test_bad_selections_are_one_line_and_exit_2(crawled: CrawledArchive, tmp_path, args, message):
    out = tmp_path / "out.parquet"
    out.write_bytes(b"the previous export")
    fmt = [] if "--format" in args else ["--format", "parquet"]
    result = dgportal("export", str(crawled.final / SITE), *fmt, "--out", str(out), *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr
    assert out.read_bytes() == b"the previous export"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]  # no temp file left


@pytest.mark.parametrize("where", ["missing/folder/out.csv", "/proc/dgportal-export.csv", "."])
def test_an_unwritable_path_is_one_line_and_exit_2(crawled: CrawledArchive, tmp_path, where):
    out = where if where.startswith("/") else str(tmp_path / where)
    result = dgportal("export", str(crawled.final / SITE), "--format", "csv", "--out", out)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and f"--out {out}" in result.stderr, result.stderr


def test_an_export_replaces_the_file_atomically(crawled: CrawledArchive, tmp_path):
    out = tmp_path / "houjie.jsonl"
    out.write_bytes(b"old\n")
    before = out.stat().st_ino
    assert dgportal("export", str(crawled.final), "--format", "jsonl", "--out", str(out)).returncode == 0
    assert out.stat().st_ino != before  # a new file renamed over the old one, not rewritten in place
    assert len(out.read_bytes().splitlines()) == 150
    assert sorted(p.name for p in tmp_path.iterdir()) == ["houjie.jsonl"]


def test_a_progress_bar_when_asked(crawled: CrawledArchive, tmp_path):
    result = dgportal("export", str(crawled.final), "--format", "parquet", "--out", str(tmp_path / "x.parquet"),
                      "--progress", "on")
    assert result.returncode == 0
    assert "export parquet" in result.stderr and "150/150" in result.stderr


def test_another_format_plugs_into_the_table(crawled: CrawledArchive, tmp_path):
    def write_ids(rows, columns, sink) -> int:
        ids = [row["id"] for row in rows]
        sink.write("\n".join(ids).encode())
        return len(ids)

    register_writer("ids", write_ids)
    try:
        result = export(ArchiveReader(crawled.edition2, view="withdrawn"), "ids", tmp_path / "gone.txt")
    finally:
        WRITERS.pop("ids")
    assert result.rows == 2
    assert set((tmp_path / "gone.txt").read_text().split("\n")) == crawled.removed_ids


def test_a_missing_pyarrow_is_exit_2_naming_the_extra(crawled: CrawledArchive, tmp_path):
    code = ("import sys; sys.modules['pyarrow'] = None\n"  # as if pyarrow were not installed
            "from dgportal_crawler.cli import main\n"
            f"sys.exit(main(['export', {str(crawled.final)!r}, '--format', 'parquet', "
            f"'--out', {str(tmp_path / 'x.parquet')!r}]))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == ("dgportal: error: pyarrow is needed for this and is not installed: "
                                     "pip install 'dgportal-crawler[analysis]'")
    assert list(tmp_path.iterdir()) == []


def test_a_line_that_breaks_the_schema_stops_a_parquet_export_cleanly(crawled: CrawledArchive, tmp_path):
    root = copy_archive(crawled.final, tmp_path / "archive")
    victim = SiteLayout.of(root, SITE).article_files()[0]
    lines = victim.read_bytes().splitlines(keepends=True)
    broken = json.loads(lines[0]) | {"published_at": "2023年2月27日"}
    victim.write_bytes(json.dumps(broken, ensure_ascii=False).encode() + b"\n" + b"".join(lines[1:]))
    out = tmp_path / "out.parquet"
    result = dgportal("export", str(root / SITE), "--format", "parquet", "--out", str(out))
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.strip() == (f"dgportal: error: cannot export: '2023年2月27日' is not an ISO 8601 time; "
                                     f"`dgportal verify {root / SITE}` lists such lines")
    as_text = dgportal("export", str(root / SITE), "--format", "jsonl", "--out", str(tmp_path / "ok.jsonl"))
    assert as_text.returncode == 0  # JSON Lines keep the line as it is
