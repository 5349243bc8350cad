"""An article of the replica: written from its seed by the body builders, edited in
edition 2, and the spam a hijacked mirror plants in it."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import lru_cache

from . import vocab_base as vb
from . import vocab_topics as vt
from .blocks import Block, Body, attachment_path, block_paragraphs, img_path
from .bodies import BUILDERS
from .model import ArticleMeta
from .writing import Writer


@dataclass(frozen=True)
class ReplicaArticle:
    """An article as the replica serves it; its text is in ``blocks``."""

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
def build_article(seed: int, meta: ArticleMeta) -> ReplicaArticle:
    """Write the article ``meta`` deterministically from ``seed`` (cached: pages reuse titles)."""
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
    return ReplicaArticle(
        meta, draft.title, source, tuple(draft.body.blocks), author, editor, reviewer,
        draft.gov_meta, keywords,
    )


@lru_cache(maxsize=256)
def edited_article(seed: int, meta: ArticleMeta) -> ReplicaArticle:
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


def owns(
    seed: int, articles: list[ArticleMeta], ref: int, folder: int, base: int, kind: str,
    ext: str = "",
) -> bool:
    """Whether some article's body links this image or attachment id (``ref`` in ``folder``)."""
    index = (ref - base) // 10
    if folder != ref // 10000 or not 0 <= index < len(articles):
        return False
    return any(
        b.kind == kind and b.ref == ref and b.text.endswith(f".{ext}" if ext else "")
        for b in build_article(seed, articles[index]).blocks
    )
