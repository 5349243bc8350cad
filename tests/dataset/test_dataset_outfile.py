"""``dgportal_crawler.dataset.outfile``: a file written beside its destination and renamed over
it when complete: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dgportal_crawler.dataset.outfile import atomic_output


class Boom(Exception):
    pass


def test_the_file_appears_only_when_the_block_ends(tmp_path: Path):
    out = tmp_path / "export.csv"
    with atomic_output(out) as sink:
        sink.write(b"a,b\n")
        assert not out.exists()
        sink.write(b"1,2\n")
    assert out.read_bytes() == b"a,b\n1,2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]  # no temporary file left


def test_an_old_file_stays_whole_until_the_new_one_is_complete(tmp_path: Path):
    out = tmp_path / "export.csv"
    out.write_bytes(b"old\n")
    with atomic_output(out) as sink:
        sink.write(b"new\n")
        assert out.read_bytes() == b"old\n"
    assert out.read_bytes() == b"new\n"


def test_an_error_in_the_block_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path):
    out = tmp_path / "export.parquet"
    out.write_bytes(b"old")
    with pytest.raises(Boom), atomic_output(out) as sink:
        sink.write(b"half of it")
        raise Boom
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["export.parquet"]


def test_the_temporary_file_is_hidden_beside_the_destination(tmp_path: Path):
    out = tmp_path / "export.csv"
    with atomic_output(out):
        (tmp, ) = tmp_path.iterdir()
        assert tmp.name.startswith(".export.csv.") and tmp.name.endswith(".tmp")


def test_the_file_gets_the_mode_a_plain_open_would_give(tmp_path: Path):
    old = os.umask(0o027)
    try:
        with atomic_output(tmp_path / "export.csv") as sink:
            sink.write(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "export.csv").stat().st_mode) == 0o640  # 0666 & ~027, not mkstemp's 0600


def test_a_folder_is_refused_before_anything_is_written(tmp_path: Path):
    with pytest.raises(IsADirectoryError), atomic_output(tmp_path):
        pytest.fail("the block must not run")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_an_os_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError), atomic_output(tmp_path / "nowhere" / "x.csv"):
        pytest.fail("the block must not run")
