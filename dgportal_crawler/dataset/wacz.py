"""WACZ: the archive's WARC captures in one file that replay tools open as they are
(ReplayWeb.page, pywb, other web archives).

``dgportal export archive/<site> --format wacz --out FILE.wacz`` packs, with the ``wacz``
package (``pip install 'dgportal-crawler[replay]'``):

- ``archive/``: every WARC file of the archive, byte for byte (all captures: robots.txt,
  list pages, every revision, attachments);
- ``indexes/index.cdx.gz`` + ``index.idx``: the CDXJ index a replay tool looks captures up in;
- ``pages/pages.jsonl``: one entry per article of the selected view (current by default; ``--since`` /
  ``--until`` apply): ``url``, ``ts`` (the capture the line points to), ``title``, ``published_at``,
  ``id``; lines without a WARC capture (``--no-warc`` runs) are left out;
- ``datapackage.json`` (size and sha256 of every file above) and ``datapackage-digest.json``.

The WARC files are read from the site folders the reader covers; the articles only decide
which pages are listed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from dgportal_crawler.dataset.extras import MissingExtraError
from dgportal_crawler.dataset.loader import ArchiveReader, SelectionError
from dgportal_crawler.store.layout import SiteLayout

EXTRA = "replay"
PAGE_FIELDS = ("id", "site", "url", "title", "published_at", "warc")
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Articles"}


def write_wacz(rows: Any, columns: Sequence[str], sink: IO[bytes]) -> int:
    """The ``wacz`` export format. Gets the :class:`ArchiveReader` itself (see
    ``needs_archive``), since the WARC files are not in the rows; returns the pages listed."""
    if not isinstance(rows, ArchiveReader):
        raise SelectionError("the wacz format needs the archive folder, not only its rows")
    return build_wacz(rows, sink)


#: Tells :func:`dgportal_crawler.dataset.writers.export` to pass the reader, not its rows.
write_wacz.needs_archive = True  # type: ignore[attr-defined]


def build_wacz(reader: ArchiveReader, sink: IO[bytes]) -> int:
    """Write the WACZ of ``reader``'s archive (pages: its selection) to ``sink``."""
    create_wacz = _require("wacz.main").create_wacz
    warcs = _warc_files(reader.layouts)
    pages_reader = reader
    if reader.columns is not None and not set(PAGE_FIELDS) <= set(reader.columns):
        pages_reader = replace(reader, columns=PAGE_FIELDS)
    with tempfile.TemporaryDirectory(prefix="dgportal-wacz-") as tmp:
        pages = Path(tmp, "pages.jsonl")
        with pages.open("w", encoding="utf-8") as out:
            listed = write_pages(pages_reader, out)
        out_file = Path(tmp, "out.wacz")
        args = _create_args(warcs, pages, out_file, reader)
        log = io.StringIO()
        with contextlib.redirect_stdout(log):  # it prints its progress
            code = create_wacz(args)
        if code:
            raise RuntimeError(f"wacz create failed (exit {code}): {log.getvalue()[-500:]}")
        with out_file.open("rb") as packed:
            shutil.copyfileobj(packed, sink, 1 << 20)
    return listed


def write_pages(reader: ArchiveReader, out: IO[str]) -> int:
    """``pages.jsonl`` (header line, then one page per article with a capture); returns how
    many pages were written."""
    layouts = {layout.site: layout for layout in reader.layouts}
    out.write(json.dumps(PAGES_HEADER) + "\n")
    written = 0
    with _CaptureDates() as dates:
        for article in reader:
            ref, url = article.get("warc"), article.get("url")
            if not isinstance(ref, dict) or not url:
                continue
            layout = layouts.get(article.get("site")) or _layout_holding(reader.layouts, ref["file"])
            page = {"id": article.get("id"), "url": url, "ts": dates.of(layout, ref),
                    "title": article.get("title"), "published_at": article.get("published_at")}
            out.write(json.dumps(page, ensure_ascii=False) + "\n")
            written += 1
    return written


class _CaptureDates:
    """The WARC-Date of the record a line points to (its capture time, to the second, as
    replay tools index it); each WARC file is opened once."""

    def __init__(self) -> None:
        self._files = contextlib.ExitStack()
        self._open: dict[Path, IO[bytes]] = {}

    def __enter__(self) -> _CaptureDates:
        return self

    def __exit__(self, *exc: object) -> None:
        self._files.close()

    def of(self, layout: SiteLayout, ref: dict[str, Any]) -> str:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        try:
            path = layout.resolve(ref["file"])
            handle = self._open.get(path)
            if handle is None:
                handle = self._open[path] = self._files.enter_context(path.open("rb"))
            handle.seek(int(ref["offset"]))
            date = next(iter(ArchiveIterator(handle))).rec_headers.get_header("WARC-Date")
        except (OSError, ValueError, KeyError, StopIteration, ArchiveLoadFailed) as exc:
            raise SelectionError(f"{layout.site_dir}: no WARC record at {ref.get('file')}@{ref.get('offset')} "
                                 f"({exc or type(exc).__name__}); `dgportal verify` lists the damage") from None
        if not date:  # every record the crawl writes has one: the offset points into something else
            raise SelectionError(f"{layout.site_dir}: no WARC record at {ref['file']}@{ref['offset']} (what is "
                                 "there has no WARC-Date); `dgportal verify` lists the damage")
        return str(date)


def _layout_holding(layouts: Sequence[SiteLayout], rel: str) -> SiteLayout:
    for layout in layouts:
        if (layout.site_dir / rel).is_file():
            return layout
    raise SelectionError(f"{rel}: no such WARC file in {', '.join(str(lay.site_dir) for lay in layouts)}")


def _warc_files(layouts: Sequence[SiteLayout]) -> list[Path]:
    warcs = [path for layout in layouts for path in layout.warc_files()]
    if not warcs:
        raise SelectionError("no WARC file to pack: the archive was crawled with --no-warc")
    names = [path.name for path in warcs]
    if len(set(names)) != len(names):  # WACZ keeps one flat archive/ folder
        raise SelectionError("two sites hold WARC files of the same name; export one site at a time")
    return warcs


def _create_args(warcs: list[Path], pages: Path, out: Path, reader: ArchiveReader) -> argparse.Namespace:
    """What ``wacz create --pages PAGES --copy-pages -o OUT WARC…`` would pass."""
    sites = ", ".join(layout.site for layout in reader.layouts)
    return argparse.Namespace(
        inputs=[str(p) for p in warcs], output=str(out), pages=str(pages), copy_pages=True,
        extra_pages=None, detect_pages=False, text=False, hash_type="sha256", log_directory=None,
        split_seeds=False, ts=None, url=None, date=None, title=f"dgportal archive: {sites}",
        desc=f"Every capture of the dgportal archive of {sites}; pages: the {reader.view} articles.",
        signing_url=None, signing_token=None)


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(f"wacz is needed for this and is not installed: "
                                f"pip install 'dgportal-crawler[{EXTRA}]'") from exc


def iter_pages(wacz_file: str | Path) -> Iterator[dict[str, Any]]:
    """The pages of a WACZ file, header line excluded (for checks and tests)."""
    import zipfile

    with zipfile.ZipFile(wacz_file) as packed, packed.open("pages/pages.jsonl") as fh:
        for number, raw in enumerate(fh):
            if number and raw.strip():
                yield json.loads(raw)
