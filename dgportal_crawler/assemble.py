"""From a fetched page to an archive line: extraction plus provenance.

Shared by the crawl's extraction pipeline, ``dgportal reextract`` (pages read back from WARC)
and ``dgportal clean`` (saved pages), so all three give the same line for the same bytes.
"""

from __future__ import annotations

from dgportal_crawler import __version__
from dgportal_crawler.extract import decode_html, extract_article, extract_capture
from dgportal_crawler.items import Article, ExtractedArticle, Provenance, make_article, sha256_hex
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import SiteProfile


def article_from_page(page: FetchedPage, profile: SiteProfile, run_id: str | None) -> Article:
    """Extract one article page; raises :class:`~dgportal_crawler.extract.ExtractionError`."""
    extracted = extract_article(
        page.body, url=page.url, profile=profile, template=page.template, headers=page.headers
    )
    if not extracted.column_path and page.column in profile.column_ids:
        # a page without a breadcrumb (the disclosure platform's): the column it was listed in
        extracted.column_path = profile.column(page.column).column_path
    article = _with_provenance(extracted, page, profile, run_id)
    article.warc = page.meta.get("dgportal_warc")
    return article


def article_from_saved(
    data: bytes, profile: SiteProfile, *, url: str | None, text_format: str
) -> Article:
    """``dgportal clean``: a saved page (``html``) or a plain-text capture (``text``).

    What a saved file cannot tell (fetch time, status) is null; the column comes from the URL
    when one is given. Without a URL the id is ``<site>:file:<first 16 hex of the sha256>``.
    """
    page = FetchedPage.saved(profile, url, data)
    if text_format == "text":
        decoded = decode_html(data)
        extracted = extract_capture(decoded.text, profile=profile)
        extracted.extraction.encoding = decoded.record()
    else:
        extracted = extract_article(data, url=url or "", profile=profile, template=page.template)
    article = _with_provenance(extracted, page, profile, None)
    article.url = url
    article.http_status = None
    if not url:
        article.id = f"{profile.name}:file:{sha256_hex(data)[:16]}"
    return article


def _with_provenance(
    extracted: ExtractedArticle, page: FetchedPage, profile: SiteProfile, run_id: str | None
) -> Article:
    prov = Provenance(
        url=page.url,
        site=page.site,
        column=page.column,
        column_name=page.column_name,
        fetched_at=page.fetched_at,
        http_status=page.status,
        raw_body=page.body,
        crawler_version=__version__,
        run_id=run_id,
    )
    return make_article(extracted, prov, profile.article_id(page.url))
