"""Template extraction: the profile's selectors for one template generation → a Draft.

Furniture is removed from the *article scope* only: the smallest element holding both the
title and the body (``div.article``, ``div.cen-div``), i.e. the furniture inside and around
the body (share bar, info line links, editor line, related list, previous/next). The page's
navigation and footer are never read in this mode, so walking them would only cost time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

from dgportal_crawler.extract.body import body_content
from dgportal_crawler.extract.boilerplate import line_key
from dgportal_crawler.extract.dom import meta_content, select_one, text_of
from dgportal_crawler.extract.domclean import clean_stray_text, find_furniture, remove_furniture
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.lines import read_furniture_metadata, read_lines
from dgportal_crawler.extract.metadata import (
    parse_breadcrumb,
    parse_date,
    parse_editor,
    parse_gov_meta,
    parse_source,
)
from dgportal_crawler.extract.pagemeta import (
    field_blocks,
    find_title,
    meta_column_path,
    read_page_metadata,
)
from dgportal_crawler.extract.sitenames import site_names, title_strip_names
from dgportal_crawler.profile import SiteProfile, TemplateSelectors

#: Furniture removed before any metadata is read: the toolbar's hidden anchors sit inside
#: titles, info lines and breadcrumbs of rendered pages and would end up in their text.
_FIRST_PASS = ("toolbar_announcement",)


def template_order(profile: SiteProfile, hint: str | None) -> list[TemplateSelectors]:
    """The hinted template first, then the profile's other templates in their order."""
    ordered = [profile.templates[hint]] if hint in profile.templates else []
    return ordered + [t for name, t in profile.templates.items() if name != hint]


def article_scope(body: etree._Element, title: etree._Element | None) -> etree._Element:
    """The smallest element holding the body and the title (the body's parent without one)."""
    parent = body.getparent()
    if title is None:
        return parent if parent is not None else body
    ancestors = {body, *body.iterancestors()}
    node: etree._Element | None = title
    while node is not None and node not in ancestors:
        node = node.getparent()
    if node is not None and node is not body:
        return node
    return parent if parent is not None else body


def read_template(
    root: etree._Element, sel: TemplateSelectors, url: str, profile: SiteProfile
) -> Draft | None:
    """A Draft read with one template's selectors, or None when its body is not on the page."""
    body = select_one(root, sel.article_body)
    if body is None or not _has_content(body):
        return None
    draft = Draft("template", sel.name)
    title = select_one(root, sel.article_title)
    scope = article_scope(body, title)
    furniture = find_furniture(scope, body)
    remove_furniture(scope, furniture, draft.removed, (body,), _FIRST_PASS)
    _read_title(root, title, draft)
    _read_info(root, _element_key(select_one(root, sel.article_info)), draft)
    draft.take_people(parse_editor(_element_key(select_one(root, sel.article_editor))))
    gov = select_one(root, sel.gov_meta)
    if gov is not None:
        draft.gov_meta = parse_gov_meta([text_of(c) for c in gov.iter("td", "th")])
    crumb = select_one(root, sel.breadcrumb)
    if crumb is not None:
        remove_furniture(crumb, find_furniture(crumb, crumb), draft.removed, (), _FIRST_PASS)
        links = [text_of(a) for a in crumb.iter("a")]
        draft.column_path = parse_breadcrumb(links, text_of(crumb), site_names(profile))
    draft.column_path = draft.column_path or meta_column_path(root)
    _complete_from_page(root, scope, body, draft, profile)
    remove_furniture(scope, furniture, draft.removed, [el for el in (body, title) if el is not None])
    clean_stray_text(root, draft.removed)
    content = body_content(body, url)
    read_lines(content.paragraphs, draft, trimmed=True)
    draft.images, draft.attachments = content.images, content.attachments
    return draft


def _complete_from_page(
    root: etree._Element, scope: etree._Element, body: etree._Element, draft: Draft,
    profile: SiteProfile,
) -> None:
    """What the template's selectors did not find (another town's page on the same platform
    shares the body's class but not the title's or the info line's): read from the page as
    the fallback reads it; people only from the blocks after the body (an editor line)."""
    if not draft.title:
        draft.title = find_title(root, body, title_strip_names(profile, []))
        if draft.title:
            draft.warnings.append("title element missing; title from the page")
    page = Draft("template")
    if draft.published is None or draft.source is None:
        read_page_metadata(root, page)
    elif not draft.people:
        read_furniture_metadata(_labelled(_after(body, scope)), page)
    if draft.published is None and page.published is not None:
        draft.published = page.published
        draft.warnings.append("no date in the info line; date from the page")
    draft.source = draft.source or page.source
    draft.take_people(page.people)


def _after(body: etree._Element, scope: etree._Element) -> Iterator[str]:
    """Field blocks following the body: its next siblings, then those of each ancestor up to
    and including the article scope (an editor line after the body's container)."""
    node: etree._Element | None = body
    while node is not None:
        for sibling in node.itersiblings():
            yield from field_blocks(sibling)
        node = None if node is scope else node.getparent()


def _labelled(texts: Iterable[str]) -> list[str]:
    """The texts that can hold a labelled field (``作者：…``): those with a colon."""
    return [text for text in texts if ":" in text or "：" in text]


def _element_key(el: etree._Element | None) -> str:
    return line_key(text_of(el)) if el is not None else ""


def _has_content(body: etree._Element) -> bool:
    return any(t.strip() for t in body.itertext()) or body.find(".//img") is not None


def _read_title(root: etree._Element, title: etree._Element | None, draft: Draft) -> None:
    draft.title = text_of(title)
    if not draft.title:
        draft.title = meta_content(root, "ArticleTitle")
        if draft.title:
            draft.warnings.append("title element missing; title from <meta name=ArticleTitle>")


def _read_info(root: etree._Element, info: str, draft: Draft) -> None:
    """Date and source from the info line, else from the page's meta tags."""
    draft.published = parse_date(info, labelled_only=True) or parse_date(info)
    if draft.published is None:
        draft.published = parse_date(line_key(meta_content(root, "PubDate")))
        if draft.published is not None:
            draft.warnings.append("no date in the info line; date from <meta name=PubDate>")
    draft.source = parse_source(info) or line_key(meta_content(root, "ContentSource")) or None
