"""``Replica``: the whole site as a pure function from a request path to a response."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal, get_args

from . import redesign as redesigned
from . import variants
from .assets import (
    attachment_bytes,
    etag_matches,
    etag_of,
    http_date,
    jpeg_bytes,
    parse_http_date,
)
from .blocks import ATTACHMENT_BASE, ATTACHMENT_TYPES, IMG_BASE
from .content import ReplicaArticle, build_article, edited_article, owns, spam_for
from .model import (
    COLUMNS,
    EPOCH,
    PAGE_SIZE,
    SITE_ROOT,
    ArticleMeta,
    EncodingMode,
    ReplicaColumn,
    Variant,
    build_index,
    list_page_number,
    page_count,
)
from .render import CSS, ROBOTS, Esd, home_page, list_page
from .render_article import Neighbours, article_page
from .truth import ground_truth_record

REDIRECT_HOST = "http://example.invalid"
_POST = re.compile(r"^content/post_([0-9]{7,})\.html$")
_IMG = re.compile(r"^/img/0/([0-9]+)/([0-9]+)\.jpg$")
_ATTACHMENT = re.compile(r"^/attachment/0/([0-9]+)/([0-9]+)\.([a-z]+)$")
_HTML = "text/html; charset=utf-8"
#: What a response serves, for the request counts ("other": the home page, redirects, misses).
ResponseKind = Literal["list", "article", "robots", "asset", "other"]
RESPONSE_KINDS: tuple[ResponseKind, ...] = get_args(ResponseKind)


@dataclass(frozen=True)
class ReplicaResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    kind: ResponseKind = "other"


def _not_found(kind: ResponseKind = "other") -> ReplicaResponse:
    body = "<!DOCTYPE html><html><head><title>404</title></head><body>页面不存在</body></html>"
    return ReplicaResponse(404, {"Content-Type": _HTML}, body.encode("utf-8"), kind)


def _redirect(location: str, kind: ResponseKind = "other") -> ReplicaResponse:
    return ReplicaResponse(301, {"Location": location, "Content-Type": _HTML}, b"", kind)


@dataclass
class Replica:
    """The Houjie sub-site, rendered on request from ``seed`` (same seed, same bytes)."""

    seed: int = 2023
    articles: int = 150
    edition: int = 1
    degraded: float = 0.0
    encodings: bool = False
    redesign: float = 0.0  # fraction of articles served in another DOM (the fallback's test)
    _pages: OrderedDict[tuple[int, int], tuple[bytes, str]] = field(
        default_factory=OrderedDict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.index = build_index(self.seed, self.articles, self.degraded, self.encodings,
                                 redesign=self.redesign)
        self.set_edition(self.edition)

    # -- queries ------------------------------------------------------------------
    @property
    def columns(self) -> list[ReplicaColumn]:
        return list(COLUMNS)

    def set_edition(self, n: int) -> None:
        if n not in (1, 2):
            raise ValueError(f"edition must be 1 or 2, not {n!r}")
        self.edition = n

    def is_live(self, index: int) -> bool:
        return self.edition == 1 or index not in self.index.removed

    def is_edited(self, index: int) -> bool:
        return self.edition == 2 and index in self.index.edited

    def article_ids(self) -> list[int]:
        return [m.post_id for m in self.index.articles if self.is_live(m.index)]

    def meta(self, post_id: int) -> ArticleMeta:
        return self.index.articles[self.index.by_id[post_id]]

    def variant_of(self, post_id: int) -> Variant:
        return self.index.variant(self.index.by_id[post_id])

    def encoding_of(self, post_id: int) -> EncodingMode | None:
        """The encoding mode of an "encoded" article (see ``variants.ENCODINGS``), else None."""
        return self.index.encodings.get(self.index.by_id[post_id])

    def article(self, meta: ArticleMeta) -> ReplicaArticle:
        """The article's content in the current edition."""
        if self.is_edited(meta.index):
            return edited_article(self.seed, meta)
        return build_article(self.seed, meta)

    def column_entries(self, column: int) -> list[ArticleMeta]:
        """Live articles of a column, newest first."""
        metas = self.index.articles
        return [metas[i] for i in reversed(self.index.by_column[column]) if self.is_live(i)]

    def ground_truth(self, origin: str = "https://www.dg.gov.cn") -> list[dict]:
        return [
            ground_truth_record(self.article(m), origin, self.index.variant(m.index),
                                self.is_edited(m.index))
            for m in self.index.articles if self.is_live(m.index)
        ]

    def removed_articles(self, origin: str = "https://www.dg.gov.cn") -> list[dict]:
        """Articles that edition 2 took down: the first answers 404, the next ones 301."""
        if self.edition == 1:
            return []
        out = []
        for k, index in enumerate(self.index.removed):
            meta = self.index.articles[index]
            location = REDIRECT_HOST + meta.path if k > 0 else None
            out.append({
                "id": meta.article_id, "post_id": meta.post_id,
                "url": origin.rstrip("/") + meta.path, "status": 301 if location else 404,
                "location": location,
            })
        return out

    # -- HTTP ---------------------------------------------------------------------
    def respond(self, path: str, headers: Mapping[str, str] | None = None) -> ReplicaResponse:
        """Answer a GET for ``path`` (query and fragment ignored); no network, no state."""
        path = path.split("#", 1)[0].split("?", 1)[0]
        request_headers = {k.lower(): v for k, v in (headers or {}).items()}
        if path == "/robots.txt":
            return ReplicaResponse(200, {"Content-Type": "text/plain; charset=utf-8"},
                                   ROBOTS.encode("ascii"), "robots")
        if path.startswith(("/img/", "/attachment/")) or path == SITE_ROOT + "css/common.css":
            return self._asset(path)
        if path == SITE_ROOT.rstrip("/"):
            return _redirect(SITE_ROOT)
        if path in (SITE_ROOT, SITE_ROOT + "index.html"):
            return ReplicaResponse(200, {"Content-Type": _HTML}, self._home().encode("utf-8"))
        if not path.startswith(SITE_ROOT):
            return _not_found()
        rest = path[len(SITE_ROOT):]
        for n, col in enumerate(COLUMNS):
            if rest == col.path.rstrip("/"):
                return _redirect(col.url_path)
            if rest.startswith(col.path):
                return self._in_column(n, col, rest[len(col.path):], request_headers)
        return _not_found()

    def _in_column(
        self, column: int, col: ReplicaColumn, rest: str, headers: dict[str, str]
    ) -> ReplicaResponse:
        post = _POST.match(rest)
        if post:
            return self._article_response(column, int(post.group(1)), headers)
        page_no = list_page_number(rest, col.page_name)
        if page_no is None:
            return _not_found()
        entries = self.column_entries(column)
        last = page_count(len(entries))
        if page_no > last:
            return _not_found("list")
        chunk = entries[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]
        prefix = "./content/" if col.template == "current" else "content/"
        rows = [(prefix + m.file_name, self.article(m).title,
                 f"{m.published:%Y-%m-%d}") for m in chunk]
        html = list_page(col, rows, page_no, last)
        return ReplicaResponse(200, {"Content-Type": _HTML}, html.encode("utf-8"), "list")

    def _article_response(
        self, column: int, post_id: int, headers: dict[str, str]
    ) -> ReplicaResponse:
        index = self.index.by_id.get(post_id)
        if index is None or self.index.articles[index].column != column:
            return _not_found("article")
        meta = self.index.articles[index]
        if not self.is_live(index):
            if self.index.removed.index(index) == 0:
                return _not_found("article")
            return _redirect(REDIRECT_HOST + meta.path, "article")
        body, content_type = self._article_bytes(meta)
        etag = etag_of(body)
        modified = meta.published
        if self.is_edited(index):  # edition 2 went live after the whole history
            modified = EPOCH + timedelta(days=6 * 366, minutes=index)
        out = {"Content-Type": content_type, "ETag": etag, "Last-Modified": http_date(modified)}
        if "if-none-match" in headers:
            fresh = etag_matches(headers["if-none-match"], etag)
        else:
            since = parse_http_date(headers.get("if-modified-since", ""))
            fresh = since is not None and modified.replace(microsecond=0) <= since
        if fresh:
            return ReplicaResponse(304, out, b"", "article")
        return ReplicaResponse(200, out, body, "article")

    def _article_bytes(self, meta: ArticleMeta) -> tuple[bytes, str]:
        key = (meta.index, self.edition if self.is_edited(meta.index) else 1)
        if key in self._pages:
            self._pages.move_to_end(key)
            return self._pages[key]
        variant = self.index.variant(meta.index)
        article = self.article(meta)
        ink = variants.pinyin_ink(self.seed, meta.post_id) if variant == "hijacked" else None
        esd = Esd(variant in ("rendered", "hijacked"))
        if variant == "redesign":
            html = redesigned.article_page(article, self._neighbours(meta), self.seed)
        else:
            html = article_page(article, self._neighbours(meta), esd, ink)
        if esd.enabled:
            html = variants.to_traditional(html)
        if variant == "hijacked":
            html = variants.inject_spam(html, spam_for(self.seed, meta))
        if variant == "degraded":
            html = variants.degrade(html)
        result = variants.encode(html, self.index.encodings.get(meta.index))
        self._pages[key] = result
        if len(self._pages) > 512:
            self._pages.popitem(last=False)
        return result

    def _neighbours(self, meta: ArticleMeta) -> Neighbours:
        # links follow the edition-1 column, so unchanged pages keep their bytes and ETags
        # in edition 2 (a removed neighbour stays linked, as stale links do on real sites)
        siblings = self.index.by_column[meta.column]
        pos = siblings.index(meta.index)
        metas = self.index.articles

        def link(i: int) -> tuple[str, str] | None:
            if not 0 <= i < len(siblings):
                return None
            other = metas[siblings[i]]
            return (other.file_name, build_article(self.seed, other).title)

        related = []
        for i in (pos - 3, pos - 2, pos + 2, pos + 3):
            if 0 <= i < len(siblings):
                other = metas[siblings[i]]
                related.append((other.path, build_article(self.seed, other).title))
        return Neighbours(link(pos + 1), link(pos - 1), tuple(related))

    def _home(self) -> str:
        blocks = []
        for n, col in enumerate(COLUMNS):
            rows = [(f"{col.path}content/{m.file_name}", self.article(m).title,
                     f"{m.published:%Y-%m-%d}") for m in self.column_entries(n)[:8]]
            blocks.append((col, rows))
        return home_page(blocks)

    def _asset(self, path: str) -> ReplicaResponse:
        if path == SITE_ROOT + "css/common.css":
            return ReplicaResponse(200, {"Content-Type": "text/css; charset=utf-8"},
                                   CSS.encode("ascii"), "asset")
        img = _IMG.match(path)
        if img and self._owns(int(img.group(2)), int(img.group(1)), IMG_BASE, "img"):
            return ReplicaResponse(200, {"Content-Type": "image/jpeg"},
                                   jpeg_bytes(int(img.group(2))), "asset")
        att = _ATTACHMENT.match(path)
        if att and att.group(3) in ATTACHMENT_TYPES:
            ref = int(att.group(2))
            if self._owns(ref, int(att.group(1)), ATTACHMENT_BASE, "attach", att.group(3)):
                body, content_type = attachment_bytes(ref, att.group(3))
                return ReplicaResponse(200, {"Content-Type": content_type}, body, "asset")
        return _not_found("asset")

    def _owns(self, ref: int, folder: int, base: int, kind: str, ext: str = "") -> bool:
        """Whether some article's body links this image or attachment id."""
        return owns(self.seed, self.index.articles, ref, folder, base, kind, ext)
