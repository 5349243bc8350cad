"""Commands on an archive folder ``<root>/<site>``: ``verify``, ``rebuild-state`` and
``reextract``. None of them touches the network."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections import Counter
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.clock import format_time, utc_now
from dgportal_crawler.commands import CommandError, locked
from dgportal_crawler.commands.profiles import profile_or_error
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.parallel import ordered_map, usable_cpus
from dgportal_crawler.profile import SiteProfile
from dgportal_crawler.store.content_encoding import ContentEncodingError, decode_body, header_value
from dgportal_crawler.store.events import EventLog, iter_events, replay_withdrawals
from dgportal_crawler.store.jsonl import BadLine, JsonlArchive, encode_line
from dgportal_crawler.store.layout import SiteLayout, site_layouts
from dgportal_crawler.store.recovery import rebuild_state, torn_line_event
from dgportal_crawler.store.verify import verify_report
from dgportal_crawler.store.warc import WarcError
from dgportal_crawler.store.warc_read import read_warc_record

#: Fields compared by ``reextract``: what extraction decides, not when or how it was fetched.
EXTRACTED_FIELDS = ("title", "title_original", "published_at", "published_precision", "source",
                    "author", "editor", "reviewer", "gov_meta", "column_path", "text",
                    "text_original", "script_original", "images", "attachments")


def load_schema() -> dict[str, Any]:
    path = resources.files("dgportal_crawler") / "schema" / "article.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def site_folder(value: str) -> SiteLayout:
    """The site archive a command was pointed at, or a one-line error saying what it is not."""
    folder = Path(value)
    if not folder.is_dir():
        raise CommandError(f"{folder}: no such archive folder (expected <root>/<site>, e.g. archive/houjie)")
    layout = SiteLayout(folder)
    if not layout.is_site_archive():
        sites = site_layouts(folder)
        hint = f"; did you mean {', '.join(str(s.site_dir) for s in sites)}?" if sites else ""
        raise CommandError(f"{folder}: not a site archive (no articles folder inside){hint}")
    return layout


def verify(args: argparse.Namespace) -> int:
    layout = site_folder(args.folder)
    folder = layout.site_dir
    result = verify_report(folder, load_schema(), full=args.full)
    if result.writer is not None:
        print(f"a crawl is writing (pid {result.writer}); "
              + (f"checked up to the manifest of {result.manifest_generated_at}"
                 if result.manifest_generated_at else "no manifest yet, so nothing is checked"))
    if result.problems:
        for problem in result.problems:
            print(problem)
        print(f"{folder}: {len(result.problems)} problem(s) in {result.lines} lines")
        return 1
    hashed = " (every file re-hashed)" if args.full else ""
    print(f"{folder}: ok ({result.lines} lines; schema, manifest{hashed} and WARC references checked)")
    return 0


def rebuild(args: argparse.Namespace) -> int:
    layout = site_folder(args.folder)
    lines = JsonlArchive(layout)
    bad: list[BadLine] = []
    with locked(layout):  # never under a running crawl: it truncates and replaces files
        torn = lines.repair()
        with EventLog(layout.events_file, None, lambda: format_time(utc_now())) as events:
            for cut in torn:
                events.write(torn_line_event(layout, cut))
        store = rebuild_state(layout.state_file, lines.iter_lines(on_bad=bad.append))
        count = len(store.known_ids())
        withdrawn = replay_withdrawals(store, iter_events(layout))
        store.close()
    print(f"{layout.state_file}: rebuilt from the archive, {count} articles, {withdrawn} withdrawn"
          + (f" ({len(torn)} torn line(s) repaired first)" if torn else ""))
    return _report_bad_lines(bad)


def _report_bad_lines(bad: list[BadLine]) -> int:
    """Damaged lines were skipped: say where, and exit 1 so a script notices."""
    for line in bad:
        print(f"{line.path}:{line.line}: skipped, not a JSON object ({line.problem})", file=sys.stderr)
    if bad:
        print(f"{len(bad)} damaged line(s) skipped; `dgportal verify` lists all problems", file=sys.stderr)
    return 1 if bad else 0


def _latest_lines(layout: SiteLayout, bad: list[BadLine]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for line in JsonlArchive(layout).iter_lines(on_bad=bad.append):
        if line["id"] not in latest or line["revision"] > latest[line["id"]]["revision"]:
            latest[line["id"]] = line
    return latest


#: One capture to re-extract: (article id, the WARC reference its latest line carries).
CaptureRef = tuple[str, dict[str, Any]]


def _capture_refs(latest: dict[str, dict[str, Any]]) -> list[CaptureRef]:
    """The captures the latest lines were extracted from, in WARC order. Only references go
    to the workers, which read the records themselves: reading and inflating the WARC was a
    fifth of the work per page, done serially in this process."""
    refs = [(article_id, line["warc"]) for article_id, line in latest.items()
            if isinstance(line.get("warc"), dict)]
    return sorted(refs, key=lambda ref: (str(ref[1].get("file")), str(ref[1].get("offset")).zfill(20)))


def _reextract_one(profile: SiteProfile, site_dir: Path, capture: CaptureRef
                   ) -> tuple[str, dict[str, Any] | str, str | None]:
    """(article id, the new line as a dict or the failure message, the content-encoding reason
    when the body could not be decoded); runs in a pool worker."""
    article_id, ref = capture
    try:
        record = read_warc_record(site_dir, ref)
    except (WarcError, KeyError, TypeError, ValueError) as exc:  # a missing, damaged or malformed reference
        return article_id, f"{article_id}: capture {ref.get('file')}@{ref.get('offset')} not read: {exc}", None
    url, headers = record.target_uri or "", record.headers
    if record.rec_type != "response" or record.status is None:
        where = f"{ref.get('file')}@{ref.get('offset')}"
        return article_id, f"{article_id}: capture {where} is a {record.rec_type} record, not a response", None
    try:
        # WARC keeps the body as it came off the wire: undo its Content-Encoding first.
        decoded = decode_body(header_value(headers), record.body)
    except ContentEncodingError as exc:
        return article_id, f"{url}: not decoded: {exc}", exc.reason
    try:
        page = FetchedPage.saved(profile, url, decoded, status=record.status, headers=headers)
        return article_id, article_from_page(page, profile, run_id=None).to_dict(), None
    except ExtractionError as exc:
        return article_id, f"{url}: extraction failed: {exc}", None


def reextract(args: argparse.Namespace) -> int:
    layout = site_folder(args.folder)
    profile = profile_or_error(args.profile or layout.site)
    bad: list[BadLine] = []
    latest = _latest_lines(layout, bad)
    changed: Counter[str] = Counter()
    undecodable: Counter[str] = Counter()  # by ContentEncodingError.reason
    compared = differing = failed = 0
    jobs = args.jobs or usable_cpus()
    with contextlib.ExitStack() as stack:
        try:
            out = stack.enter_context(Path(args.write).open("wb")) if args.write else None
        except OSError as exc:
            raise CommandError(f"--write {args.write}: {exc.strerror or exc}") from None
        results = ordered_map(partial(_reextract_one, profile, layout.site_dir), _capture_refs(latest), jobs)
        for article_id, new, undecoded in results:
            if isinstance(new, str):
                if undecoded:
                    undecodable[undecoded] += 1
                failed += 1
                print(new)
                continue
            old = latest[article_id]
            compared += 1
            fields = [f for f in EXTRACTED_FIELDS if new[f] != old[f]]
            changed.update(fields)
            differing += bool(fields)
            if fields and args.show > 0:
                args.show -= 1
                print(f"{article_id}: {', '.join(fields)}")
            if out is not None:
                out.write(encode_line({**new, "fetched_at": old["fetched_at"], "warc": old["warc"]}))
    print(f"re-extracted {compared} articles from WARC: {differing} differ, {failed} failed")
    for field, count in changed.most_common():
        print(f"  {field}: {count}")
    for reason, count in sorted(undecodable.items()):
        print(f"  failed, content-encoding {reason}: {count}")
    return max(1 if failed else 0, _report_bad_lines(bad))
