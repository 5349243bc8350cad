"""Fallback extraction, for pages no template of the profile matches.

trafilatura finds the main text of the page (after our DOM furniture rules ran on it); our
line rules then clean its lines. Title, date and source come from meta tags, ``<title>`` and
regexes on the page text; images and attachments from the block holding trafilatura's text.
"""

from __future__ import annotations

import copy
import re
from configparser import ConfigParser
from functools import lru_cache

from lxml import etree

from dgportal_crawler.extract.body import BodyContent, body_content
from dgportal_crawler.extract.boilerplate import line_key, match_line
from dgportal_crawler.extract.dom import meta_content, remove_keep_tail, text_of
from dgportal_crawler.extract.domclean import clean_dom
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.lines import read_furniture_metadata, read_lines
from dgportal_crawler.extract.metadata import (
    column_path_from_title,
    parse_date,
    parse_gov_meta,
    parse_source,
)
from dgportal_crawler.extract.templates import meta_column_path, site_names
from dgportal_crawler.profile import SiteProfile

#: Shortest text trafilatura may return. Its default (250 characters) is tuned for
#: alphabetic languages and drops short Chinese notices.
MIN_EXTRACTED_CHARS = 20
#: Where to look for an opening ``<html>``/``<body>`` tag; without one the input is a fragment.
DOCUMENT_TAG_SCAN_CHARS = 2048

#: Share of trafilatura's lines that must be paragraphs of the main block for the block to
#: be read instead of trafilatura's text.
FALLBACK_AGREEMENT = 0.8

_DOCUMENT_TAG = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
#: Labelled cells that make a table a government-information table.
GOV_META_MIN_LABELS = 2

_TABLE_ROW = re.compile(r"^\|(?P<cells>.*)\|$")
_LIST_MARKERS = ("- ", "* ", "• ")


@lru_cache(maxsize=1)
def _config() -> ConfigParser:
    """trafilatura's defaults with our thresholds, built on first use."""
    from trafilatura.settings import DEFAULT_CONFIG

    config = copy.deepcopy(DEFAULT_CONFIG)
    config["DEFAULT"]["MIN_EXTRACTED_SIZE"] = str(MIN_EXTRACTED_CHARS)
    config["DEFAULT"]["MIN_OUTPUT_SIZE"] = "1"
    config["DEFAULT"]["EXTRACTION_TIMEOUT"] = "0"  # no signal-based timeout inside a crawl
    return config


def _trafilatura(html: str) -> str | None:
    import trafilatura  # imported here: only the fallback needs it, and it loads slowly

    try:
        return trafilatura.extract(
            html, config=_config(), include_comments=False, include_tables=True,
            include_images=False, favor_recall=True, deduplicate=False,
        )
    except RecursionError:  # pathological nesting; the caller falls back to our own walk
        return None


def run_trafilatura(html: str) -> str | None:
    """trafilatura's text of ``html``; a fragment it rejects is retried wrapped in a document."""
    text = _trafilatura(html)
    if not text and not _DOCUMENT_TAG.search(html[:DOCUMENT_TAG_SCAN_CHARS]):
        text = _trafilatura(f"<html><body>{html}</body></html>")
    return text or None


def main_block(root: etree._Element, lines: list[str]) -> etree._Element | None:
    """The article body of a page whose classes say nothing: the element whose direct ``<p>``
    children repeat most of trafilatura's ``lines``, then hold the most text."""
    wanted = {line_key(line) for line in lines}
    scores: dict[etree._Element, tuple[int, int]] = {}
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is None:
            continue
        text = text_of(p)
        hits, size = scores.get(parent, (0, 0))
        scores[parent] = (hits + (line_key(text) in wanted), size + len(text))
    return max(scores, key=scores.__getitem__) if scores else None


def _from_trafilatura(line: str) -> str:
    """trafilatura's text line in our paragraph form: table rows ``| a | b |`` become cells
    joined by tabs, list items lose their ``- `` marker."""
    stripped = line.strip()
    match = _TABLE_ROW.match(stripped)
    if match:
        return "\t".join(cell.strip() for cell in match.group("cells").split("|"))
    return stripped[2:] if stripped.startswith(_LIST_MARKERS) else line


def _take_gov_meta(root: etree._Element, draft: Draft) -> None:
    """A government-information table (索引号, 发布机构 …) is metadata, not body text: read
    it into ``gov_meta`` and take it out of the page."""
    for table in root.iter("table"):
        meta = parse_gov_meta([text_of(c) for c in table.iter("td", "th")])
        if len(meta) >= GOV_META_MIN_LABELS:
            draft.gov_meta = meta
            remove_keep_tail(table)
            return


def read_fallback(
    root: etree._Element, url: str, profile: SiteProfile | None, reason: str
) -> Draft:
    """A Draft read without templates."""
    draft = Draft("fallback", None, warnings=[reason])
    _read_metadata(root, draft, profile)
    _take_gov_meta(root, draft)
    clean_dom(root, draft.removed)
    text = run_trafilatura(etree.tostring(root, encoding="unicode", method="html"))
    lines = [_from_trafilatura(line) for line in text.splitlines()] if text else []
    block = main_block(root, lines)
    content = body_content(block, url) if block is not None else BodyContent()
    draft.images, draft.attachments = content.images, content.attachments
    if not text:
        draft.warnings.append("trafilatura found no text; used the paragraphs of the main block")
        lines = content.paragraphs
    title_key = line_key(draft.title)
    lines = [line for line in lines if line_key(line) != title_key]
    if text and _agrees(lines, content.paragraphs):
        # trafilatura found the same text as the main block: read the block itself, with the
        # template body mapping (headings, table cells and attachment lines kept).
        read_furniture_metadata(lines, draft)
        lines = content.paragraphs
        draft.warnings.append("read the main block, which trafilatura's text agrees with")
    else:
        lines += _missing_attachment_lines(lines, content)
    read_lines(lines, draft)
    return draft


def _agrees(lines: list[str], paragraphs: list[str]) -> bool:
    """True when nearly all of trafilatura's content lines are paragraphs of the block."""
    wanted = [key for key in map(line_key, lines) if key and match_line(key) is None]
    have = {line_key(p) for p in paragraphs}
    found = sum(key in have for key in wanted)
    return bool(wanted) and found >= FALLBACK_AGREEMENT * len(wanted)


def _missing_attachment_lines(lines: list[str], content: BodyContent) -> list[str]:
    """The block's ``附件：name.pdf`` paragraphs trafilatura dropped (it drops link-only
    paragraphs); they are content, so they are put back at the end, where they stand."""
    have = {line_key(line) for line in lines}
    names = [a.name for a in content.attachments if a.name]
    return [
        p for p in content.paragraphs
        if line_key(p) not in have and any(name in p for name in names)
    ]


def _read_metadata(root: etree._Element, draft: Draft, profile: SiteProfile | None) -> None:
    """Title, date, source and columns from meta tags, headings, ``<title>`` and text."""
    page_title = text_of(root.find(".//title"))
    heading = root.find(".//h1")
    draft.title = meta_content(root, "ArticleTitle") or text_of(heading) or page_title
    body = root.find("body")
    page_key = line_key(text_of(body if body is not None else root))
    draft.published = parse_date(line_key(meta_content(root, "PubDate"))) or parse_date(
        page_key, labelled_only=True
    )
    draft.source = line_key(meta_content(root, "ContentSource")) or parse_source(page_key)
    names = site_names(profile) or {line_key(page_title.split("_")[-1])}
    draft.column_path = meta_column_path(root) or column_path_from_title(
        page_title, names, draft.title
    )
