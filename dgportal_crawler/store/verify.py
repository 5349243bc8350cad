"""Check a site's archive folder end to end and list every problem found.

Checks: each JSONL line is JSON (article lines also match the schema), no file ends in
a torn line, no (id, revision) appears twice, the files match ``manifest.json``, each
line's ``warc`` reference leads to the response record for the line's url, and the
WARC files read to their end. Nothing is repaired here; the problems say where to look.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from dgportal_crawler.store.layout import EVENTS, MANIFEST, SiteLayout
from dgportal_crawler.store.manifest import covered_files, file_digest
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


def verify_archive(site_folder: Path, schema: Mapping[str, Any], *,
                   require_manifest: bool = True, check_warc_files: bool = True
                   ) -> list[Problem]:
    """Every problem in ``site_folder``, sorted by path and line; empty when all is well."""
    layout = SiteLayout(Path(site_folder))
    site_folder = layout.site_dir
    check = _schema_checker(schema)
    problems: list[Problem] = []
    first_seen: dict[tuple[str, int], str] = {}
    for rel in _jsonl_files(layout, layout.articles_dir):
        for line_no, obj in _read_jsonl(site_folder, rel, problems):
            problems += [Problem(rel, line_no, f"schema: {m}") for m in check(obj)]
            problems += _duplicate(first_seen, rel, line_no, obj)
            problems += _warc_ref(site_folder, rel, line_no, obj)
    # Events and run reports have no schema here, but must still be whole JSON lines.
    for rel in [EVENTS, *_jsonl_files(layout, layout.runs_dir)]:
        if (site_folder / rel).is_file():
            for _ in _read_jsonl(site_folder, rel, problems):
                pass
    problems += _manifest_problems(site_folder, require_manifest)
    if check_warc_files and layout.warc_dir.is_dir():
        torn: list[TornRecord] = []
        for _ in iter_records(layout.warc_dir, on_torn=torn.append):
            pass
        problems += [Problem(t.file, None, f"unreadable from offset {t.offset}: {t.message}")
                     for t in torn]
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))


def _jsonl_files(layout: SiteLayout, root: Path) -> list[str]:
    return sorted(layout.relative(p) for p in root.rglob("*.jsonl") if p.is_file())


def _read_jsonl(site_folder: Path, rel: str, problems: list[Problem]
                ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for good lines; append a problem for each bad one."""
    with (site_folder / rel).open("rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
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


def _manifest_problems(site_folder: Path, required: bool) -> list[Problem]:
    try:
        manifest = json.loads((site_folder / MANIFEST).read_bytes().decode("utf-8"))
        listed = manifest["files"]
        if not isinstance(listed, dict) or not all(isinstance(v, dict) for v in listed.values()):
            raise TypeError("'files' is not an object of {path: {sha256, size}}")
    except FileNotFoundError:
        return [Problem(MANIFEST, None, "missing")] if required else []
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        return [Problem(MANIFEST, None, f"unreadable: {exc}")]
    problems = []
    present = set(covered_files(site_folder))
    for rel in sorted(set(listed) - present):
        problems.append(Problem(rel, None, "listed in manifest but missing"))
    for rel in sorted(present - set(listed)):
        problems.append(Problem(rel, None, "not in manifest"))
    for rel in sorted(present & set(listed)):
        sha, size = file_digest(site_folder / rel)
        if size != listed[rel].get("size"):
            problems.append(Problem(rel, None, f"changed since manifest: size {size}, "
                                               f"manifest says {listed[rel].get('size')}"))
        elif sha != listed[rel].get("sha256"):
            problems.append(Problem(rel, None, "changed since manifest: sha256 differs"))
    return problems


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
