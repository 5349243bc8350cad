"""site_lock: one writer per site folder, the holder's pid in the lock file, gone with the holder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.lock import LockError, site_lock

HOLDER = """
import sys
from dgportal_crawler.store.lock import site_lock
with site_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.read()  # hold it until killed
"""


def test_the_lock_file_names_the_holder_while_held(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    with site_lock(layout):  # the site folder is made on the way
        assert layout.lock_file.read_text() == str(os.getpid())
    assert layout.lock_file.read_text() == ""  # emptied on release


def test_a_second_writer_is_refused_and_told_who_holds_it(tmp_path: Path) -> None:
    site = tmp_path / "houjie"
    with site_lock(site):
        with pytest.raises(LockError) as info, site_lock(SiteLayout(site)):
            pass
        assert str(info.value) == f"another crawl is writing to {site} (pid {os.getpid()}); not starting a second one"
    with site_lock(site):  # free again
        pass


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    with pytest.raises(KeyError), site_lock(tmp_path / "houjie"):
        raise KeyError("boom")
    with site_lock(tmp_path / "houjie"):
        pass


def test_a_folder_that_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(LockError) as info, site_lock(tmp_path / "file" / "houjie"):
        pass
    assert str(info.value).startswith(f"cannot write the archive at {tmp_path / 'file' / 'houjie'}: ")


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    site = tmp_path / "houjie"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(site)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(LockError, match=rf"\(pid {holder.pid}\)"), site_lock(site):
            pass
    finally:
        holder.kill()
        holder.wait()
        holder.stdin.close()
        holder.stdout.close()
    with site_lock(site):  # the kernel dropped the dead holder's lock
        assert (site / "crawl.lock").read_text() == str(os.getpid())
