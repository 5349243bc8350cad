"""Item pipelines, one job each, in this order:

``AnswerPipeline`` (what a non-200 answer means: unchanged, withdrawn, failed) →
``ExtractPipeline`` (page bytes → Article) → ``ValidatePipeline`` (refuse what is not an
article) → ``DedupePipeline`` (one line per article per run) → ``RevisionPipeline`` (new,
changed or unchanged since the last run) → ``StorePipeline`` (the JSONL line, then the state)
→ ``AttachmentPipeline`` (optional: fetch attachments so the WARC keeps them).

Every drop says why in its ``DropItem`` message and counts under ``dgportal/``, per column.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.utils.misc import load_object

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.extensions.archive import ArchiveSession, open_session
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.items import Article
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.stats import column_key, inc
from dgportal_crawler.store.state import StateStore
from dgportal_crawler.validate import problems_of

logger = logging.getLogger(__name__)

WITHDRAWN_STATUSES = frozenset({404, 410})


class _Component:
    """Keeps the crawler for stats, the spider (profile, run id) and the archive session."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    @property
    def session(self) -> ArchiveSession:
        session = open_session(self.crawler)
        if session is None:
            raise RuntimeError("the ArchiveSession extension is not enabled")
        return session

    @property
    def state(self) -> StateStore:
        state = self.session.state
        assert state is not None  # an open session has its state
        return state

    def count(self, column: str | None, counter: str) -> None:
        inc(self.crawler.stats, column_key(column, counter))
        inc(self.crawler.stats, f"dgportal/{counter}")

    def drop(self, column: str | None, counter: str, message: str, level: str = "WARNING") -> DropItem:
        self.count(column, counter)
        return DropItem(message, log_level=level)


class AnswerPipeline(_Component):
    """Article answers other than 200: 304 is unchanged; 404/410 or an off-site redirect of
    an article seen before is a withdrawal; anything else is a failure."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage) or item.status == 200:
            return item
        spider = self.crawler.spider
        article_id = spider.profile.article_id(item.url)
        state = self.state
        known = state.get(article_id)
        seen_at = item.fetched_at or self.session.now()
        if item.status == 304 and known is not None:
            state.record_not_modified(article_id, seen_at)
            raise self.drop(item.column, "unchanged", f"not modified: {item.url}", "DEBUG")
        location = urljoin(item.url, item.headers["location"]) if item.headers.get("location") else None
        off_site = location is not None and urlsplit(location).hostname not in spider.allowed_domains
        if known is not None and (item.status in WITHDRAWN_STATUSES or off_site):
            if known.withdrawn_at is not None:  # still gone: already recorded once
                raise self.drop(item.column, "still_withdrawn", f"still withdrawn: {item.url}", "DEBUG")
            state.record_withdrawal(article_id, item.status, seen_at, location)
            self.session.event({"event": "withdrawn", "id": article_id, "url": item.url,
                                "status": item.status, "location": location})
            raise self.drop(item.column, "withdrawn", f"withdrawn ({item.status}): {item.url}", "INFO")
        self.count(item.column, "failed")
        inc(self.crawler.stats, f"dgportal/failed/http_{item.status}")
        raise DropItem(f"HTTP {item.status} for {item.url}")


class ExtractPipeline(_Component):
    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        spider = self.crawler.spider
        self.count(item.column, "extracted")  # tried, whatever the outcome: the fallback rate's base
        try:
            article = article_from_page(item, spider.profile, spider.run_id)
        except ExtractionError as exc:
            inc(self.crawler.stats, "dgportal/failed/extraction")
            raise self.drop(item.column, "failed", f"extraction failed for {item.url}: {exc}") from exc
        article.validators = {k: item.headers[k] for k in ("etag", "last-modified") if k in item.headers}
        if article.extraction["method"] == "fallback":
            self.count(item.column, "fallback")
            logger.warning("no template matched %s; used the fallback extractor", item.url)
        return article


class ValidatePipeline(_Component):
    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            problems = problems_of(item)
            if problems:
                inc(self.crawler.stats, "dgportal/failed/invalid")
                raise self.drop(item.column, "failed", f"not an article {item.url}: {'; '.join(problems)}")
        return item


class DedupePipeline(_Component):
    """Drops a second line for the same article id within one run (e.g. listed twice)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen: set[str] = set()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            if item.id in self.seen:
                raise self.drop(item.column, "duplicate", f"duplicate of {item.id}: {item.url}", "INFO")
            self.seen.add(item.id)
        return item


class RevisionPipeline(_Component):
    """Compares with the state: unchanged text is not written again; changed text becomes
    the next revision, pointing at the previous text's hash."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        state = self.state
        known = state.get(item.id)
        if known is None:
            self.count(item.column, "new")
            return item
        if known.text_sha256 == item.text_sha256:
            _record(state, item, self.session.now())  # also clears a withdrawal
            if known.withdrawn_at is not None:
                # Back with the same text: the line for it exists, so an event says so.
                self.session.event({"event": "restored", "id": item.id, "url": item.url})
                raise self.drop(item.column, "restored", f"restored, text unchanged: {item.url}", "INFO")
            raise self.drop(item.column, "unchanged", f"unchanged: {item.url}", "DEBUG")
        item.revision = known.revision + 1
        item.previous_text_sha256 = known.text_sha256
        self.count(item.column, "updated")
        return item


class StorePipeline(_Component):
    """Appends the line to ``<root>/<site>/articles/…jsonl``, then tells the state."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            session = self.session
            assert session.lines is not None
            session.lines.append(item.to_dict())
            _record(self.state, item, session.now())
            self.count(item.column, "stored")
        return item


class AttachmentPipeline(_Component):
    """With ``DGPORTAL_ATTACHMENTS`` on, fetches each stored article's attachments (pdf, doc,
    xls …) once, through the downloader, so robots.txt and politeness apply and the WARC
    capture keeps their bytes. The article line already names them; nothing else is written."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.fetched: set[str] = set()
        self.errors = tuple(load_object(e) if isinstance(e, str) else e
                            for e in crawler.settings.getlist("RETRY_EXCEPTIONS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AttachmentPipeline:
        if not crawler.settings.getbool("DGPORTAL_ATTACHMENTS"):
            raise NotConfigured
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        for attachment in item.attachments:
            url = attachment["url"]
            if url in self.fetched:
                continue
            self.fetched.add(url)
            request = Request(url, meta={"dgportal_kind": "attachment", "dgportal_column": item.column})
            try:
                response = await self.crawler.engine.download_async(request)
            except (IgnoreRequest, *self.errors) as exc:
                self.count(item.column, "attachment_failed")
                logger.warning("attachment %s of %s not fetched: %s", url, item.id, exc)
                continue
            counter = "attachments" if response.status == 200 else "attachment_failed"
            self.count(item.column, counter)
        return item


def _record(state: StateStore, article: Article, now: str) -> None:
    """Tell the state about a stored or unchanged article. The pipeline has already decided
    new/updated/unchanged; the state's own answer is the same by construction."""
    state.record_fetch(
        article.id, article.url or "", text_sha256=article.text_sha256,
        etag=article.validators.get("etag"), last_modified=article.validators.get("last-modified"),
        status=article.http_status or 0, published_at=article.published_at,
        seen_at=article.fetched_at or now,
    )
