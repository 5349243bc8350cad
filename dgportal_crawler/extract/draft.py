"""What every extraction path gathers (:class:`Draft`), and the one step that turns it into
an :class:`ExtractedArticle`: title cleaning, dates in the site's zone, script and width
normalisation. Templates, the fallback and captures differ only in how they fill a Draft.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dgportal_crawler.extract.boilerplate import strip_inline
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.kinds import ExtractionMethod
from dgportal_crawler.extract.metadata import DEFAULT_TIMEZONE, PubDate
from dgportal_crawler.extract.normalise import (
    detect_script,
    normalise_text,
    normalise_texts,
)
from dgportal_crawler.extract.sitenames import clean_title
from dgportal_crawler.items import Attachment, ExtractedArticle, Extraction, Image
from dgportal_crawler.profile import SiteProfile


@dataclass(slots=True)
class Draft:
    """An article as read from a page, before normalisation (text in the page's script)."""

    method: ExtractionMethod
    template: str | None = None
    title: str = ""  # as on the page
    published: PubDate | None = None
    source: str | None = None  # simplified (parsed from keys)
    paragraphs: list[str] = field(default_factory=list)  # as on the page, furniture removed
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    column_path: list[str] = field(default_factory=list)  # simplified
    people: dict[str, str] = field(default_factory=dict)  # author / editor / reviewer
    gov_meta: dict[str, str] = field(default_factory=dict)
    removed: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    encoding: dict[str, Any] = field(default_factory=dict)

    def take_people(self, found: dict[str, str]) -> None:
        """Add author/editor/reviewer values not known yet."""
        for role, value in found.items():
            self.people.setdefault(role, value)


def finish(draft: Draft, profile: SiteProfile | None, strip_names: set[str]) -> ExtractedArticle:
    """Normalise a draft into the article type; ExtractionError if it holds no text."""
    title_original = draft.title.strip()
    texts = normalise_texts(draft.paragraphs)
    pairs = [(orig, text) for orig, text in zip(draft.paragraphs, texts, strict=True) if text.strip()]
    if not pairs:
        raise ExtractionError(f"no article text found ({draft.method} extraction)")
    title = strip_inline(title_original, draft.removed)  # pinyin planted in a title, if any
    title, spam = clean_title(title, strip_names) if title else ("", 0)
    if spam:
        draft.removed["spam_keywords"] += spam
    if not title:
        draft.warnings.append("no title found")
    timezone = profile.timezone if profile is not None else DEFAULT_TIMEZONE
    text_original = "\n".join(orig for orig, _ in pairs)
    simple = {role: normalise_text(v) for role, v in draft.people.items()}
    return ExtractedArticle(
        title=normalise_text(title),
        title_original=title_original,
        published_at=draft.published.iso(timezone) if draft.published else None,
        published_precision=draft.published.precision if draft.published else None,
        source=normalise_text(draft.source) if draft.source else None,
        text="\n".join(text for _, text in pairs),
        text_original=text_original,
        script_original=detect_script(text_original + "\n" + title_original),
        images=_unique([Image(i.url, normalise_text(i.alt)) for i in draft.images]),
        attachments=_unique([Attachment(a.url, normalise_text(a.name)) for a in draft.attachments]),
        column_path=[normalise_text(c) for c in draft.column_path],
        author=simple.get("author"),
        editor=simple.get("editor"),
        reviewer=simple.get("reviewer"),
        gov_meta={normalise_text(k): normalise_text(v) for k, v in draft.gov_meta.items()} or None,
        extraction=Extraction(
            method=draft.method,
            template=draft.template,
            removed=dict(sorted(draft.removed.items())),
            encoding=dict(draft.encoding),
            warnings=list(draft.warnings),
        ),
    )


def _unique(items: list[Any]) -> list[Any]:
    """Items in first-seen order without repeats (an image may be both linked and shown)."""
    return list(dict.fromkeys(items))
