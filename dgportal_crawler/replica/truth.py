"""Ground-truth records: what a perfect extractor returns for one article page."""

from __future__ import annotations

from .content import ReplicaArticle
from .model import Variant


def ground_truth_record(
    article: ReplicaArticle, origin: str, variant: Variant, changed: bool
) -> dict:
    """One dict per article, in simplified characters whatever variant the page is served as
    (docs/templates.md, "How body content maps to ground-truth paragraphs")."""
    meta, col = article.meta, article.meta.col
    origin = origin.rstrip("/")
    return {
        "id": meta.article_id,
        "post_id": meta.post_id,
        "url": origin + meta.path,
        "title": article.title,
        "published_at": meta.published_iso(),
        "published_precision": meta.precision,
        "source": article.source,
        "column": col.id,
        "column_name": col.name,
        "column_path": [col.parent, col.name],
        "paragraphs": article.paragraphs(),
        "images": [{"url": origin + src, "alt": alt} for src, alt in article.images()],
        "attachments": [{"url": origin + href, "name": name}
                        for href, name in article.attachments()],
        "author": article.author,
        "editor": article.editor,
        "reviewer": article.reviewer,
        "gov_meta": dict(article.gov_meta) if article.gov_meta else None,
        "template": col.template,
        "variant": variant,
        "edition_changed": changed,
    }
