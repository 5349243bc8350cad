"""write_atomic: the new bytes or the old ones, never half, and no temp file left behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dgportal_crawler.store.atomic import write_atomic


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def test_creates_the_folder_and_the_file(tmp_path: Path) -> None:
    target = tmp_path / "houjie" / "runs" / "r1.json"
    write_atomic(target, b'{"run_id": "r1"}\n')
    assert target.read_bytes() == b'{"run_id": "r1"}\n'
    assert os.listdir(target.parent) == ["r1.json"]


def test_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    target.write_bytes(b"old content that is longer than the new one")
    before = target.stat().st_ino
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_ino != before  # a new file renamed over the old, not rewritten in place
    assert os.listdir(tmp_path) == ["manifest.json"]


def test_the_file_gets_the_mode_open_would_give(tmp_path: Path, umask_027: None) -> None:
    # mkstemp makes 0600; under umask 027 a plain open() makes 0640, and so must this.
    write_atomic(tmp_path / "a.json", b"{}")
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o640


def test_a_failed_rename_leaves_the_old_entry_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    target.mkdir()  # a folder where the file should go: the rename fails
    (target / "keep").write_bytes(b"kept")
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert sorted(os.listdir(tmp_path)) == ["manifest.json"]
    assert (target / "keep").read_bytes() == b"kept"
