"""dgportal_crawler/commands/__init__.py: a held lock is "try later" (exit 3), an unusable folder
is a usage error (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dgportal_crawler.commands import CommandError, TryLater, locked
from dgportal_crawler.store.lock import site_lock


def test_locked_holds_the_archive(tmp_path: Path) -> None:
    with locked(tmp_path / "houjie"), pytest.raises(TryLater) as info, locked(tmp_path / "houjie"):
        pass
    assert info.value.exit_code == 3
    assert str(info.value).startswith(f"another crawl is writing to {tmp_path / 'houjie'} (pid ")
    with site_lock(tmp_path / "houjie"):  # released
        pass


def test_an_unusable_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(CommandError) as info, locked(tmp_path / "file" / "houjie"):
        pass
    assert type(info.value) is CommandError and info.value.exit_code == 2
    assert str(info.value).startswith("cannot write the archive at ")
