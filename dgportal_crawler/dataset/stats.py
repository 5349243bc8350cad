"""Statistics of an archive per column × year (or month), from the lines and the events.

For each group of articles (column, period of publication; ``undated`` without a date):

- ``articles``: articles in the view (default: current — latest revision, not withdrawn);
- ``mean_chars``: mean length of ``text`` in characters;
- ``with_time``, ``with_source``, ``with_images``, ``with_attachments``: shares (0–1) of the
  articles whose page gave a time of day (precision minute or second), a 来源, images,
  attachments; ``fallback``: share extracted by the fallback extractor;
- ``revisions``: lines that are a later revision (revision > 1) of an article of the group;
- ``withdrawals``: ``withdrawn`` events of its articles; ``withdrawn``: its articles withdrawn now.

An article's group is that of its latest revision. Only the standard library is needed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from dgportal_crawler.dataset.loader import ArchiveReader, DateLike, View, published_day
from dgportal_crawler.store.jsonl import BadLine, iter_archive_lines
from dgportal_crawler.store.layout import UNDATED  # the group of articles without a date, as on disk

Period = Literal["year", "month"]
TOTAL = "total"
#: Fields read for the statistics (never the whole line).
STAT_FIELDS = ("id", "site", "column", "column_name", "published_at", "published_precision", "source",
               "text", "images", "attachments", "extraction", "revision")
TIMED = ("minute", "second")


@dataclass
class GroupStats:
    column: str
    column_name: str | None
    period: str
    articles: int = 0
    mean_chars: float | None = None
    with_time: float | None = None
    with_source: float | None = None
    with_images: float | None = None
    with_attachments: float | None = None
    fallback: float | None = None
    revisions: int = 0
    withdrawals: int = 0
    withdrawn: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Sums:
    articles: int = 0
    chars: int = 0
    timed: int = 0
    sourced: int = 0
    images: int = 0
    attachments: int = 0
    fallback: int = 0
    revisions: int = 0
    withdrawals: int = 0
    withdrawn: int = 0

    def add(self, other: _Sums) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)


def period_of(published_at: object, by: Period) -> str:
    if not isinstance(published_at, str) or len(published_at) < 10:
        return UNDATED
    return published_at[:4] if by == "year" else published_at[:7]


def _count_article(sums: _Sums, line: dict[str, Any]) -> None:
    sums.articles += 1
    sums.chars += len(line.get("text") or "")
    sums.timed += line.get("published_precision") in TIMED
    sums.sourced += bool(line.get("source"))
    sums.images += bool(line.get("images"))
    sums.attachments += bool(line.get("attachments"))
    sums.fallback += (line.get("extraction") or {}).get("method") == "fallback"


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _row(column: str, name: str | None, period: str, s: _Sums) -> GroupStats:
    n = s.articles
    return GroupStats(
        column, name, period, n, s.chars / n if n else None, _share(s.timed, n),
        _share(s.sourced, n), _share(s.images, n), _share(s.attachments, n), _share(s.fallback, n),
        s.revisions, s.withdrawals, s.withdrawn,
    )


def archive_stats(
    root: str | Path, site: str | None = None, by: Period = "year", since: DateLike = None,
    until: DateLike = None, view: View = "current", on_bad: Callable[[BadLine], None] | None = None,
) -> list[GroupStats]:
    """One row per (column, period), sorted, then one ``total`` row."""
    if by not in ("year", "month"):
        raise ValueError(f"by must be 'year' or 'month', not {by!r}")
    seen_bad: set[tuple[Path, int]] = set()

    def bad_once(bad: BadLine) -> None:  # three readers meet the same damaged line
        if (bad.path, bad.line) not in seen_bad:
            seen_bad.add((bad.path, bad.line))
            if on_bad is not None:
                on_bad(bad)

    sums: dict[tuple[str, str], _Sums] = defaultdict(_Sums)
    names: dict[str, str | None] = {}
    latest: dict[str, tuple[int, str, str | None]] = {}  # id → revision, column, published_at
    later_revisions: Counter[str] = Counter()
    for line in ArchiveReader(root, site, (*STAT_FIELDS[:5], "revision"), view="all", on_bad=bad_once):
        article_id, column = line["id"], line.get("column") or "?"
        names.setdefault(column, line.get("column_name"))
        later_revisions[article_id] += line["revision"] > 1
        if line["revision"] >= latest.get(article_id, (0, "", None))[0]:
            latest[article_id] = (line["revision"], column, line.get("published_at"))
    articles = ArchiveReader(root, site, STAT_FIELDS, since, until, view, bad_once)
    group_of = {i: (col, period_of(published, by)) for i, (_, col, published) in latest.items()
                if articles.wanted_day(published_day(published))}
    for article_id, count in later_revisions.items():
        if article_id in group_of:
            sums[group_of[article_id]].revisions += count
    for line in articles:
        _count_article(sums[group_of[line["id"]]], line)
    for line in ArchiveReader(root, site, ("id",), since, until, "withdrawn", bad_once):
        sums[group_of[line["id"]]].withdrawn += 1
    for layout in articles.layouts:
        if layout.events_file.is_file():
            for event in iter_archive_lines(layout.events_file, bad_once, require_id=False):
                if event.get("event") == "withdrawn" and event.get("id") in group_of:
                    sums[group_of[event["id"]]].withdrawals += 1
    rows = [_row(col, names.get(col), period, s) for (col, period), s in sorted(sums.items())]
    total = _Sums()
    for s in sums.values():
        total.add(s)
    return [*rows, _row(TOTAL, None, "all", total)]


def monthly_counts(root: str | Path, site: str | None = None, since: DateLike = None,
                   until: DateLike = None, view: View = "current") -> dict[tuple[str, str | None], Counter[str]]:
    """(column id, column name) → articles per ``YYYY-MM`` (undated articles left out)."""
    counts: dict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
    fields = ("column", "column_name", "published_at")
    for line in ArchiveReader(root, site, fields, since, until, view, on_bad=lambda bad: None):
        month = period_of(line.get("published_at"), "month")
        if month != UNDATED:
            counts[(line.get("column") or "?", line.get("column_name"))][month] += 1
    return dict(counts)
