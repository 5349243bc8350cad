"""The replica's site model: columns, the per-article index and the seeded choices on it.

Everything here is small and cheap so that a 20,000-article index builds in well under a
second: each article is one tuple of integers and short strings; its text is written later,
on request, from a seed derived from the article id (see ``content.py``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal, NamedTuple, get_args

SITE_NAME = "中国东莞厚街镇栏目"
SITE_ROOT = "/houjie/"
SITE_ID_CODE = "4419000098"
BEIJING = timezone(timedelta(hours=8))
EPOCH = datetime(2019, 1, 1, tzinfo=BEIJING)
#: seconds from EPOCH to the end of the date ranges (exclusive)
_END_ALL = int((datetime(2025, 1, 1, tzinfo=BEIJING) - EPOCH).total_seconds())
_END_LEGACY = int((datetime(2021, 7, 1, tzinfo=BEIJING) - EPOCH).total_seconds())

#: The portal's two template generations (docs/templates.md).
TemplateGeneration = Literal["current", "legacy"]
#: Which body builder writes a column's articles (``bodies.BUILDERS``).
ColumnKind = Literal["news", "notice", "photo", "interview", "community", "policy"]
#: How precisely a page prints its publication time.
Precision = Literal["day", "minute", "second"]
#: How an article page is served: as rendered, as a browser capture, from a hijacked mirror,
#: with renamed classes, in another DOM (``redesign``), or in a legacy encoding (``variants``).
Variant = Literal["plain", "rendered", "hijacked", "degraded", "encoded", "redesign"]
#: The charset declarations of an "encoded" page (``variants.ENCODINGS``).
EncodingMode = Literal["meta-only", "wrong-header", "conflict", "latin1-header", "bom"]
VARIANTS: tuple[Variant, ...] = get_args(Variant)
ENCODING_MODES: tuple[EncodingMode, ...] = get_args(EncodingMode)


@dataclass(frozen=True)
class ReplicaColumn:
    id: str
    name: str
    parent: str
    path: str  # relative to SITE_ROOT, with a trailing slash
    template: TemplateGeneration
    kind: ColumnKind
    weight: int

    def page_name(self, page: int) -> str:
        """File name of list page ``page`` (1-based) in this column's template generation."""
        if self.template == "legacy":
            return "list.shtml" if page == 1 else f"list_{page}.shtml"
        return "index.html" if page == 1 else f"index_{page}.html"

    @property
    def url_path(self) -> str:
        return SITE_ROOT + self.path


COLUMNS: tuple[ReplicaColumn, ...] = (
    ReplicaColumn("hjyw", "厚街要闻", "新闻中心", "xwzx/hjyw/", "current", "news", 28),
    ReplicaColumn("tzgg", "通知公告", "政务公开", "zwgk/tzgg/", "current", "notice", 16),
    ReplicaColumn("czjs", "城镇建设", "图说厚街", "tsjh/czjs/", "current", "photo", 12),
    ReplicaColumn("fttd", "访谈直播", "互动交流", "hdjl/fttd/", "current", "interview", 8),
    ReplicaColumn("sqdt", "社区动态", "新闻中心", "xwzx/sqdt/", "legacy", "community", 22),
    ReplicaColumn("zcjd", "政策解读", "政务公开", "zwgk/zcjd/", "current", "policy", 14),
)
COLUMN_BY_ID = {c.id: c for c in COLUMNS}
PAGE_SIZE = 15


class ArticleMeta(NamedTuple):
    index: int  # position in date order, 0 = oldest
    post_id: int
    column: int  # index into COLUMNS
    ts: int  # seconds since EPOCH, Beijing time
    precision: Precision

    @property
    def col(self) -> ReplicaColumn:
        return COLUMNS[self.column]

    @property
    def file_name(self) -> str:
        """The page's file name in its column's ``content/`` folder."""
        return f"post_{self.post_id:07d}.html"

    @property
    def path(self) -> str:
        return f"{self.col.url_path}content/{self.file_name}"

    @property
    def article_id(self) -> str:
        """The id the crawler gives the article: ``<site>:<post id>``."""
        return f"houjie:{self.post_id}"

    @property
    def published(self) -> datetime:
        return EPOCH + timedelta(seconds=self.ts)

    def date_text(self) -> str:
        """The date as the page prints it, at the page's precision."""
        fmt = {"day": "%Y-%m-%d", "minute": "%Y-%m-%d %H:%M", "second": "%Y-%m-%d %H:%M:%S"}
        return self.published.strftime(fmt[self.precision])

    def published_iso(self) -> str:
        # a day-only page is midnight Beijing time, so every value keeps the +08:00 offset
        dt = self.published
        if self.precision == "day":
            dt = dt.replace(hour=0, minute=0, second=0)
        return dt.isoformat()


def _precision(rng: random.Random, legacy: bool) -> Precision:
    roll = rng.random()
    if legacy:
        return "second" if roll < 0.75 else ("minute" if roll < 0.85 else "day")
    return "minute" if roll < 0.8 else ("second" if roll < 0.9 else "day")


def _timestamp(rng: random.Random, legacy: bool, precision: Precision) -> int:
    day = rng.randrange((_END_LEGACY if legacy else _END_ALL) // 86400)
    # office hours mostly, some evening posts
    hour = rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 18, 20, 21))
    minute = rng.randrange(60)
    second = rng.randrange(60) if precision == "second" else 0
    return day * 86400 + hour * 3600 + minute * 60 + second


@dataclass
class SiteIndex:
    """Articles in date order plus the seeded variant and edition choices."""

    seed: int
    articles: list[ArticleMeta]
    by_id: dict[int, int]
    by_column: list[list[int]]  # article indexes per column, oldest first
    variants: dict[int, Variant]  # index -> variant, only for non-plain articles
    encodings: dict[int, EncodingMode]  # index -> encoding mode, for "encoded" articles
    edited: tuple[int, ...]  # indexes edited in edition 2
    removed: tuple[int, ...]  # indexes removed in edition 2: first 404, then 301

    def variant(self, index: int) -> Variant:
        return self.variants.get(index, "plain")


def build_index(
    seed: int, count: int, degraded: float = 0.0, encodings: bool = False,
    edited: int = 3, removed: int = 2, redesign: float = 0.0,
) -> SiteIndex:
    """Lay out ``count`` articles deterministically from ``seed``."""
    rng = random.Random(f"replica:{seed}:index")
    weights = [c.weight for c in COLUMNS]
    raw: list[tuple[int, int, int, Precision]] = []
    for i in range(count):
        # the first articles visit every column once so that tiny replicas have them all
        col = i if i < len(COLUMNS) else rng.choices(range(len(COLUMNS)), weights)[0]
        legacy = COLUMNS[col].template == "legacy"
        precision = _precision(rng, legacy)
        raw.append((_timestamp(rng, legacy, precision), i, col, precision))
    raw.sort()
    gap = max(1, min(400, 7_000_000 // max(count, 1)))
    post_id = 2_400_000
    articles: list[ArticleMeta] = []
    by_column: list[list[int]] = [[] for _ in COLUMNS]
    for index, (ts, _i, col, precision) in enumerate(raw):
        post_id += rng.randint(1, gap)
        articles.append(ArticleMeta(index, post_id, col, ts, precision))
        by_column[col].append(index)
    by_id = {a.post_id: a.index for a in articles}
    variants, enc = _choose_variants(seed, articles, degraded, encodings, redesign)
    plain = [a.index for a in articles if a.index not in variants]
    pool = plain if len(plain) >= edited + removed else [a.index for a in articles]
    picks = random.Random(f"replica:{seed}:edition2").sample(pool, min(len(pool), edited + removed))
    return SiteIndex(
        seed, articles, by_id, by_column, variants, enc,
        tuple(picks[:edited]), tuple(picks[edited:]),
    )


def _choose_variants(
    seed: int, articles: list[ArticleMeta], degraded: float, encodings: bool, redesign: float
) -> tuple[dict[int, Variant], dict[int, EncodingMode]]:
    rng = random.Random(f"replica:{seed}:variants")
    count = len(articles)
    order = list(range(count))
    rng.shuffle(order)
    variants: dict[int, Variant] = {}
    n_rendered = max(1, round(count * 0.10)) if count >= 2 else 0
    n_hijacked = max(1, round(n_rendered * 0.4)) if n_rendered >= 2 else 0
    for k, index in enumerate(order[:n_rendered]):
        variants[index] = "hijacked" if k < n_hijacked else "rendered"
    rest = order[n_rendered:]
    enc: dict[int, EncodingMode] = {}
    if encodings:
        legacy = [i for i in rest if articles[i].col.template == "legacy"]
        n_enc = max(min(len(legacy), len(ENCODING_MODES)), round(len(legacy) * 0.3))
        for k, index in enumerate(legacy[:n_enc]):
            variants[index] = "encoded"
            enc[index] = ENCODING_MODES[k % len(ENCODING_MODES)]
        rest = [i for i in rest if i not in enc]
    n_degraded = round(count * max(0.0, min(degraded, 1.0)))
    for index in rest[:n_degraded]:
        variants[index] = "degraded"
    # redesigned pages come after the degraded ones, so adding them changes no other choice
    for index in rest[n_degraded : n_degraded + round(count * max(0.0, min(redesign, 1.0)))]:
        variants[index] = "redesign"
    return variants, enc


_PAGE = re.compile(r"^(index|list)(?:_([1-9][0-9]*))?\.(html|shtml)$")


def list_page_number(rest: str, page_name: Callable[[int], str]) -> int | None:
    """The list page a path names after its column folder ("" is page 1), or None when it names
    none: only the column's own name for that page counts (``index_2.html`` is not ``list_2``)."""
    if rest == "":
        return 1
    match = _PAGE.match(rest)
    number = int(match.group(2) or 1) if match else 0
    return number if match and page_name(number) == rest else None


def page_count(entries: int) -> int:
    """List pages of a column with ``entries`` articles (an empty column still has page 1)."""
    return max(1, -(-entries // PAGE_SIZE))
