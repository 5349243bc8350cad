"""Column list pages → article entries and the next page's URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from dgportal_crawler.extract.boilerplate import line_key
from dgportal_crawler.extract.decode import decode_html
from dgportal_crawler.extract.dom import parse_html, select, select_one, text_of
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.metadata import parse_date
from dgportal_crawler.extract.normalise import normalise_text
from dgportal_crawler.extract.templates import template_order
from dgportal_crawler.extract.urls import link_url, without_fragment
from dgportal_crawler.profile import SiteProfile, TemplateSelectors

#: Link texts of a next-page link (keys: simplified, ASCII punctuation).
NEXT_LABELS = ("下一页", "下页", "后一页", "next", "›", "»", ">")
#: Link texts of the other paging links; a selector matching only these finds no next page.
OTHER_PAGING_LABELS = ("首页", "上一页", "上页", "前一页", "尾页", "末页", "最后一页", "prev", "last",
                       "first", "‹", "«", "<")


@dataclass(slots=True)
class ListEntry:
    url: str  # absolute
    title: str
    date: dt.date | None


@dataclass(slots=True)
class ListPage:
    entries: list[ListEntry] = field(default_factory=list)
    next_url: str | None = None  # absolute
    template_matched: bool = False


def parse_list_page(
    body: bytes,
    *,
    url: str,
    profile: SiteProfile,
    template: str,
    headers: Mapping[str, str] | None = None,
) -> ListPage:
    """Entries and next page of a list page: the hinted template's selectors, then the other
    templates', then any link shaped like an article URL (``template_matched`` False).
    ExtractionError only for an empty body; a page without entries gives an empty ListPage."""
    if not body or not body.strip():
        raise ExtractionError("empty list page")
    try:
        root = parse_html(decode_html(body, headers).text)
    except ExtractionError:
        return ListPage()
    for sel in template_order(profile, template):
        entries = _entries(root, sel, url)
        if entries:
            return ListPage(entries, _next_url(root, sel, url), True)
    next_url = next(
        (n for sel in template_order(profile, template) if (n := _next_url(root, sel, url))),
        None,
    )
    return ListPage(_linked_articles(root, url, profile), next_url or _labelled_next(root, url))


def _entries(root: etree._Element, sel: TemplateSelectors, url: str) -> list[ListEntry]:
    entries: dict[str, ListEntry] = {}
    for node in select(root, sel.list_entry):
        link = select_one(node, sel.list_link)
        href = _href(link, url)
        if link is None or href is None or href in entries:
            continue
        title = normalise_text(link.get("title") or text_of(link))
        date_el = select_one(node, sel.list_date)
        entries[href] = ListEntry(href, title, _date(text_of(date_el) or text_of(node)))
    return list(entries.values())


def _date(text: str) -> dt.date | None:
    found = parse_date(line_key(text))
    return found.value.date() if found else None


def _href(link: etree._Element | None, url: str) -> str | None:
    """Absolute URL of a followable link (no javascript:, no fragment-only link)."""
    absolute = link_url(link.get("href"), url) if link is not None else None
    return without_fragment(absolute) if absolute else None


def _next_url(root: etree._Element, sel: TemplateSelectors, url: str) -> str | None:
    """The next-page link among the selector's matches: one labelled 下一页 if any, else the
    first one when none of them is another paging link (首页, 上一页 …)."""
    links = select(root, sel.next_page)
    keys = [line_key(text_of(a)).lower() for a in links]
    labelled = [a for a, k in zip(links, keys, strict=True) if k in NEXT_LABELS or "下一页" in k]
    if labelled:
        return _other_page(labelled[0], url)
    if links and not any(k in OTHER_PAGING_LABELS for k in keys):
        return _other_page(links[0], url)
    return None


def _labelled_next(root: etree._Element, url: str) -> str | None:
    """Any link reading 下一页 (for pages no template matches)."""
    for link in root.iter("a"):
        if "下一页" in line_key(text_of(link)):
            return _other_page(link, url)
    return None


def _other_page(link: etree._Element, url: str) -> str | None:
    href = _href(link, url)
    return href if href and href != without_fragment(url) else None


def _linked_articles(root: etree._Element, url: str, profile: SiteProfile) -> list[ListEntry]:
    """Links whose URL has the profile's article-id shape, dated from their parent's text."""
    entries: dict[str, ListEntry] = {}
    for link in root.iter("a"):
        href = _href(link, url)
        title = normalise_text(link.get("title") or text_of(link))
        if not href or not title or href in entries or profile.post_id(href) is None:
            continue
        parent = link.getparent()
        entries[href] = ListEntry(href, title, _date(text_of(parent) if parent is not None else ""))
    return list(entries.values())
