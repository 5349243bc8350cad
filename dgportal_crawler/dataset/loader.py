"""Read an archive as articles: the current view, every revision, or what was withdrawn.

Two passes over the JSONL files, so memory stays flat however big the archive is:

1. an index pass parses each line once and keeps only ``id → (revision, file, offset, date)``
   of the latest revision (and every line's offset for ``view="all"``);
2. a yield pass seeks to the chosen lines, file by file in order, and parses them again.

Withdrawals come from ``events.jsonl``: an id is withdrawn when its last ``withdrawn`` /
``restored`` event is ``withdrawn`` and no revision was fetched after it (an article that
comes back with a new text gets a new line, not a ``restored`` event). Damaged lines are
skipped and passed to ``on_bad`` (by default logged), as every other reader of the archive does.
Only the standard library is needed here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dgportal_crawler.dataset.fields import fields
from dgportal_crawler.store.jsonl import BadLine, iter_archive_lines, iter_line_offsets
from dgportal_crawler.store.layout import SiteLayout, site_layouts

logger = logging.getLogger(__name__)

View = Literal["current", "all", "withdrawn"]
VIEWS: tuple[View, ...] = ("current", "all", "withdrawn")
DateLike = str | dt.date | None


class SelectionError(ValueError):
    """The arguments select nothing that can exist: an unknown view, column, date or folder."""


def _log_bad(bad: BadLine) -> None:
    logger.warning("%s:%d: skipped a damaged line (%s)", bad.path, bad.line, bad.problem)


def _day(value: DateLike, name: str) -> str | None:
    if value is None or isinstance(value, dt.date):
        return value.isoformat()[:10] if value else None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise SelectionError(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def check_columns(columns: Iterable[str] | None) -> tuple[str, ...] | None:
    """The asked-for columns, checked against the schema (unknown names are an error)."""
    if columns is None:
        return None
    wanted = tuple(columns)
    unknown = [c for c in wanted if c not in fields()]
    if unknown:
        raise SelectionError(f"unknown column {unknown[0]!r}; the columns are: {', '.join(fields())}")
    if not wanted:
        raise SelectionError("no columns asked for")
    return wanted


def resolve_layouts(root: str | Path, site: str | None = None) -> list[SiteLayout]:
    """``root`` is one site folder (``archive/houjie``) or an archive root (every site)."""
    root = Path(root)
    here = SiteLayout(root)
    layouts = [here] if here.is_site_archive() else site_layouts(root)
    if site is not None:
        layouts = [lay for lay in layouts if lay.site == site]
    if not layouts:
        what = f"site {site!r}" if site else "site archive"
        raise SelectionError(f"{root}: no {what} here (expected <root>/<site>/articles/)")
    return layouts


def last_withdrawal_events(layout: SiteLayout, on_bad: Callable[[BadLine], None]) -> dict[str, str]:
    """id → ``at`` of the withdrawal, for ids whose last withdrawn/restored event withdraws."""
    last: dict[str, tuple[str, str]] = {}
    if layout.events_file.is_file():
        for event in iter_archive_lines(layout.events_file, on_bad, require_id=False):
            kind, article_id = event.get("event"), event.get("id")
            if kind in ("withdrawn", "restored") and isinstance(article_id, str):
                last[article_id] = (kind, str(event.get("at") or ""))
    return {i: at for i, (kind, at) in last.items() if kind == "withdrawn"}


@dataclass(slots=True)
class _Latest:
    revision: int
    file: int
    offset: int
    day: str | None
    fetched_at: str | None


@dataclass
class ArchiveReader:
    """``for article in ArchiveReader("archive/houjie"): …``; ``len(reader)`` after ``plan()``."""

    root: str | Path
    site: str | None = None
    columns: Sequence[str] | None = None
    since: DateLike = None
    until: DateLike = None
    view: View = "current"
    on_bad: Callable[[BadLine], None] | None = None
    bad_lines: list[BadLine] = field(default_factory=list, init=False)
    _files: list[Path] = field(default_factory=list, init=False, repr=False)
    _chosen: dict[int, array] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise SelectionError(f"unknown view {self.view!r}; the views are: {', '.join(VIEWS)}")
        self._columns = check_columns(self.columns)
        self._since, self._until = _day(self.since, "since"), _day(self.until, "until")
        self.layouts = resolve_layouts(self.root, self.site)

    def _bad(self, bad: BadLine) -> None:
        self.bad_lines.append(bad)
        (self.on_bad or _log_bad)(bad)

    def wanted_day(self, day: str | None) -> bool:
        """Whether a publication day (``YYYY-MM-DD`` or None) is within since / until."""
        if self._since is None and self._until is None:
            return True
        if day is None:
            return False
        return (self._since is None or day >= self._since) and (self._until is None or day <= self._until)

    def plan(self) -> int:
        """The index pass (done once); returns how many articles will be yielded."""
        if self._chosen is None:
            self._chosen = self._index()
        return sum(len(offsets) for offsets in self._chosen.values())

    def __len__(self) -> int:
        return self.plan()

    def _index(self) -> dict[int, array]:
        chosen: dict[int, array] = {}
        for layout in self.layouts:
            withdrawn_at = last_withdrawal_events(layout, self._bad)
            latest: dict[str, _Latest] = {}
            for path in layout.article_files():
                file_no = len(self._files)
                self._files.append(path)
                for offset, record in iter_line_offsets(path, self._bad):
                    day = published_day(record.get("published_at"))
                    if self.view == "all":
                        if self.wanted_day(day):
                            chosen.setdefault(file_no, array("q")).append(offset)
                        continue
                    known = latest.get(record["id"])
                    if known is None or record["revision"] >= known.revision:
                        fetched = record.get("fetched_at") if record["id"] in withdrawn_at else None
                        latest[record["id"]] = _Latest(record["revision"], file_no, offset, day, fetched)
            for article_id, line in latest.items():
                at = withdrawn_at.get(article_id)
                gone = at is not None and (line.fetched_at is None or at >= str(line.fetched_at))
                if gone == (self.view == "withdrawn") and self.wanted_day(line.day):
                    chosen.setdefault(line.file, array("q")).append(line.offset)
        for offsets in chosen.values():
            offsets[:] = array("q", sorted(offsets))
        return chosen

    def _project(self, record: dict[str, Any]) -> dict[str, Any]:
        return record if self._columns is None else {c: record.get(c) for c in self._columns}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self.view == "all" and self._chosen is None:  # nothing to choose: one pass
            for layout in self.layouts:
                for path in layout.article_files():
                    for _, record in iter_line_offsets(path, self._bad):
                        if self.wanted_day(published_day(record.get("published_at"))):
                            yield self._project(record)
            return
        self.plan()
        assert self._chosen is not None
        for file_no in sorted(self._chosen):
            with self._files[file_no].open("rb") as handle:
                for offset in self._chosen[file_no]:
                    handle.seek(offset)
                    yield self._project(json.loads(handle.readline()))


def published_day(value: object) -> str | None:
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None


def iter_articles(
    root: str | Path, site: str | None = None, columns: Sequence[str] | None = None,
    since: DateLike = None, until: DateLike = None, view: View = "current",
    on_bad: Callable[[BadLine], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Article dicts of an archive root or one site folder.

    ``view="current"``: the latest revision of each id that is not withdrawn at the end;
    ``"all"``: every revision; ``"withdrawn"``: the latest revision of each withdrawn id.
    ``since`` / ``until`` (``YYYY-MM-DD`` or dates, inclusive) select by publication day
    (undated articles then drop out); ``columns`` keeps only those fields.
    """
    return iter(ArchiveReader(root, site, columns, since, until, view, on_bad))
