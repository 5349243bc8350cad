"""``manifest.json``: the size and SHA-256 of every archive file, for later verification.

Written at the end of a run (it is a snapshot; files appended to afterwards will no
longer match). ``state.sqlite*`` is left out on purpose: it is a rebuildable cache that
changes on every run, and sqlite rewrites it in place.

Incremental: beside ``files`` (``path → {sha256, size}``, the portable facts) the manifest
keeps ``mtime_ns`` (``path → st_mtime_ns``, a local hint). When the manifest is written
again, a file whose size and mtime are what the last manifest recorded keeps its entry
unhashed; only new and changed files are read. WARC files are never reopened once written
and month files are only appended to, so a run hashes about what it wrote, however big the
archive has grown. An mtime is recorded only for a file that had not changed for
:data:`RACY_NS` when it was hashed (a change within the same timestamp tick could
otherwise go unnoticed); such a file is simply hashed again next time.

A manifest never forgets what it recorded: the crawler only appends to month files and
``events.jsonl`` and never rewrites or deletes a covered file, so a recorded file whose first
``size`` bytes changed, or which vanished, is damage. Its recorded entry is kept (and
``on_damage`` told) so that ``dgportal verify`` goes on reporting it; re-recording it would
launder the damage into the next manifest. ``full=True`` is the deliberate re-baseline.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from dgportal_crawler.store.atomic import write_atomic
from dgportal_crawler.store.layout import SiteLayout

MANIFEST_VERSION = 1

#: Left out: a run's log is still being written when its manifest is, and temp files are
#: half-made replacements.
EXCLUDED_SUFFIXES = (".log", ".tmp")

#: A file modified less than this before it was hashed gets no mtime in the manifest. Wider
#: than any filesystem's timestamp granularity (FAT's is 2 s; ext4's is the kernel tick).
RACY_NS = 2_000_000_000

CHUNK = 1 << 20


class ManifestError(ValueError):
    """``manifest.json`` exists but is not a manifest."""


def covered_files(site_folder: Path) -> list[str]:
    """Paths (POSIX, relative to the site folder) the manifest covers, sorted."""
    site_folder = Path(site_folder)
    found = [name for name in SiteLayout.COVERED_FILES if (site_folder / name).is_file()]
    for folder in SiteLayout.COVERED_FOLDERS:
        found += _files_under(site_folder / folder, folder)
    return sorted(found)


def _files_under(folder: Path, rel: str) -> list[str]:
    """Regular files below ``folder`` as ``rel/...``: scandir's cached entry types rather than
    rglob and a stat per path (years of nightly runs make thousands of files)."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for entry in entries:
        if entry.is_dir():
            found += _files_under(Path(entry.path), f"{rel}/{entry.name}")
        elif entry.is_file() and not entry.name.endswith(EXCLUDED_SUFFIXES):
            found.append(f"{rel}/{entry.name}")
    return found


def file_digest(path: Path, limit: int | None = None) -> tuple[str, int]:
    """``(sha256 hex, size)`` read in chunks, so large WARCs need no memory; with ``limit``,
    of the first ``limit`` bytes only (fewer if the file is shorter)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        size = _feed(digest, fh, limit)
    return digest.hexdigest(), size


def _feed(digest: Any, fh: BinaryIO, limit: int | None = None) -> int:
    """Read ``fh`` into ``digest`` chunk by chunk, at most ``limit`` bytes; the bytes read."""
    read = 0
    while chunk := fh.read(CHUNK if limit is None else min(CHUNK, limit - read)):
        digest.update(chunk)
        read += len(chunk)
    return read


def _digest_extending(path: Path, recorded_size: int) -> tuple[str, int, str | None]:
    """``(sha256, size, sha256 of the first recorded_size bytes)`` in one read; the prefix
    digest is None when the file is now shorter than that."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        head = _feed(digest, fh, recorded_size)
        prefix = digest.hexdigest() if head == recorded_size else None
        size = head + _feed(digest, fh)
    return digest.hexdigest(), size, prefix


def load_manifest(site_folder: Path) -> dict[str, Any]:
    """The manifest as written; ``FileNotFoundError`` when there is none, :class:`ManifestError`
    when it cannot be read as one."""
    path = SiteLayout(Path(site_folder)).manifest_file
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
        listed = manifest["files"]
        if not isinstance(listed, dict) or not all(isinstance(v, dict) for v in listed.values()):
            raise TypeError("'files' is not an object of {path: {sha256, size}}")
        if not isinstance(manifest.get("mtime_ns", {}), dict):
            raise TypeError("'mtime_ns' is not an object of {path: nanoseconds}")
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ManifestError(str(exc)) from None
    return manifest


def unchanged_since(manifest: Mapping[str, Any], rel: str, stat: os.stat_result) -> bool:
    """Whether ``rel`` still has the size and mtime the manifest recorded (so its recorded
    hash can be trusted without reading it). False when no mtime was recorded."""
    entry = manifest.get("files", {}).get(rel)
    mtime = manifest.get("mtime_ns", {}).get(rel)
    return (isinstance(entry, dict) and isinstance(mtime, int)
            and entry.get("size") == stat.st_size and mtime == stat.st_mtime_ns)


def build_manifest(site_folder: Path, *, clock: Callable[[], datetime] | None = None,
                   previous: Mapping[str, Any] | None = None,
                   now_ns: Callable[[], int] = time.time_ns,
                   on_hash: Callable[[str], None] | None = None,
                   on_damage: Callable[[str, str], None] | None = None) -> dict[str, Any]:
    """The manifest as a dict, without writing it.

    Entries of ``previous`` are reused for files whose size and mtime are unchanged; every
    other file is hashed (and ``on_hash(rel)`` called). A recorded file that vanished or whose
    recorded bytes changed keeps its entry and ``on_damage(rel, what)`` is called. ``now_ns``
    is the filesystem's clock for the :data:`RACY_NS` rule; ``clock`` gives ``generated_at``.
    """
    site_folder = Path(site_folder)
    previous = previous or {}
    recorded: Mapping[str, Any] = previous.get("files", {})
    files: dict[str, dict[str, Any]] = {}
    mtimes: dict[str, int] = {}
    present = covered_files(site_folder)
    for rel in present:
        path = site_folder / rel
        before = path.stat()  # before reading: a change while hashing then shows next time
        if unchanged_since(previous, rel, before):
            files[rel] = dict(recorded[rel])
            mtimes[rel] = before.st_mtime_ns
            continue
        if on_hash is not None:
            on_hash(rel)
        files[rel], damage = _rehash(path, recorded.get(rel))
        if damage:
            if on_damage is not None:
                on_damage(rel, damage)
            continue  # no mtime: hashed (and reported) again next time
        if files[rel]["size"] == before.st_size and now_ns() - before.st_mtime_ns >= RACY_NS:
            mtimes[rel] = before.st_mtime_ns
    for rel in sorted(set(recorded) - set(present)):
        files[rel] = dict(recorded[rel])
        if on_damage is not None:
            on_damage(rel, "missing")
    generated = (clock or (lambda: datetime.now(UTC)))()
    return {
        "manifest_version": MANIFEST_VERSION,
        "generated_at": generated.isoformat(),
        "files": files,
        "mtime_ns": mtimes,
    }


def _rehash(path: Path, entry: Any) -> tuple[dict[str, Any], str]:
    """The entry for ``path`` now, and what happened to it (empty when all is well): when the
    file no longer extends its recorded ``entry``, that entry stays."""
    size = entry.get("size") if isinstance(entry, dict) else None
    if not isinstance(size, int):
        sha, now = file_digest(path)
        return {"sha256": sha, "size": now}, ""
    sha, now, prefix = _digest_extending(path, size)
    if prefix is None:
        return dict(entry), f"shrank from {size} to {now} bytes"
    if prefix != entry.get("sha256"):
        return dict(entry), f"its first {size} bytes changed"
    return {"sha256": sha, "size": now}, ""


def write_manifest(site_folder: Path, *, clock: Callable[[], datetime] | None = None,
                   full: bool = False, now_ns: Callable[[], int] = time.time_ns,
                   on_hash: Callable[[str], None] | None = None,
                   on_damage: Callable[[str, str], None] | None = None) -> dict[str, Any]:
    """Write ``manifest.json`` atomically and return what was written. Only files that are
    new or changed since the last manifest are hashed, unless ``full`` (which also records
    damaged files as they are now: a deliberate re-baseline)."""
    layout = SiteLayout(Path(site_folder))
    previous = None
    if not full:
        try:
            previous = load_manifest(layout.site_dir)
        except (FileNotFoundError, ManifestError):
            previous = None  # nothing to reuse: hash everything
    manifest = build_manifest(layout.site_dir, clock=clock, previous=previous, now_ns=now_ns,
                              on_hash=on_hash, on_damage=on_damage)
    write_atomic(layout.manifest_file, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return manifest
