"""Title and metadata of a page no template matched (the fallback's metadata half).

Metadata comes, in this order, from ``<meta>`` tags (PubDate, ContentSource, ArticleTitle),
from the page's own field lines (every short block of the page, and the label/value cells of
tables and definition lists) read with the same vocabulary as the furniture rules, and last
from a labelled date or source anywhere in the page text. The title is the element whose text
the ``<title>`` starts or ends with, nearest before the body; else ``h1``; else the ``<title>``.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from dgportal_crawler.extract.boilerplate import line_key
from dgportal_crawler.extract.dom import BLOCK_TAGS, SKIPPED_TAGS, meta_content, text_of
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.lines import read_furniture_metadata
from dgportal_crawler.extract.metadata import label_cell_lines, more_precise, parse_date, parse_source
from dgportal_crawler.extract.sitenames import column_path_from_title, page_site_names
from dgportal_crawler.profile import SiteProfile

#: Tags that can hold a title, and the shortest and longest text taken as one.
TITLE_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "div", "p", "span", "strong", "b", "td",
              "font", "em", "center", "header")
TITLE_MIN_CHARS = 4
TITLE_MAX_CHARS = 120
#: Longest block read as a possible field line (an info line with its furniture).
FIELD_BLOCK_MAX_CHARS = 300
_CELL_GROUPS = (("table", ("td", "th")), ("dl", ("dt", "dd")))
_LEAF_TAGS = BLOCK_TAGS | {"td", "th", "span", "footer", "nav"}


def _short(el: etree._Element, limit: int) -> bool:
    total = 0
    for piece in el.itertext():
        total += len(piece.strip())
        if total > limit:
            return False
    return total > 0


def _in_link(el: etree._Element) -> bool:
    return el.tag == "a" or any(a.tag == "a" for a in el.iterancestors())


def _elements(root: etree._Element, skip: etree._Element | None) -> Iterator[etree._Element]:
    """Elements under ``root`` in document order, without ``skip``'s subtree nor scripts."""
    walker = etree.iterwalk(root, events=("start",))
    for _, el in walker:
        if el is skip or not isinstance(el.tag, str) or el.tag in SKIPPED_TAGS:
            walker.skip_subtree()
            continue
        yield el


def field_blocks(root: etree._Element, skip: etree._Element | None = None) -> Iterator[str]:
    """Texts of the page's short innermost blocks, then label/value lines of its tables and
    definition lists: where info lines, editor lines and metadata tables stand. Elements
    inside ``skip`` (a body read on its own) are left out."""
    groups: dict[str, list[etree._Element]] = {container: [] for container, _ in _CELL_GROUPS}
    for el in _elements(root, skip):
        if el.tag in groups:
            groups[el.tag].append(el)
        if el.tag not in _LEAF_TAGS or any(
            child.tag in BLOCK_TAGS for child in el.iterchildren(etree.Element)
        ):
            continue
        if _short(el, FIELD_BLOCK_MAX_CHARS):
            yield text_of(el)
    for container, cells in _CELL_GROUPS:
        for group in groups[container]:
            yield from label_cell_lines([text_of(c) for c in group.iter(*cells)])


def read_page_metadata(root: etree._Element, draft: Draft) -> None:
    """Date, source and people of a page without a template (before any cleaning,
    so furniture such as a ``<footer>`` byline is still there to read)."""
    draft.published = parse_date(line_key(meta_content(root, "PubDate")))
    draft.source = line_key(meta_content(root, "ContentSource")) or None
    read_furniture_metadata(list(field_blocks(root)), draft)
    body = root.find("body")
    page_key = line_key(text_of(body if body is not None else root))
    draft.published = more_precise(draft.published, parse_date(page_key, labelled_only=True))
    draft.source = draft.source or parse_source(page_key)


def meta_column_path(root: etree._Element) -> list[str]:
    """``[ColumnType, ColumnName]`` from the page's meta tags (parent column first)."""
    names = (meta_content(root, "ColumnType"), meta_content(root, "ColumnName"))
    return [line_key(n) for n in names if n]


def page_columns(root: etree._Element, profile: SiteProfile | None, title: str) -> list[str]:
    """Column path from the page's meta tags, else from its ``<title>``."""
    page_title = text_of(root.find(".//title"))
    return meta_column_path(root) or column_path_from_title(
        page_title, page_site_names(profile, page_title), title
    )


def _title_candidates(root: etree._Element, title_key: str) -> Iterator[etree._Element]:
    """Elements whose whole text the page title starts or ends with (not links)."""
    for el in root.iter(*TITLE_TAGS):
        if not _short(el, TITLE_MAX_CHARS) or _in_link(el):
            continue
        key = line_key(text_of(el))
        if len(key) >= TITLE_MIN_CHARS and "{{" not in key and (
            title_key.startswith(key) or title_key.endswith(key)
        ):
            yield el


def find_title(root: etree._Element, body: etree._Element | None, names: set[str]) -> str:
    """The article title: ``<meta name=ArticleTitle>``, else the element matching the page
    title nearest before ``body`` (the longest among equals), else ``h1``, else ``<title>``
    (its site and column segments are cut later, by ``finish``)."""
    found = meta_content(root, "ArticleTitle")
    if found:
        return found
    page_title = text_of(root.find(".//title"))
    order = {el: n for n, el in enumerate(root.iter())}
    limit = order.get(body, len(order)) if body is not None else len(order)
    candidates = [
        el for el in _title_candidates(root, line_key(page_title))
        if line_key(text_of(el)) not in names
    ]
    before = [el for el in candidates if order[el] < limit] or candidates
    if before:
        best = max(before, key=lambda el: (order[el] < limit, order[el], len(text_of(el))))
        return text_of(best)
    heading = root.find(".//h1")
    return text_of(heading) or page_title
