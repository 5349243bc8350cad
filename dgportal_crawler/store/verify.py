"""Check a site's archive folder end to end and list every problem found.

Checks: each JSONL line is JSON (article lines also match the schema), no file ends in
a torn line, no (id, revision) appears twice, the files match ``manifest.json``, each
line's ``warc`` reference leads to the response record for the line's url, and the
WARC files read to their end. Nothing is repaired here; the problems say where to look.

A file whose size and mtime are those the manifest recorded is not hashed again (``full``
hashes every file). While a crawl holds the archive's lock, the archive is checked as of
its last manifest: only the files it lists, each up to its listed size; what lies beyond is
the running crawl's, not a problem.
"""

from __future__ import annotations

import fcntl
import glob
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import jsonschema

from dgportal_crawler.store.layout import EVENTS, MANIFEST, SiteLayout
from dgportal_crawler.store.manifest import ManifestError, covered_files, file_digest, load_manifest, unchanged_since
from dgportal_crawler.store.warc import TornRecord, WarcError
from dgportal_crawler.store.warc_read import iter_records, read_warc_record

_MAX_MESSAGE = 200  # schema messages can quote a whole article; keep reports readable


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # relative to the site folder, POSIX separators
    line: int | None  # 1-based line number, None for whole-file problems
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else \
            f"{self.path}: {self.message}"


@dataclass(slots=True)
class Verification:
    """What :func:`verify_report` found, and what it checked."""

    problems: list[Problem] = field(default_factory=list)
    lines: int = 0  # article lines that are JSON objects
    hashed: int = 0  # files read to compare with the manifest (the rest matched size and mtime)
    writer: str | None = None  # pid of the crawl that held the lock: checked as of the manifest
    manifest_generated_at: str | None = None


def lock_holder(layout: SiteLayout) -> str | None:
    """The pid (as written in the lock file) of the process holding the archive's lock, or
    None. Never blocks and never creates the lock file; a shared probe, so two verifies do
    not see each other as writers."""
    try:
        handle = layout.lock_file.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return handle.read().decode("utf-8", "replace").strip() or "unknown"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


def verify_archive(site_folder: Path, schema: Mapping[str, Any], *,
                   require_manifest: bool = True, check_warc_files: bool = True,
                   full: bool = False) -> list[Problem]:
    """Every problem in ``site_folder``, sorted by path and line; empty when all is well."""
    return verify_report(site_folder, schema, require_manifest=require_manifest,
                         check_warc_files=check_warc_files, full=full).problems


def verify_report(site_folder: Path, schema: Mapping[str, Any], *, require_manifest: bool = True,
                  check_warc_files: bool = True, full: bool = False) -> Verification:
    """:func:`verify_archive` with what was checked. A crawl that takes the lock while the
    archive is being checked could make its new files look like problems: then the check
    is done again, as of the manifest."""
    layout = SiteLayout(Path(site_folder))
    writer = lock_holder(layout)
    result = _verify(layout, schema, require_manifest, check_warc_files, full, writer)
    if writer is None and result.problems and (writer := lock_holder(layout)) is not None:
        result = _verify(layout, schema, require_manifest, check_warc_files, full, writer)
    return result


def _verify(layout: SiteLayout, schema: Mapping[str, Any], require_manifest: bool,
            check_warc_files: bool, full: bool, writer: str | None) -> Verification:
    site_folder = layout.site_dir
    result = Verification(writer=writer)
    manifest, manifest_problems = _read_manifest(site_folder, require_manifest and writer is None)
    if manifest is not None:
        result.manifest_generated_at = manifest.get("generated_at")
    # While a crawl writes: the files of the last manifest, each up to its size (none without one).
    limits: dict[str, int] | None = None
    if writer is not None:
        listed = manifest["files"] if manifest is not None else {}
        limits = {rel: int(entry.get("size") or 0) for rel, entry in listed.items()}
    check = _schema_checker(schema)
    problems = result.problems
    first_seen: dict[tuple[str, int], str] = {}
    for rel in _snapshot(_jsonl_files(layout, layout.articles_dir), limits):
        for line_no, obj in _read_jsonl(site_folder, rel, problems, _limit(limits, rel)):
            result.lines += 1
            problems += [Problem(rel, line_no, f"schema: {m}") for m in check(obj)]
            problems += _duplicate(first_seen, rel, line_no, obj)
            problems += _warc_ref(site_folder, rel, line_no, obj)
    # Events and run reports have no schema here, but must still be whole JSON lines.
    for rel in _snapshot([EVENTS, *_jsonl_files(layout, layout.runs_dir)], limits):
        if (site_folder / rel).is_file():
            for _ in _read_jsonl(site_folder, rel, problems, _limit(limits, rel)):
                pass
    problems += manifest_problems
    if manifest is not None:
        problems += _manifest_problems(site_folder, manifest, limits, full, result)
    if check_warc_files and layout.warc_dir.is_dir():
        problems += _warc_file_problems(layout, limits)
    result.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
    return result


def _limit(limits: dict[str, int] | None, rel: str) -> int | None:
    return None if limits is None else limits[rel]


def _snapshot(rels: list[str], limits: dict[str, int] | None) -> list[str]:
    return rels if limits is None else [rel for rel in rels if rel in limits]


def _jsonl_files(layout: SiteLayout, root: Path) -> list[str]:
    return sorted(layout.relative(p) for p in root.rglob("*.jsonl") if p.is_file())


def _read_jsonl(site_folder: Path, rel: str, problems: list[Problem], limit: int | None = None
                ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for good lines (within the first ``limit`` bytes);
    append a problem for each bad one."""
    with (site_folder / rel).open("rb") as fh:
        for line_no, raw in enumerate(_lines(fh, limit), start=1):
            if not raw.endswith(b"\n"):
                problems.append(Problem(rel, line_no, f"torn last line: {len(raw)} bytes "
                                                      "without a terminating newline"))
                return
            if not raw.strip():
                problems.append(Problem(rel, line_no, "empty line"))
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                problems.append(Problem(rel, line_no, f"not UTF-8: {exc.reason}"))
                continue
            except json.JSONDecodeError as exc:
                problems.append(Problem(rel, line_no, f"invalid JSON: {exc.msg} at column "
                                                      f"{exc.colno}"))
                continue
            if not isinstance(obj, dict):
                problems.append(Problem(rel, line_no, "not a JSON object"))
                continue
            yield line_no, obj


def _lines(fh: BinaryIO, limit: int | None) -> Iterator[bytes]:
    """The file's lines, cut at byte ``limit`` when given."""
    position = 0
    for raw in fh:
        if limit is not None:
            if position >= limit:
                return
            raw = raw[:limit - position]
        position += len(raw)
        yield raw


def _duplicate(first_seen: dict[tuple[str, int], str], rel: str, line_no: int,
               obj: Mapping[str, Any]) -> list[Problem]:
    article_id, revision = obj.get("id"), obj.get("revision")
    if not isinstance(article_id, str) or not isinstance(revision, int):
        return []  # the schema check already reports the missing or mistyped keys
    where = first_seen.setdefault((article_id, revision), f"{rel}:{line_no}")
    if where == f"{rel}:{line_no}":
        return []
    return [Problem(rel, line_no,
                    f"duplicate (id, revision) ({article_id}, {revision}); first at {where}")]


def _warc_ref(site_folder: Path, rel: str, line_no: int, obj: Mapping[str, Any]
              ) -> list[Problem]:
    ref = obj.get("warc")
    if ref is None:
        return []
    if not isinstance(ref, dict) or not {"file", "offset", "record_id"} <= ref.keys():
        return [Problem(rel, line_no, "warc reference lacks file, offset or record_id")]
    where = f"warc reference {ref['file']}@{ref['offset']}"
    try:
        record = read_warc_record(site_folder, ref)
    except (WarcError, ValueError, TypeError) as exc:
        return [Problem(rel, line_no, f"{where}: {exc}")]
    found = []
    if record.rec_type != "response":
        found.append(f"is a {record.rec_type} record, not a response")
    if record.target_uri != obj.get("url"):
        found.append(f"is for {record.target_uri}, not {obj.get('url')}")
    if record.record_id != ref["record_id"]:
        found.append(f"has record id {record.record_id}, not {ref['record_id']}")
    return [Problem(rel, line_no, f"{where} {message}") for message in found]


def _read_manifest(site_folder: Path, required: bool) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        return load_manifest(site_folder), []
    except FileNotFoundError:
        return None, [Problem(MANIFEST, None, "missing")] if required else []
    except ManifestError as exc:
        return None, [Problem(MANIFEST, None, f"unreadable: {exc}")]


def _manifest_problems(site_folder: Path, manifest: Mapping[str, Any], limits: dict[str, int] | None,
                       full: bool, result: Verification) -> list[Problem]:
    listed = manifest["files"]
    present = set(covered_files(site_folder))
    problems = [Problem(rel, None, "listed in manifest but missing") for rel in sorted(set(listed) - present)]
    if limits is None:  # with a crawl writing, newer files are the crawl's
        problems += [Problem(rel, None, "not in manifest") for rel in sorted(present - set(listed))]
    for rel in sorted(present & set(listed)):
        path, size = site_folder / rel, listed[rel].get("size")
        stat = path.stat()
        grown = limits is not None and isinstance(size, int) and stat.st_size > size
        if not full and not grown and unchanged_since(manifest, rel, stat):
            continue
        if stat.st_size != size and not grown:
            problems.append(Problem(rel, None, f"changed since manifest: size {stat.st_size}, "
                                               f"manifest says {size}"))
            continue
        result.hashed += 1
        sha, read = file_digest(path, size if grown else None)
        if read != size:  # changed while it was read
            problems.append(Problem(rel, None, f"changed since manifest: size {read}, manifest says {size}"))
        elif sha != listed[rel].get("sha256"):
            problems.append(Problem(rel, None, "changed since manifest: sha256 differs"))
    return problems


def _warc_file_problems(layout: SiteLayout, limits: dict[str, int] | None) -> list[Problem]:
    """Every WARC file reads to its end; with a crawl writing, those of the manifest, up to
    their listed size (a record torn beyond it is the crawl's, still being written)."""
    torn: list[TornRecord] = []
    if limits is None:
        for _ in iter_records(layout.warc_dir, on_torn=torn.append):
            pass
    else:
        for rel in sorted(r for r in limits if r.startswith(f"{layout.warc_dir.name}/")):
            name = rel.split("/", 1)[1]
            for _ in iter_records(layout.warc_dir, on_torn=torn.append, pattern=glob.escape(name)):
                pass
        torn = [t for t in torn if t.offset < limits.get(t.file, 0)]
    return [Problem(t.file, None, f"unreadable from offset {t.offset}: {t.message}") for t in torn]


def _schema_checker(schema: Mapping[str, Any]) -> Callable[[Any], list[str]]:
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)  # a broken schema is our bug: fail loudly, not per line
    validator = validator_cls(schema)

    def check(obj: Any) -> list[str]:
        errors = sorted(validator.iter_errors(obj), key=lambda e: (e.json_path, e.message))
        return [_clip(f"{e.json_path}: {e.message}") for e in errors]

    return check


def _clip(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE - 1] + "…"
