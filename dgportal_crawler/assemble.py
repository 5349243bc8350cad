"""From a fetched page to an archive line: extraction plus provenance.

Shared by the crawl's extraction pipeline, ``dgportal reextract`` (pages read back from WARC)
and ``dgportal clean`` (saved pages), so all three give the same line for the same bytes.
"""

from __future__ import annotations

from dgportal_crawler import __version__
from dgportal_crawler.extract import extract_article
from dgportal_crawler.items import Article, Provenance, make_article
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import SiteProfile


def article_from_page(page: FetchedPage, profile: SiteProfile, run_id: str | None) -> Article:
    """Extract one article page; raises :class:`~dgportal_crawler.extract.ExtractionError`."""
    extracted = extract_article(
        page.body, url=page.url, profile=profile, template=page.template, headers=page.headers
    )
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
    article = make_article(extracted, prov, profile.article_id(page.url))
    article.warc = page.meta.get("dgportal_warc")
    return article
