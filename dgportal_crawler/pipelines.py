"""Item pipelines, one job each, in this order:

``AnswerPipeline`` (what a non-200 answer means: unchanged, withdrawn, failed) →
``ExtractPipeline`` (page bytes → a pending article) → ``ValidatePipeline`` (refuse what is
not an article) → ``DedupePipeline`` (one line per article per run) → ``RevisionPipeline``
(new, changed or unchanged since the last run, as the state classifies it) →
``StorePipeline`` (the JSONL line, then the state; passes the line on) →
``AttachmentPipeline`` (optional: fetch attachments so the WARC keeps them).

Every drop says why in its ``DropItem`` message and counts under ``dgportal/``, per column.
Each pipeline switches itself off (``NotConfigured``) when the crawl is not an archive crawl.
"""

from __future__ import annotations

import contextlib
import errno
import logging
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.utils.misc import load_object

from dgportal_crawler import config
from dgportal_crawler.extensions.archive import ArchiveSession, open_session
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.extractworkers import Checked, ExtractionWorkers, worker_count
from dgportal_crawler.items import Article, PendingArticle, Validators
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.runcontext import CrawlRun, crawl_run
from dgportal_crawler.stats import (
    ATTACHMENT_FAILED,
    ATTACHMENTS,
    DUPLICATE,
    EXTRACTED,
    FAILED,
    FALLBACK,
    META_COLUMN,
    META_KIND,
    META_LISTED_URL,
    NEW,
    RESTORED,
    STILL_WITHDRAWN,
    STORED,
    UNCHANGED,
    UPDATED,
    WITHDRAWN,
    count,
    failure_key,
    inc,
)
from dgportal_crawler.store.site import SiteArchive
from dgportal_crawler.validate import Limits, PageContext, judge

logger = logging.getLogger(__name__)

WITHDRAWN_STATUSES = frozenset({404, 410})


class _Component:
    """Keeps the crawler (for stats) and the run; reaches the archive through the session.
    Pipelines with ``needs_archive`` switch off when the archive is (``DGPORTAL_ARCHIVE_ROOT``
    empty, ``scrapy parse``)."""

    needs_archive = True

    def __init__(self, crawler: Crawler, run: CrawlRun) -> None:
        self.crawler = crawler
        self.run = run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        run = crawl_run(crawler)
        if run is None or (cls.needs_archive and crawler.get_extension(ArchiveSession) is None):
            raise NotConfigured  # not an archive crawl
        return cls(crawler, run)

    def state_writes(self) -> contextlib.AbstractContextManager[None]:
        """Wrap a state write: see :meth:`ArchiveSession.state_writes`."""
        session = self.crawler.get_extension(ArchiveSession)
        assert session is not None  # from_crawler switched the pipeline off otherwise
        return session.state_writes()

    @property
    def archive(self) -> SiteArchive:
        archive = open_session(self.crawler)
        if archive is None:
            raise RuntimeError("the ArchiveSession extension is not enabled")
        return archive

    def count(self, column: str | None, counter: str) -> None:
        count(self.crawler.stats, column, counter)

    def drop(self, column: str | None, counter: str, message: str, level: str = "WARNING") -> DropItem:
        self.count(column, counter)
        return DropItem(message, log_level=level)


class AnswerPipeline(_Component):
    """Article answers other than 200: 304 is unchanged; 404/410 or an off-site redirect of
    an article seen before is a withdrawal; anything else is a failure."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage) or item.status == 200:
            return item
        archive = self.archive
        article_id = self.run.profile.article_id(item.url)
        known = archive.state.get(article_id)
        seen_at = item.fetched_at or archive.now()
        if item.status == 304 and known is not None:
            with self.state_writes():
                archive.state.record_not_modified(article_id, seen_at)
            raise self.drop(item.column, UNCHANGED, f"not modified: {item.url}", "DEBUG")
        location = urljoin(item.url, item.headers["location"]) if item.headers.get("location") else None
        off_site = location is not None and not self.run.on_site(location)
        if known is not None and (item.status in WITHDRAWN_STATUSES or off_site):
            if known.withdrawn_at is not None:  # still gone: already recorded once
                raise self.drop(item.column, STILL_WITHDRAWN, f"still withdrawn: {item.url}", "DEBUG")
            with self.state_writes():
                archive.state.record_withdrawal(article_id, item.status, seen_at, location)
            archive.event({"event": "withdrawn", "id": article_id, "url": item.url,
                           "status": item.status, "location": location})
            raise self.drop(item.column, WITHDRAWN, f"withdrawn ({item.status}): {item.url}", "INFO")
        self.count(item.column, FAILED)
        inc(self.crawler.stats, failure_key(f"http_{item.status}"))
        raise DropItem(f"HTTP {item.status} for {item.url}")


class ExtractPipeline(_Component):
    """Page bytes to a pending article, in a worker process when the crawl runs unpaced
    (``DGPORTAL_EXTRACT_PROCESSES``, see :mod:`dgportal_crawler.extractworkers`)."""

    needs_archive = False

    def __init__(self, crawler: Crawler, run: CrawlRun) -> None:
        super().__init__(crawler, run)
        self.workers = ExtractionWorkers(run.profile, run.run_id, worker_count(crawler.settings), crawler.stats,
                                         Limits.of(crawler.settings))

    def close_spider(self) -> None:
        self.workers.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        self.count(item.column, EXTRACTED)  # tried, whatever the outcome: the fallback rate's base
        try:
            article, problems = await self.extract(item)
        except ExtractionError as exc:
            inc(self.crawler.stats, failure_key("extraction"))
            raise self.drop(item.column, FAILED, f"extraction failed for {item.url}: {exc}") from exc
        if article.extraction["method"] == "fallback":
            self.count(item.column, FALLBACK)
            logger.warning("no template matched %s; used the fallback extractor", item.url)
        listed = item.meta.get(META_LISTED_URL)  # the page's start only for checks still to run
        context = PageContext(listed) if problems is not None else PageContext.of(listed, item.body)
        return PendingArticle(article, Validators.from_headers(item.headers), context, problems)

    async def extract(self, page: FetchedPage) -> Checked:  # raises ExtractionError
        return await self.workers.checked(page)


class ValidatePipeline(_Component):
    needs_archive = False

    def __init__(self, crawler: Crawler, run: CrawlRun) -> None:
        super().__init__(crawler, run)
        self.limits = Limits.of(crawler.settings)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PendingArticle):
            article = item.article
            if (problems := item.problems) is None:  # not judged where it was extracted: judged here
                problems = judge(article, self.run.profile, item.context, self.limits)
            if problems:
                # Counted by the most telling reason: a challenge says more than "no title".
                reason = next((p.reason for p in problems if p.reason != "invalid"), "invalid")
                inc(self.crawler.stats, failure_key(reason))
                listed = getattr(item.context, "listed_url", None)
                where = f"{article.url} (listed as {listed})" if listed and listed != article.url else article.url
                messages = "; ".join(p.message for p in problems)
                raise self.drop(article.column, FAILED, f"not an article {where}: {messages}")
        return item


class DedupePipeline(_Component):
    """Drops a second line for the same article id within one run (e.g. listed twice)."""

    needs_archive = False

    def __init__(self, crawler: Crawler, run: CrawlRun) -> None:
        super().__init__(crawler, run)
        self.seen: set[str] = set()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PendingArticle):
            article = item.article
            if article.id in self.seen:
                raise self.drop(article.column, DUPLICATE, f"duplicate of {article.id}: {article.url}", "INFO")
            self.seen.add(article.id)
        return item


class RevisionPipeline(_Component):
    """Asks the state (read-only) whether the text is new, changed or unchanged: unchanged
    text is not written again; changed text becomes the next revision, pointing at the
    previous text's hash."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PendingArticle):
            return item
        article, archive = item.article, self.archive
        change = archive.state.classify(article.id, article.text_sha256)
        article.revision = change.revision
        if change.kind == "unchanged":
            with self.state_writes():
                _record(archive, item)  # a sighting; also clears a withdrawal
            if change.restored:
                # Back with the same text: the line for it exists, so an event says so.
                archive.event({"event": "restored", "id": article.id, "url": article.url})
                raise self.drop(article.column, RESTORED, f"restored, text unchanged: {article.url}", "INFO")
            raise self.drop(article.column, UNCHANGED, f"unchanged: {article.url}", "DEBUG")
        article.previous_text_sha256 = change.previous_text_sha256
        self.count(article.column, NEW if change.kind == "new" else UPDATED)
        return item


class StorePipeline(_Component):
    """Appends the line to the archive, then tells the state; passes the line on."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PendingArticle):
            return item
        archive, article = self.archive, item.article
        try:
            archive.append(article.to_dict())
        except OSError as exc:
            # Disk full, file too large, a folder gone read-only: nothing was written (the
            # archive cut any partial line) and the state does not know it, so the next run
            # fetches it again. One line in the log, not a traceback per article.
            count(self.crawler.stats, article.column, NEW if article.revision == 1 else UPDATED, -1)
            reason = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
            inc(self.crawler.stats, failure_key(f"storage/{reason}"))
            raise self.drop(article.column, FAILED, f"not stored {article.url}: {exc.strerror or exc}",
                            "ERROR") from None
        with self.state_writes():
            _record(archive, item)  # the line is stored whatever happens to the state
        self.count(article.column, STORED)
        return article


class AttachmentPipeline(_Component):
    """With ``DGPORTAL_ATTACHMENTS`` on, fetches each stored article's attachments (pdf, doc,
    xls …) once, through the downloader, so robots.txt and politeness apply and the WARC
    capture keeps their bytes. The article line already names them; nothing else is written."""

    def __init__(self, crawler: Crawler, run: CrawlRun) -> None:
        super().__init__(crawler, run)
        self.fetched: set[str] = set()
        self.errors = tuple(load_object(e) if isinstance(e, str) else e
                            for e in crawler.settings.getlist("RETRY_EXCEPTIONS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AttachmentPipeline:
        if not config.get_bool(crawler.settings, "DGPORTAL_ATTACHMENTS"):
            raise NotConfigured
        return super().from_crawler(crawler)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        for attachment in item.attachments:
            url = attachment["url"]
            if url in self.fetched:
                continue
            self.fetched.add(url)
            request = Request(url, meta={META_KIND: "attachment", META_COLUMN: item.column})
            try:
                response = await self.crawler.engine.download_async(request)
            except (IgnoreRequest, *self.errors) as exc:
                self.count(item.column, ATTACHMENT_FAILED)
                logger.warning("attachment %s of %s not fetched: %s", url, item.id, exc)
                continue
            self.count(item.column, ATTACHMENTS if response.status == 200 else ATTACHMENT_FAILED)
        return item


def _record(archive: SiteArchive, item: PendingArticle) -> None:
    """Tell the state about a stored or unchanged article (it only writes; the decision was
    :meth:`StateStore.classify`'s)."""
    article = item.article
    archive.state.record_fetch(
        article.id, article.url or "", text_sha256=article.text_sha256, revision=article.revision,
        etag=item.validators.etag, last_modified=item.validators.last_modified,
        status=article.http_status or 0, published_at=article.published_at,
        seen_at=article.fetched_at or archive.now(),
    )
