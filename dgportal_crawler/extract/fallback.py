"""Fallback extraction, for pages no template of the profile matches.

trafilatura finds the main text of the page (after our DOM furniture rules ran on it); the
blocks of the page holding that text are read (a body split into parts too) and our line
rules clean their lines. Title and metadata: ``pagemeta``; a client-rendered page's data:
``pagedata``.
"""

from __future__ import annotations

import copy
import re
from configparser import ConfigParser
from functools import lru_cache

from lxml import etree

from dgportal_crawler.extract.body import BodyContent, body_content
from dgportal_crawler.extract.boilerplate import line_key
from dgportal_crawler.extract.dom import BLOCK_TAGS, meta_content, remove_keep_tail, text_of
from dgportal_crawler.extract.domclean import clean_dom
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.lines import content_keys, read_furniture_metadata, read_lines
from dgportal_crawler.extract.metadata import parse_gov_meta
from dgportal_crawler.extract.pagedata import config_detail, fill_from_detail
from dgportal_crawler.extract.pagemeta import (
    TITLE_MIN_CHARS,
    find_title,
    page_columns,
    read_page_metadata,
)
from dgportal_crawler.extract.sitenames import title_strip_names
from dgportal_crawler.profile import SiteProfile

#: Shortest text trafilatura may return. Its default (250 characters) is tuned for
#: alphabetic languages and drops short Chinese notices.
MIN_EXTRACTED_CHARS = 20
#: Where to look for an opening ``<html>``/``<body>`` tag; without one the input is a fragment.
DOCUMENT_TAG_SCAN_CHARS = 2048

#: Share of trafilatura's content text the main blocks' paragraphs must make up for the
#: blocks to be read instead of trafilatura's text.
FALLBACK_AGREEMENT = 0.8

_DOCUMENT_TAG = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
#: Labelled cells that make a table a government-information table.
GOV_META_MIN_LABELS = 2

#: Share of all matched paragraphs an ancestor of the best block must hold itself to be read
#: instead (a body whose paragraphs sit both in it and in a nested editor block).
ANCESTOR_SHARE = 0.2
ANCESTOR_MIN_HITS = 2
#: Shortest paragraph matched as a part of one of trafilatura's lines (a shorter one, such as
#: 首页, would be found anywhere).
SUBSTRING_MIN_CHARS = 10
_PARAGRAPH_TAGS = ("p", "div", "li", "h2", "h3", "h4", "h5", "h6", "section", "dd")
_WRAPPER_TAGS = frozenset({"ul", "ol", "li", "table", "tbody", "thead", "tr", "td", "th",
                           "strong", "b", "span", "font", "em", "a", "center"})
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


def _paragraph_like(el: etree._Element) -> bool:
    """A ``<p>``, or an innermost block (a ``<div>`` used as a paragraph, a heading, an item)."""
    if el.tag == "p":
        return True
    return not any(child.tag in BLOCK_TAGS for child in el.iterchildren(etree.Element))


def _owner(el: etree._Element) -> etree._Element | None:
    """The block a paragraph belongs to: its parent, above list and table wrappers."""
    parent = el.getparent()
    while parent is not None and parent.tag in _WRAPPER_TAGS:
        parent = parent.getparent()
    return parent


def _scores(
    root: etree._Element, lines: list[str], title_key: str
) -> dict[etree._Element, tuple[int, int]]:
    """Per block: how many of its paragraphs are among trafilatura's content ``lines``, and
    its text. Furniture and the title do not count: an info line or a heading next to the
    body does not make their container the body."""
    wanted = {key for key in content_keys(lines) if not _could_be_title(key, title_key)}
    found = _Found(wanted)
    scores: dict[etree._Element, tuple[int, int]] = {}
    for el in root.iter(*_PARAGRAPH_TAGS):
        if not _paragraph_like(el):
            continue
        owner = _owner(el)
        if owner is None:
            continue
        text = text_of(el)
        hits, size = scores.get(owner, (0, 0))
        scores[owner] = (hits + found(line_key(text)), size + len(text))
    return scores


class _Found:
    """Whether a paragraph is in trafilatura's text: one of its lines, or (long enough to
    be telling) part of one, since layout tables make it run several paragraphs together."""

    def __init__(self, keys: set[str] | list[str]) -> None:
        self.keys = set(keys)
        self.text = "\n".join(self.keys)

    def __call__(self, key: str) -> bool:
        return key in self.keys or (len(key) >= SUBSTRING_MIN_CHARS and key in self.text)


def _could_be_title(key: str, title_key: str) -> bool:
    return len(key) >= TITLE_MIN_CHARS and (title_key.startswith(key) or title_key.endswith(key))


def main_blocks(root: etree._Element, lines: list[str], title_key: str = "") -> list[etree._Element]:
    """The article body of a page whose classes say nothing, as blocks in document order:
    the block whose paragraphs repeat most of trafilatura's ``lines`` (then holding the most
    text), raised to an ancestor holding a good share of them too, with the run of sibling
    blocks of the same tag and class around it (a body split into several parts).
    ``title_key``: the page title, whose lines do not count."""
    scores = _scores(root, lines, title_key)
    if not scores:
        return []
    best = max(scores, key=scores.__getitem__)
    total = sum(hits for hits, _ in scores.values())
    for ancestor in best.iterancestors():
        hits = scores.get(ancestor, (0, 0))[0]
        if hits >= ANCESTOR_MIN_HITS and hits >= ANCESTOR_SHARE * total:
            best = ancestor
    return _sibling_run(best, scores) if total else [best]


def _sibling_run(
    best: etree._Element, scores: dict[etree._Element, tuple[int, int]]
) -> list[etree._Element]:
    """``best`` with the unbroken run of siblings of its tag and class around it: the parts
    of a split body, whose short last part (attachments, signature) may hold nothing
    trafilatura kept. Siblings without a class must hold a matched paragraph or an image,
    since plain ``<div>``s side by side are as often body and footer as two body parts."""
    classed = best.get("class") is not None

    def part(el: etree._Element | None) -> bool:
        if el is None or el.tag != best.tag or el.get("class") != best.get("class"):
            return False
        return classed or el.find(".//img") is not None or any(
            scores.get(d, (0, 0))[0] for d in el.iter(etree.Element)
        )

    before = []
    el = best.getprevious()
    while part(el):
        before.append(el)
        el = el.getprevious()
    after = []
    el = best.getnext()
    while part(el):
        after.append(el)
        el = el.getnext()
    return [*reversed(before), best, *after]


def blocks_content(blocks: list[etree._Element], url: str) -> BodyContent:
    """Paragraphs, images and attachments of several blocks, in order."""
    out = BodyContent()
    for block in blocks:
        part = body_content(block, url)
        out.paragraphs += part.paragraphs
        out.images += part.images
        out.attachments += part.attachments
    return out


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
    read_page_metadata(root, draft)
    detail = config_detail(root)
    _take_gov_meta(root, draft)
    clean_dom(root, draft.removed)
    text = run_trafilatura(etree.tostring(root, encoding="unicode", method="html"))
    lines = [_from_trafilatura(line) for line in text.splitlines()] if text else []
    page_title = meta_content(root, "ArticleTitle") or text_of(root.find(".//title"))
    blocks = main_blocks(root, lines, line_key(page_title))
    content = blocks_content(blocks, url)
    draft.images, draft.attachments = content.images, content.attachments
    draft.title = find_title(root, blocks[0] if blocks else None, title_strip_names(profile, []))
    draft.column_path = page_columns(root, profile, draft.title)
    if not text:
        draft.warnings.append("trafilatura found no text; used the paragraphs of the main block")
        lines = content.paragraphs
    title_key = line_key(draft.title)
    lines = [line for line in lines if line_key(line) != title_key]
    agreed = bool(text) and _agrees(lines, content.paragraphs)
    if agreed:
        # trafilatura found the same text as the main blocks: read the blocks themselves, with
        # the template body mapping (headings, table cells and attachment lines kept).
        read_furniture_metadata(lines, draft)
        lines = [p for p in content.paragraphs if line_key(p) != title_key]
        draft.warnings.append("read the main block, which trafilatura's text agrees with")
    else:
        lines += _missing_attachment_lines(lines, content)
    read_lines(lines, draft, footer_runs=not agreed)  # a whole page's lines: its footer too
    if detail is not None:
        fill_from_detail(draft, detail, url)
    return draft


def _agrees(lines: list[str], paragraphs: list[str]) -> bool:
    """True when the blocks' paragraphs make up nearly all of trafilatura's content text."""
    wanted = [key for key in content_keys(lines) if key]
    found = _Found(wanted)
    covered = sum(len(key) for key in {line_key(p) for p in paragraphs} if key and found(key))
    return bool(wanted) and covered >= FALLBACK_AGREEMENT * sum(map(len, wanted))


def _missing_attachment_lines(lines: list[str], content: BodyContent) -> list[str]:
    """The block's ``附件：name.pdf`` paragraphs trafilatura dropped (it drops link-only
    paragraphs); they are content, so they are put back at the end, where they stand."""
    have = {line_key(line) for line in lines}
    names = [a.name for a in content.attachments if a.name]
    return [
        p for p in content.paragraphs
        if line_key(p) not in have and any(name in p for name in names)
    ]
