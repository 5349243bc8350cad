"""The portal replica's other towns: their columns, skins, feeds and article index.

Houjie stays the detailed replica of ``model.py``/``site.py``. The towns here reuse its article
writers (``content.build_article``) on an index of their own; their articles are served
plain (no captures, mirrors or encodings), which is what discovery and the feed route need.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from .model import _END_ALL, _END_LEGACY, BEIJING, EPOCH, Precision, ReplicaColumn

#: A town's page furniture: the portal's town template, or a department-style skin
#: (您的当前位置, one 发布日期/来源/字体大小 line, a 主办/承办/地址/联系电话 footer).
Skin = Literal["town", "department"]


@dataclass(frozen=True)
class TownColumn(ReplicaColumn):
    root: str = "/"  # the town's prefix, "/humen/"
    feed: int = 0  # the column's feed id (/postmeta/i/<feed>.json); 0 = none
    children: tuple[int, ...] = ()  # the ``children`` its feed names
    in_nav: bool = True  # False: no page links it; only a feed's children lead to it

    @property
    def url_path(self) -> str:
        return self.root + self.path


@dataclass(frozen=True)
class ParentFeed:
    """A feed of no column of its own (a 专题专栏): mostly a parent of other feeds."""

    id: int
    name: str
    children: tuple[int, ...] = ()
    repeats: str = ""  # a column id whose newest articles this feed lists again
    repeat_count: int = 0


@dataclass(frozen=True)
class TownSpec:
    id: str  # the path prefix, "humen"
    name: str  # the site's name in page titles, "中国东莞虎门镇栏目"
    skin: Skin
    columns: tuple[TownColumn, ...]
    first_post_id: int  # post ids of this town start above this
    parent_feeds: tuple[ParentFeed, ...] = ()
    home_feed: int = 0  # a parent feed the home page's 专题专栏 block loads by script; 0 = none

    @property
    def root(self) -> str:
        return f"/{self.id}/"


def _columns(root: str, *rows: tuple) -> tuple[TownColumn, ...]:
    """Rows of (id, name, parent, path, template, kind, weight, feed[, children, in_nav])."""
    return tuple(TownColumn(*row[:7], root=root, feed=row[7], children=row[8] if len(row) > 8 else (),
                            in_nav=row[9] if len(row) > 9 else True) for row in rows)


#: Humen: paths nobody would guess from the names (c1471 for 虎门要闻): only discovery finds them.
HUMEN = TownSpec("humen", "中国东莞虎门镇栏目", "town", _columns(
    "/humen/",
    ("c1471", "虎门要闻", "新闻中心", "xwzx/c1471/", "current", "news", 30, 0),
    ("c1502", "通知公告", "政务公开", "zwgk/c1502/", "current", "notice", 18, 9312),
    ("zcdt", "镇村动态", "新闻中心", "xwzx/zcdt/", "legacy", "community", 20, 0),
    ("c1507", "政策解读", "政务公开", "zwgk/c1507/", "current", "policy", 12, 0),
), 3_100_000)

#: Huangjiang's 专题专栏 feed: no article of its own, only children — 专题活动's feed (whose
#: column no page links), a child that answers 404, an empty one, and itself.
HJ_SPECIALS = 10280
#: 专题活动's feed names its parent again (a cycle) and a grandchild that lists its newest
#: articles a second time (the same articles in two feeds of one tree).
HJ_SPECIAL_FEEDS = (
    ParentFeed(HJ_SPECIALS, "专题专栏", children=(10282, 10283, 10284, HJ_SPECIALS)),
    ParentFeed(10284, "往期专题"),
    ParentFeed(10285, "专题活动图集", children=(10282,), repeats="zthd", repeat_count=3),
)

#: Huangjiang (/hj/): the department-style skin, two columns with feeds and a third only
#: reachable from the 专题专栏 feed's children.
HJ = TownSpec("hj", "中国东莞黄江镇栏目", "department", _columns(
    "/hj/",
    ("hjyw", "黄江要闻", "新闻动态", "xwdt/hjyw/", "department", "news", 26, 10271),
    ("tzgg", "通知公告", "信息公开", "xxgk/tzgg/", "department", "notice", 16, 0),
    ("tpxw", "图片新闻", "新闻动态", "xwdt/tpxw/", "department", "photo", 10, 10275),
    ("zthd", "专题活动", "专题专栏", "ztzl/zthd/", "department", "news", 8, 10282, (HJ_SPECIALS, 10285), False),
), 3_500_000, HJ_SPECIAL_FEEDS, HJ_SPECIALS)

TOWN_SPECS: dict[str, TownSpec] = {spec.id: spec for spec in (HUMEN, HJ)}


class TownMeta(NamedTuple):
    """An article of a town: what ``ArticleMeta`` is for Houjie (the same attributes, so the
    article writers and renderers take either), plus the town, which also keeps the two
    kinds of tuple apart in ``build_article``'s cache."""

    index: int
    post_id: int
    column: int
    ts: int
    precision: Precision
    town: TownSpec

    @property
    def col(self) -> TownColumn:
        return self.town.columns[self.column]

    @property
    def file_name(self) -> str:
        return f"post_{self.post_id:07d}.html"

    @property
    def path(self) -> str:
        return f"{self.col.url_path}content/{self.file_name}"

    @property
    def article_id(self) -> str:
        return f"{self.town.id}:{self.post_id}"

    @property
    def published(self) -> datetime:
        return EPOCH + timedelta(seconds=self.ts)

    def date_text(self) -> str:
        fmt = {"day": "%Y-%m-%d", "minute": "%Y-%m-%d %H:%M", "second": "%Y-%m-%d %H:%M:%S"}
        return self.published.strftime(fmt[self.precision])

    def published_iso(self) -> str:
        dt = self.published
        if self.precision == "day":
            dt = dt.replace(hour=0, minute=0, second=0)
        return dt.isoformat()


def build_town_index(seed: int, count: int, town: TownSpec) -> list[TownMeta]:
    """``count`` articles of ``town`` in date order (oldest first), from ``seed``."""
    rng = random.Random(f"replica:{seed}:{town.id}:index")
    cols = town.columns
    raw = []
    for i in range(count):
        col = i if i < len(cols) else rng.choices(range(len(cols)), [c.weight for c in cols])[0]
        legacy = cols[col].template == "legacy"
        # department pages print seconds, as the department sites do; the platform's API
        # gives epoch seconds
        precision: Precision = "second" if cols[col].template in ("department", "gkmlpt") else rng.choice(
            ("minute", "minute", "minute", "day", "second"))
        day = rng.randrange((_END_LEGACY if legacy else _END_ALL) // 86400)
        ts = day * 86400 + rng.choice((9, 10, 11, 15, 16)) * 3600 + rng.randrange(60) * 60
        ts += rng.randrange(60) if precision == "second" else 0
        raw.append((ts, i, col, precision))
    raw.sort()
    post_id = town.first_post_id
    out = []
    for index, (ts, _i, col, precision) in enumerate(raw):
        post_id += rng.randint(1, 400)
        out.append(TownMeta(index, post_id, col, ts, precision, town))
    return out


__all__ = ["BEIJING", "HJ", "HJ_SPECIALS", "HUMEN", "TOWN_SPECS", "ParentFeed", "Skin", "TownColumn", "TownMeta",
           "TownSpec", "build_town_index"]
