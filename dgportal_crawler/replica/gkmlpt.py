"""The disclosure platform (政府信息公开, "gkmlpt") of one town of the replica: Huangjiang's,
``/dghjz/gkmlpt/`` (site-notes: code dghjz).

``index`` links each category (``data-classify``); the list API
``api/all/<category>?page=N`` answers JSON ``{classify: {id, name, parent, post_count},
articles: [{id, identifier, title, date, publisher, classify_main_name, url}]}``; detail pages
``content/<id // 1000000>/<id // 1000>/post_<id>.html`` hold the data in
``window._CONFIG = {DETAIL: …}`` under client-side placeholders. The policy category reports
more posts than it has, so its page after the last answers 404 (the quirk reported for the
real API: a later page 404 where page 1 works).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from .content import ReplicaArticle, build_article
from .render import a, t
from .render_article import body_html
from .site import _HTML, ReplicaResponse, _not_found
from .towns import TownColumn, TownMeta, TownSpec, build_town_index
from .truth import ground_truth_record

CODE = "dghjz"
ROOT = f"/{CODE}/gkmlpt/"
API_PAGE_SIZE = 10
#: The category whose post_count is inflated (its page past the last answers 404).
INFLATED = 2950
PLATFORM = TownSpec(CODE, "黄江镇政府信息公开", "department", tuple(
    TownColumn(f"gkmlpt-{cid}", name, parent, f"gkmlpt/{cid}/", "gkmlpt", kind, weight, root=f"/{CODE}/")
    for cid, name, parent, kind, weight in (
        (2941, "工作动态", "政务动态", "news", 20),
        (2945, "通知公告", "政务公开", "notice", 14),
        (INFLATED, "政策文件", "政策法规", "policy", 10),
    )
), 6_000_000)


def category(col: TownColumn) -> int:
    return int(col.id.removeprefix("gkmlpt-"))


def detail_path(post_id: int) -> str:
    return f"{ROOT}content/{post_id // 1_000_000}/{post_id // 1000}/post_{post_id}.html"


class GkmlptPlatform:
    def __init__(self, seed: int, articles: int, site: str = "hj") -> None:
        self.seed, self.site = seed, site
        self.index = build_town_index(seed, max(1, articles // 3), PLATFORM)
        self.by_id = {m.post_id: m for m in self.index}

    def record(self, meta: TownMeta) -> dict:
        """The API's record of a post (and the detail page's DETAIL)."""
        article = self._article(meta)
        gov = article.gov_meta or {}
        made_up = f"1144190000{category(meta.col)}/{meta.published:%Y}-{meta.post_id % 100000:05d}"
        return {
            "id": meta.post_id, "title": article.title, "date": int(meta.published.timestamp()),
            "identifier": gov.get("索引号") or made_up,
            "publisher": gov.get("发布机构") or "黄江镇人民政府",
            "classify_main_name": gov.get("主题分类") or "综合政务/其他",
            "url": "https://www.dg.gov.cn" + detail_path(meta.post_id),
        }

    def ground_truth(self, origin: str) -> list[dict]:
        out = []
        for meta in self.index:
            truth = ground_truth_record(self._article(meta), origin, "plain", False)
            record = self.record(meta)
            truth.update(id=f"{self.site}:{meta.post_id}", url=origin.rstrip("/") + detail_path(meta.post_id),
                         gov_meta={"索引号": record["identifier"], "发布机构": record["publisher"],
                                   "主题分类": record["classify_main_name"]}, template="gkmlpt")
            out.append(truth)
        return out

    def respond(self, path: str) -> ReplicaResponse:
        parts = urlsplit(path)
        rest = parts.path[len(ROOT):]
        if rest == "index":
            return ReplicaResponse(200, {"Content-Type": _HTML}, self._index().encode("utf-8"))
        if rest.startswith("api/all/") and rest[8:].isdigit():
            page = parse_qs(parts.query).get("page", ["1"])[-1]
            return self._api(int(rest[8:]), int(page) if page.isdigit() else 0)
        post = rest.rsplit("post_", 1)[-1].removesuffix(".html")
        if rest.startswith("content/") and post.isdigit() and parts.path == detail_path(int(post)):
            meta = self.by_id.get(int(post))
            if meta is not None:
                return ReplicaResponse(200, {"Content-Type": _HTML}, self._detail(meta).encode("utf-8"), "article")
        return _not_found()

    def _article(self, meta: TownMeta) -> ReplicaArticle:
        return build_article(self.seed, meta)  # type: ignore[arg-type]

    def _api(self, cid: int, page: int) -> ReplicaResponse:
        col = next((c for c in PLATFORM.columns if category(c) == cid), None)
        if col is None or page < 1:
            return _not_found("list")
        posts = [m for m in reversed(self.index) if m.col == col]
        chunk = posts[(page - 1) * API_PAGE_SIZE: page * API_PAGE_SIZE]
        if not chunk:
            return _not_found("list")
        count = len(posts) + (API_PAGE_SIZE if cid == INFLATED else 0)
        data = {"classify": {"id": cid, "name": col.name, "parent": col.parent, "post_count": count},
                "articles": [self.record(m) for m in chunk]}
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return ReplicaResponse(200, {"Content-Type": "application/json; charset=utf-8"}, body, "list")

    def _index(self) -> str:
        links = "".join(f'<li><a href="{ROOT}index#{category(c)}" data-classify="{category(c)}">'
                        f"{t(c.parent)} / {t(c.name)}</a></li>" for c in PLATFORM.columns)
        return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
                f"<title>{t(PLATFORM.name)}</title></head><body>\n"
                f'<div id="app"><ul class="classify">{links}</ul></div>\n</body></html>\n')

    def _detail(self, meta: TownMeta) -> str:
        article = self._article(meta)
        detail = {**self.record(meta), "source": article.source, "content": body_html(article.blocks, False)}
        config = json.dumps(detail, ensure_ascii=False).replace("</", "<\\/")
        return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
                f"<title>{a(article.title)}</title></head><body>\n"
                '<div id="app"><h1 class="title">{{ detail.title }}</h1>'
                '<div class="content" v-html="detail.content"></div></div>\n'
                f"<script>window._CONFIG = {{DETAIL: {config}}};</script>\n</body></html>\n")
