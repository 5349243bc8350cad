"""``manifest.json``: the size and SHA-256 of every archive file, for later verification.

Written at the end of a run (it is a snapshot; files appended to afterwards will no
longer match). ``state.sqlite*`` is left out on purpose: it is a rebuildable cache that
changes on every run, and sqlite rewrites it in place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dgportal_crawler.store.atomic import write_atomic
from dgportal_crawler.store.layout import SiteLayout

MANIFEST_VERSION = 1

#: Left out: a run's log is still being written when its manifest is, and temp files are
#: half-made replacements.
EXCLUDED_SUFFIXES = (".log", ".tmp")


def covered_files(site_folder: Path) -> list[str]:
    """Paths (POSIX, relative to the site folder) the manifest covers, sorted."""
    site_folder = Path(site_folder)
    found = [name for name in SiteLayout.COVERED_FILES if (site_folder / name).is_file()]
    for folder in SiteLayout.COVERED_FOLDERS:
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
    """Write ``manifest.json`` atomically and return what was written."""
    layout = SiteLayout(Path(site_folder))
    manifest = build_manifest(layout.site_dir, clock=clock)
    write_atomic(layout.manifest_file, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return manifest
