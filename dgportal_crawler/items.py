"""The archive's item types.

An :class:`Article` is one line of the archive (see ``archive/README.md`` for every field).
Extraction produces an :class:`ExtractedArticle` (what the page says); :func:`make_article`
adds provenance (where and when it was fetched, by which run) to make the archive line.
Where normalising loses information the raw value is kept beside it (``title`` /
``title_original``, ``text`` / ``text_original``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # extract/ imports this module: the aliases are for type checkers only
    from dgportal_crawler.extract.kinds import DatePrecision, ExtractionMethod, Script
    from dgportal_crawler.validate import PageContext, Problem

#: Version of the archive line layout; bump on any incompatible change.
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    alt: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    url: str
    name: str = ""


@dataclass(slots=True)
class Extraction:
    """How the text was obtained: which method and template, and what was removed."""

    method: ExtractionMethod
    template: str | None  # a template name of the site profile ("current", "legacy" …)
    removed: dict[str, int] = field(default_factory=dict)  # boilerplate rule name -> count
    encoding: dict[str, Any] = field(default_factory=dict)  # charset decision, see extract.decode
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ExtractedArticle:
    """What one article page says, cleaned and normalised; no provenance."""

    title: str
    title_original: str
    published_at: str | None  # ISO 8601 with offset, e.g. 2023-02-27T10:14:00+08:00
    published_precision: DatePrecision | None
    source: str | None
    text: str  # paragraphs joined by "\n", simplified
    text_original: str  # as captured, same paragraph split
    script_original: Script
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    column_path: list[str] = field(default_factory=list)
    author: str | None = None
    editor: str | None = None
    reviewer: str | None = None
    gov_meta: dict[str, str] | None = None
    extraction: Extraction = field(default_factory=lambda: Extraction("template", None))

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n") if self.text else []


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where, when and by whom a page was fetched."""

    url: str
    site: str
    column: str | None
    column_name: str | None
    fetched_at: str | None
    http_status: int | None
    raw_body: bytes | None
    crawler_version: str
    run_id: str | None


@dataclass(slots=True)
class Article:
    """One archive line. Field order is the order written."""

    id: str
    url: str | None
    site: str
    column: str | None
    column_name: str | None
    column_path: list[str]
    title: str
    title_original: str
    published_at: str | None
    published_precision: str | None
    source: str | None
    author: str | None
    editor: str | None
    reviewer: str | None
    gov_meta: dict[str, str] | None
    text: str
    text_original: str
    script_original: str
    images: list[dict[str, str]]
    attachments: list[dict[str, str]]
    fetched_at: str | None
    http_status: int | None
    content_sha256: str | None
    text_sha256: str
    revision: int
    previous_text_sha256: str | None
    extraction: dict[str, Any]
    crawler: dict[str, Any]
    warc: dict[str, Any] | None = None
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The line as a dict, in field order. Shallow: the nested values are already plain
        dicts and lists (``dataclasses.asdict`` would deep-copy them for every line)."""
        return {name: getattr(self, name) for name in _ARTICLE_FIELDS}


_ARTICLE_FIELDS = tuple(Article.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Validators:
    """HTTP validators of a fetch, kept in the state for conditional requests."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def from_headers(cls, headers: dict[str, str]) -> Validators:
        return cls(headers.get("etag"), headers.get("last-modified"))


@dataclass(slots=True)
class PendingArticle:
    """An article on its way through the pipelines: the archive line, and beside it what
    only the state needs. The store pipeline passes on the line alone."""

    article: Article
    validators: Validators = field(default_factory=Validators)
    context: PageContext | None = None  # what the checks know beside the article (listed URL, raw start)
    problems: list[Problem] | None = None  # the checks' findings, when they ran beside the extraction


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def extraction_record(extraction: Extraction) -> dict[str, Any]:
    """The line's ``extraction`` field: ``dataclasses.asdict`` of it, without the deep copy
    (asdict deep-copies every value, a few percent of extracting a page). The containers are
    copied, so the line shares nothing mutable with the extraction."""
    return {
        "method": extraction.method,
        "template": extraction.template,
        "removed": dict(extraction.removed),
        "encoding": {k: dict(v) if isinstance(v, dict) else v for k, v in extraction.encoding.items()},
        "warnings": list(extraction.warnings),
    }


def make_article(extracted: ExtractedArticle, prov: Provenance, article_id: str) -> Article:
    """Combine what the page says with where it came from into one archive line."""
    return Article(
        id=article_id,
        url=prov.url,
        site=prov.site,
        column=prov.column,
        column_name=prov.column_name,
        column_path=list(extracted.column_path),
        title=extracted.title,
        title_original=extracted.title_original,
        published_at=extracted.published_at,
        published_precision=extracted.published_precision,
        source=extracted.source,
        author=extracted.author,
        editor=extracted.editor,
        reviewer=extracted.reviewer,
        gov_meta=extracted.gov_meta,
        text=extracted.text,
        text_original=extracted.text_original,
        script_original=extracted.script_original,
        images=[{"url": i.url, "alt": i.alt} for i in extracted.images],
        attachments=[{"url": a.url, "name": a.name} for a in extracted.attachments],
        fetched_at=prov.fetched_at,
        http_status=prov.http_status,
        content_sha256=sha256_hex(prov.raw_body) if prov.raw_body is not None else None,
        text_sha256=sha256_hex(extracted.text),
        revision=1,
        previous_text_sha256=None,
        extraction=extraction_record(extracted.extraction),
        crawler={"version": prov.crawler_version, "run_id": prov.run_id},
    )
