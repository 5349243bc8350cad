"""``dgportal export``: arguments to a reader, the export, and one line for every user mistake
(exit 2); damaged lines skipped and said (exit 1). Through ``main(argv)`` on small archives."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.commands import CommandError
from dgportal_crawler.commands.export import column_list, progress_bar, reader_from_args, report_bad_lines
from dgportal_crawler.store.jsonl import BadLine
from tests.dataset.dataset_helpers import SITE, article_line, write_site


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["export", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_site(tmp_path / "archive", [article_line(n) for n in (1, 2, 3)])
    return tmp_path / "archive" / SITE


def args(folder: Path, **kw: object) -> argparse.Namespace:
    return argparse.Namespace(**{"folder": str(folder), "columns": None, "since": None, "until": None,
                                 "view": "current", **kw})


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("id", ["id"]), (" id, title ,,", ["id", "title"]), ("", []),
])
def test_column_list_splits_and_trims(value, expected):
    assert column_list(value) == expected


def test_reader_from_args_turns_selection_mistakes_into_command_errors(folder, tmp_path):
    assert reader_from_args(args(folder, columns="id,title")).columns == ["id", "title"]
    with pytest.raises(CommandError, match="no such archive folder"):
        reader_from_args(args(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match=r"^unknown column 'nosuch'"):
        reader_from_args(args(folder, columns="id,nosuch"))
    with pytest.raises(CommandError, match=r"^since '2023-02-30' is not a date \(YYYY-MM-DD\)$"):
        reader_from_args(args(folder, since="2023-02-30"))
    with pytest.raises(CommandError, match="no site archive here"):
        reader_from_args(args(tmp_path))  # a folder, but not an archive


def test_no_progress_bar_when_off_or_small_or_not_a_terminal():
    for mode, rows in (("off", 10**6), ("auto", 10**6)):  # pytest's stderr is not a terminal
        with progress_bar(mode, rows, "export") as advance:
            assert advance is None


def test_a_progress_bar_when_asked(capsys):
    with progress_bar("on", 3, "export csv") as advance:
        assert advance is not None
        advance(3)
    assert "export csv" in capsys.readouterr().err


def test_report_bad_lines_lists_ten_and_counts_all(capsys, tmp_path):
    assert report_bad_lines([]) == 0
    bad = [BadLine(tmp_path / "a.jsonl", n, "invalid JSON") for n in range(1, 13)]
    assert report_bad_lines(bad) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11
    assert lines[0] == f"{tmp_path / 'a.jsonl'}:1: skipped a damaged line (invalid JSON)"
    assert lines[-1] == "12 damaged line(s) skipped; `dgportal verify` lists every problem"


def test_an_export_says_what_it_wrote(capsys, folder, tmp_path):
    out = tmp_path / "current.jsonl"
    code, stdout, err = run(capsys, str(folder), "--format", "jsonl", "--out", str(out), "--columns", "id")
    assert (code, stdout, err) == (0, f"{out}: 3 articles (current view, jsonl)\n", "")
    assert [json.loads(x)["id"] for x in out.read_bytes().splitlines()] == [
        f"houjie:url:/houjie/a/post_{n}.html" for n in (1, 2, 3)]


@pytest.mark.parametrize(("extra", "message"), [
    (("--format", "xml"), "--format 'xml': unknown; the formats are csv, jsonl, parquet, wacz"),
    (("--format", "csv", "--columns", "id,nope"), "unknown column 'nope'"),
    (("--format", "csv", "--since", "2030-01-01"),
     "nothing to export: no current article in {folder} published since 2030-01-01 "
     "(check --view, --since and --until)"),
    (("--format", "csv", "--view", "withdrawn", "--since", "2023-01-01", "--until", "2023-12-31"),
     "nothing to export: no withdrawn article in {folder} published since 2023-01-01 and until 2023-12-31"),
])
def test_user_mistakes_are_one_line_and_exit_2(capsys, folder, tmp_path, extra, message):
    out = tmp_path / "o.x"
    code, stdout, err = run(capsys, str(folder), "--out", str(out), *extra)
    assert (code, stdout) == (2, "")
    assert err.startswith("dgportal: error: " + message.format(folder=folder))
    assert err.count("\n") == 1
    assert not out.exists()


def test_a_folder_or_a_missing_folder_as_out_is_refused(capsys, folder, tmp_path):
    code, _, err = run(capsys, str(folder), "--format", "csv", "--out", str(tmp_path))
    assert (code, err) == (2, f"dgportal: error: --out {tmp_path}: is a folder; give a file name\n")
    missing = tmp_path / "no" / "o.csv"
    code, _, err = run(capsys, str(folder), "--format", "csv", "--out", str(missing))
    assert (code, err) == (2, f"dgportal: error: --out {missing}: the folder {missing.parent} does not exist\n")


def test_a_line_that_is_not_a_time_stops_a_parquet_export_with_one_line(capsys, tmp_path):
    write_site(tmp_path / "archive", [article_line(1, fetched_at="yesterday")])
    out = tmp_path / "o.parquet"
    code, _, err = run(capsys, str(tmp_path / "archive"), "--format", "parquet", "--out", str(out))
    assert code == 2 and not out.exists()
    assert err == (f"dgportal: error: cannot export: 'yesterday' is not an ISO 8601 time; "
                   f"`dgportal verify {tmp_path / 'archive'}` lists such lines\n")


def test_damaged_lines_are_skipped_said_and_exit_1(capsys, folder, tmp_path):
    month = folder / "articles" / "2023" / "2023-02.jsonl"
    with month.open("ab") as handle:
        handle.write(b"{not json}\n")
    out = tmp_path / "o.csv"
    code, stdout, err = run(capsys, str(folder), "--format", "csv", "--out", str(out))
    assert code == 1
    assert stdout == f"{out}: 3 articles (current view, csv)\n"
    with pytest.raises(json.JSONDecodeError) as why:  # the problem is named as json names it
        json.loads("{not json}")
    assert err.splitlines() == [f"{month}:4: skipped a damaged line ({why.value})",
                                "1 damaged line(s) skipped; `dgportal verify` lists every problem"]
