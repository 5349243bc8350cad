"""``manifest.json``: the size and SHA-256 of every archive file, for later verification.

Written at the end of a run (it is a snapshot; files appended to afterwards will no
longer match). ``state.sqlite*`` is left out on purpose: it is a rebuildable cache that
changes on every run, and sqlite rewrites it in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1

#: Folders whose every file is covered, and single files covered when present.
COVERED_FOLDERS = ("articles", "warc", "runs")
COVERED_FILES = ("events.jsonl",)
#: Left out: a run's log is still being written when its manifest is, and temp files are
#: half-made replacements.
EXCLUDED_SUFFIXES = (".log", ".tmp")


def covered_files(site_folder: Path) -> list[str]:
    """Paths (POSIX, relative to the site folder) the manifest covers, sorted."""
    site_folder = Path(site_folder)
    found = [name for name in COVERED_FILES if (site_folder / name).is_file()]
    for folder in COVERED_FOLDERS:
        root = site_folder / folder
        if root.is_dir():
            found += [p.relative_to(site_folder).as_posix() for p in root.rglob("*")
                      if p.is_file() and not p.name.endswith(EXCLUDED_SUFFIXES)]
    return sorted(found)


def file_digest(path: Path) -> tuple[str, int]:
    """``(sha256 hex, size)`` read in chunks, so large WARCs need no memory."""
    digest = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def build_manifest(site_folder: Path, *, clock: Callable[[], datetime] | None = None
                   ) -> dict[str, Any]:
    """The manifest as a dict, without writing it."""
    site_folder = Path(site_folder)
    files: dict[str, dict[str, Any]] = {}
    for rel in covered_files(site_folder):
        sha, size = file_digest(site_folder / rel)
        files[rel] = {"sha256": sha, "size": size}
    generated = (clock or (lambda: datetime.now(UTC)))()
    return {
        "manifest_version": MANIFEST_VERSION,
        "generated_at": generated.isoformat(),
        "files": files,
    }


def write_manifest(site_folder: Path, *, clock: Callable[[], datetime] | None = None
                   ) -> dict[str, Any]:
    """Write ``manifest.json`` atomically and return what was written.

    Temp file, fsync, rename, fsync of the folder: after a crash the manifest is either
    the old one or the new one, never a half-written file.
    """
    site_folder = Path(site_folder)
    manifest = build_manifest(site_folder, clock=clock)
    data = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{MANIFEST_NAME}.", suffix=".tmp", dir=site_folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), _default_mode())  # mkstemp makes 0600; archives are shared
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, site_folder / MANIFEST_NAME)
    finally:
        tmp.unlink(missing_ok=True)  # only still there if something failed before the rename
    _fsync_dir(site_folder)
    return manifest


def _default_mode() -> int:
    """What ``open()`` would give a new file under the current umask (0644 under 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def read_manifest(site_folder: Path) -> dict[str, Any]:
    """The manifest as written; raises ``FileNotFoundError`` or ``ValueError`` (bad JSON)."""
    with (Path(site_folder) / MANIFEST_NAME).open("rb") as fh:
        return json.load(fh)


def _fsync_dir(folder: Path) -> None:
    # The rename is only durable once the directory entry is; not possible on Windows.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
