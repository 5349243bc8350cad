"""Checks that an extracted article is an article, not an error, challenge or stand-in page.

Some Guangdong portals answer crawlers with captcha, WAF or rate-limit pages served with a 2xx
status, and an article that moved may redirect on-site to the home page or to a "page not
found" page; those must be reported with their reason, never stored as articles. The page
kinds are decided by named signals (:mod:`dgportal_crawler.extract.signals`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urljoin, urlsplit

from dgportal_crawler import config
from dgportal_crawler.extract import challenge, softpage
from dgportal_crawler.extract.signals import PageFacts, SignalTable, classify
from dgportal_crawler.items import Article
from dgportal_crawler.profile import SiteProfile

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

#: Shortest body (characters) accepted as an article; shorter is an empty or error page.
MIN_TEXT_CHARS = 10
#: Longest text (characters) stored as one article (``DGPORTAL_MAX_TEXT_CHARS``): a page far
#: longer is a trap or a data dump, and one line of the archive must stay a manageable size.
MAX_TEXT_CHARS = 1_000_000
#: Signal scores at which a page is a challenge (``DGPORTAL_CHALLENGE_THRESHOLD``), or a home
#: page or not-found page (``DGPORTAL_SOFT_PAGE_THRESHOLD``): two signals that agree.
CHALLENGE_THRESHOLD = 3
SOFT_PAGE_THRESHOLD = 3
#: Raw bytes of a page searched for captcha widgets.
HTML_SAMPLE_BYTES = 64 * 1024

CHALLENGE_KINDS: dict[str, SignalTable] = {"challenge": challenge.SIGNALS}
SOFT_PAGE_KINDS: dict[str, SignalTable] = {"home_page": softpage.HOME_PAGE,
                                           "not_found": softpage.NOT_FOUND_PAGE,
                                           "redirect_page": softpage.REDIRECT_PAGE}


class Problem(NamedTuple):
    reason: str  # the failure reason counted under dgportal/failed/<reason>
    message: str


@dataclass(frozen=True, slots=True)
class Limits:
    max_text_chars: int = MAX_TEXT_CHARS
    challenge_threshold: int = CHALLENGE_THRESHOLD
    soft_page_threshold: int = SOFT_PAGE_THRESHOLD

    @classmethod
    def of(cls, settings: BaseSettings) -> Limits:
        """The limits a crawl's settings set (``DGPORTAL_MAX_TEXT_CHARS`` and the thresholds)."""
        return cls(config.get_int(settings, "DGPORTAL_MAX_TEXT_CHARS"),
                   config.get_int(settings, "DGPORTAL_CHALLENGE_THRESHOLD"),
                   config.get_int(settings, "DGPORTAL_SOFT_PAGE_THRESHOLD"))


@dataclass(frozen=True, slots=True)
class PageContext:
    """What the pipelines know about a page besides its article: the URL it was listed
    under (before on-site redirects) and the start of its raw bytes."""

    listed_url: str | None = None
    html: str = ""

    @classmethod
    def of(cls, listed_url: str | None, body: bytes) -> PageContext:
        return cls(listed_url, body[:HTML_SAMPLE_BYTES].decode("utf-8", errors="replace"))


def _site_addresses(profile: SiteProfile) -> set[str]:
    """Paths of the site's home and list pages (with and without their index file)."""
    base = urlsplit(profile.base_url).path
    paths = {base, base + "index.html", base + "index.shtml"}
    for column in profile.columns:
        folder = urlsplit(urljoin(profile.base_url, column.path)).path
        paths |= {folder, folder.rstrip("/"), urlsplit(profile.list_url(column)).path}
    return paths


def page_facts(article: Article, profile: SiteProfile | None, context: PageContext) -> PageFacts:
    url = article.url or ""
    names = {profile.display_name, *profile.title_suffixes, *(c.name for c in profile.columns)} if profile else set()
    return PageFacts(
        title=article.title, text=article.text, dated=article.published_at is not None, html=context.html,
        redirected=context.listed_url is not None and context.listed_url != url,
        article_url=profile is None or profile.post_id(url) is not None,
        site_page=profile is not None and urlsplit(url).path in _site_addresses(profile),
        site_title=article.title.strip() in names,
    )


def _no_title(a: Article) -> str | None:
    return None if a.title.strip() else "no title"


def _short_text(a: Article) -> str | None:
    n = len(a.text.strip())
    return None if n >= MIN_TEXT_CHARS else f"text has {n} characters (< {MIN_TEXT_CHARS})"


def _bad_status(a: Article) -> str | None:
    if a.http_status is None or 200 <= a.http_status < 300:
        return None
    return f"HTTP status {a.http_status}"


CHECKS: tuple[Callable[[Article], str | None], ...] = (_bad_status, _no_title, _short_text)


def judge(article: Article, profile: SiteProfile | None = None, context: PageContext | None = None,
          limits: Limits | None = None) -> list[Problem]:
    """Every reason this article must not be stored (empty when it is fine)."""
    limits = limits or Limits()
    found = [Problem("invalid", p) for check in CHECKS if (p := check(article)) is not None]
    facts = page_facts(article, profile, context or PageContext())
    for kinds, threshold in ((CHALLENGE_KINDS, limits.challenge_threshold),
                             (SOFT_PAGE_KINDS, limits.soft_page_threshold)):
        verdict = classify(facts, kinds, threshold)
        if verdict is not None:
            found.append(Problem(verdict.kind, verdict.describe()))
    n = len(article.text)
    if n > limits.max_text_chars:
        found.append(Problem("too_long", f"text has {n} characters (> {limits.max_text_chars}, "
                                         "DGPORTAL_MAX_TEXT_CHARS)"))
    return found


def problems_of(article: Article, max_text_chars: int = MAX_TEXT_CHARS) -> list[str]:
    """The messages of :func:`judge` without a profile (no home-page address checks)."""
    return [p.message for p in judge(article, limits=Limits(max_text_chars=max_text_chars))]
