"""Checks that an extracted article is an article, not an error or challenge page.

Some Guangdong portals answer crawlers with captcha or 412/521 challenge pages served with a
2xx status; those must be reported, never stored as articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dgportal_crawler.items import Article

#: Shortest body (characters) accepted as an article; shorter is an empty or error page.
MIN_TEXT_CHARS = 10
#: Challenge pages are short; a long article that mentions 安全验证 in prose is an article.
CHALLENGE_MAX_CHARS = 400
CHALLENGE_MARKERS = re.compile(
    r"安全验证|安全驗證|访问验证|訪問驗證|请完成验证|滑动验证|人机验证|captcha|JavaScript.{0,20}(?:enable|启用)",
    re.IGNORECASE,
)


def _no_title(a: Article) -> str | None:
    return None if a.title.strip() else "no title"


def _short_text(a: Article) -> str | None:
    n = len(a.text.strip())
    return None if n >= MIN_TEXT_CHARS else f"text has {n} characters (< {MIN_TEXT_CHARS})"


def _challenge(a: Article) -> str | None:
    if len(a.text) > CHALLENGE_MAX_CHARS:
        return None
    head = a.title + "\n" + a.text
    return "looks like a captcha/challenge page" if CHALLENGE_MARKERS.search(head) else None


def _bad_status(a: Article) -> str | None:
    if a.http_status is None or 200 <= a.http_status < 300:
        return None
    return f"HTTP status {a.http_status}"


#: Longest text (characters) stored as one article (``DGPORTAL_MAX_TEXT_CHARS``): a page far
#: longer is a trap or a data dump, and one line of the archive must stay a manageable size.
MAX_TEXT_CHARS = 1_000_000


def _too_long(a: Article, limit: int) -> str | None:
    n = len(a.text)
    return f"text has {n} characters (> {limit}, DGPORTAL_MAX_TEXT_CHARS)" if n > limit else None


CHECKS: tuple[Callable[[Article], str | None], ...] = (_bad_status, _no_title, _short_text, _challenge)


def problems_of(article: Article, max_text_chars: int = MAX_TEXT_CHARS) -> list[str]:
    """Every reason this article must not be stored (empty when it is fine)."""
    found = [p for check in CHECKS if (p := check(article)) is not None]
    too_long = _too_long(article, max_text_chars)
    return [*found, too_long] if too_long else found
