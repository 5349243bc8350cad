"""An article's content as blocks, and the mapping from blocks to ground-truth paragraphs.

Rendering (``render_article``) and the ground truth both read the same blocks, so the truth
cannot drift from what is served. The mapping follows "How body content maps to ground-truth
paragraphs" in docs/templates.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import vocab_base as vb
from . import vocab_topics as vt
from .model import ArticleMeta
from .writing import Writer

IMG_BASE = 4_000_000
ATTACHMENT_BASE = 5_000_000
MAX_IMAGES = 10  # ids are index * 10 + k, so k < 10
MAX_ATTACHMENTS = 10
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Block:
    kind: str  # p | h3 | img | caption | file | table | attach | qa | ul
    text: str = ""  # text; alt for img; file name (with extension) for attach
    ref: int = 0  # image or attachment id
    label: str = ""  # speaker of a qa block
    rows: tuple[tuple[str, ...], ...] = ()  # table rows (first one is the header) or ul items


def img_path(img_id: int) -> str:
    return f"/img/0/{img_id // 10000}/{img_id}.jpg"


def attachment_path(att_id: int, name: str) -> str:
    ext = name.rsplit(".", 1)[-1]
    return f"/attachment/0/{att_id // 10000}/{att_id}.{ext}"


def block_paragraphs(block: Block) -> list[str]:
    if block.kind in ("p", "h3", "caption"):
        return [block.text]
    if block.kind == "qa":
        return [f"{block.label}：{block.text}"]
    if block.kind == "table":
        return ["\t".join(row) for row in block.rows]
    if block.kind == "ul":
        return [row[0] for row in block.rows]
    if block.kind == "attach":
        return [f"附件：{block.text}"]
    return []  # img and file-name lines are not text content


@dataclass
class Body:
    """Collects blocks for one article and numbers its images and attachments."""

    index: int
    blocks: list[Block] = field(default_factory=list)
    images: int = 0
    attachments: int = 0

    def add(
        self, kind: str, text: str = "", ref: int = 0, label: str = "",
        rows: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        self.blocks.append(Block(kind, text, ref, label, rows))

    def image(self, alt: str, caption: str | None = None, file_name: str | None = None) -> None:
        if self.images >= MAX_IMAGES:
            return
        if file_name:
            self.add("file", file_name)
        self.add("img", alt, ref=IMG_BASE + self.index * 10 + self.images)
        self.images += 1
        if caption:
            self.add("caption", caption)

    def attach(self, name: str) -> None:
        if self.attachments >= MAX_ATTACHMENTS:
            return
        self.add("attach", name, ref=ATTACHMENT_BASE + self.index * 10 + self.attachments)
        self.attachments += 1

    def text_length(self) -> int:
        return sum(len(p) for b in self.blocks for p in block_paragraphs(b))


@dataclass
class Draft:
    title: str
    body: Body
    sources: tuple[str, ...]
    gov_meta: dict[str, str] | None = None


@dataclass(frozen=True)
class Article:
    meta: ArticleMeta
    title: str
    source: str
    blocks: tuple[Block, ...]
    author: str | None
    editor: str | None
    reviewer: str | None
    gov_meta: dict[str, str] | None
    keywords: str

    def paragraphs(self) -> list[str]:
        return [p for b in self.blocks for p in block_paragraphs(b)]

    def images(self) -> list[tuple[str, str]]:
        return [(img_path(b.ref), b.text) for b in self.blocks if b.kind == "img"]

    def attachments(self) -> list[tuple[str, str]]:
        return [(attachment_path(b.ref, b.text), b.text) for b in self.blocks if b.kind == "attach"]

    def description(self) -> str:
        first = next((p for p in self.paragraphs() if len(p) > 10), self.title)
        return first[:80]


@lru_cache(maxsize=4096)
def build_article(seed: int, meta: ArticleMeta) -> Article:
    """Write the article ``meta`` deterministically from ``seed`` (cached: pages reuse titles)."""
    from .bodies import BUILDERS  # bodies imports this module for Body and Draft

    rng = random.Random(f"replica:{seed}:{meta.post_id}:body")
    writer = Writer(rng, meta.published)
    draft = BUILDERS[meta.col.kind](writer, meta, Body(meta.index))
    source = rng.choice(draft.sources)
    author = editor = reviewer = None
    if rng.random() < (0.25 if meta.col.template == "legacy" else 0.35):
        editor = writer.name()
        author = writer.name() if rng.random() < 0.7 else None
        reviewer = writer.name() if rng.random() < 0.6 else None
    keywords = ",".join(dict.fromkeys([meta.col.name, *writer.entities.values()]))
    return Article(
        meta, draft.title, source, tuple(draft.body.blocks), author, editor, reviewer,
        draft.gov_meta, keywords,
    )


@lru_cache(maxsize=256)
def edited_article(seed: int, meta: ArticleMeta) -> Article:
    """Edition 2's version of an edited article: one text paragraph rewritten."""
    article = build_article(seed, meta)
    rng = random.Random(f"replica:{seed}:{meta.post_id}:edit")
    candidates = [i for i, b in enumerate(article.blocks) if b.kind == "p" and len(b.text) > 8]
    if not candidates:  # every builder writes text paragraphs; keep a fallback anyway
        candidates = [i for i, b in enumerate(article.blocks) if b.kind in ("p", "qa")]
    at = rng.choice(candidates)
    writer = Writer(rng, meta.published)
    new_text = "".join(writer.sentences(vt.GENERAL, 2)) + "（此段内容已更新）"
    blocks = list(article.blocks)
    blocks[at] = replace(blocks[at], text=new_text)
    return replace(article, blocks=tuple(blocks))


def spam_for(seed: int, meta: ArticleMeta) -> str:
    rng = random.Random(f"replica:{seed}:{meta.post_id}:spam")
    return "".join(rng.sample(vb.SPAM, 2))
