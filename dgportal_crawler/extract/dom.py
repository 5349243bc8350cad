"""lxml helpers: parsing decoded text, compiled selectors, element text.

Selectors come from the site profile (CSS, or XPath after ``xpath:``). Each is compiled once
per process and cached, so extracting a thousand pages compiles each selector once.
"""

from __future__ import annotations

from functools import lru_cache

from cssselect import ExpressionError, SelectorError
from lxml import etree
from parsel.csstranslator import HTMLTranslator

from dgportal_crawler.extract.errors import ExtractionError

#: Tags whose text is never page text.
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
#: Tags that start and end a paragraph (and separate words in a metadata text).
BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "table", "tbody", "thead", "tfoot", "caption", "section", "article", "blockquote", "pre",
    "center", "figure", "figcaption", "address", "header", "hr", "form", "main", "aside",
})
#: Tags whose boundaries separate words in :func:`text_of`.
BREAKING_TAGS = BLOCK_TAGS | {"tr", "td", "th", "br"}
_WALK_TAGS = SKIPPED_TAGS | BREAKING_TAGS

_HTML_PARSER_OPTIONS = {"encoding": "utf-8", "remove_comments": True, "remove_pis": True,
                        "no_network": True}


def parse_html(text: str) -> etree._Element:
    """Parse decoded HTML into an lxml tree; ExtractionError if there is no document."""
    if not text.strip():
        raise ExtractionError("empty document")
    # Explicit UTF-8 bytes: libxml2 then ignores any (possibly wrong) <meta charset>.
    data = text.encode("utf-8", errors="replace").replace(b"\x00", b"")
    parser = etree.HTMLParser(**_HTML_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractionError(f"not parseable as HTML ({exc})") from exc
    if root is None:
        raise ExtractionError("not parseable as HTML (no root element)")
    return root


@lru_cache(maxsize=256)
def compile_selector(selector: str) -> etree.XPath:
    """A profile selector (CSS, or ``xpath:…``) compiled to a relative XPath."""
    try:
        if selector.startswith("xpath:"):
            return etree.XPath(selector.removeprefix("xpath:"))
        return etree.XPath(HTMLTranslator().css_to_xpath(selector, prefix="descendant-or-self::"))
    except (SelectorError, ExpressionError, etree.XPathError) as exc:
        raise ExtractionError(f"invalid selector {selector!r} ({exc})") from exc


def select(node: etree._Element, selector: str) -> list[etree._Element]:
    """Elements matched by ``selector`` from ``node``; empty for an empty selector."""
    if not selector:
        return []
    try:
        found = compile_selector(selector)(node)
    except etree.XPathEvalError as exc:
        raise ExtractionError(f"selector {selector!r} failed ({exc})") from exc
    if not isinstance(found, list):
        return []
    return [item for item in found if isinstance(item, etree._Element)]


def select_one(node: etree._Element, selector: str) -> etree._Element | None:
    """First element matched by ``selector``, or None."""
    found = select(node, selector)
    return found[0] if found else None


def text_of(node: etree._Element | None) -> str:
    """All text under ``node`` with whitespace runs collapsed; scripts and styles skipped,
    and a space between blocks and table cells (``<td>来源：本网</td><td>发布时间…``)."""
    if node is None:
        return ""
    if len(node) == 0:  # a leaf: its own text is all there is
        return " ".join((node.text or "").split()) if isinstance(node.tag, str) else ""
    if not _needs_walk(node):
        return " ".join("".join(node.itertext()).split())  # only inline markup: all in C
    parts: list[str] = []
    skipping = 0  # depth inside skipped elements
    # comments and processing instructions come as one "comment"/"pi" event (never start/end)
    for event, el in etree.iterwalk(node, events=("start", "end", "comment", "pi")):
        tag = el.tag
        if not isinstance(tag, str):  # their own text is no page text; their tail is
            if not skipping and el.tail:
                parts.append(el.tail)
            continue
        skipped_tag = tag in SKIPPED_TAGS
        if event == "start":
            skipping += skipped_tag
            if not skipping:
                if tag in BREAKING_TAGS:
                    parts.append(" ")
                if el.text:
                    parts.append(el.text)
            continue
        skipping -= skipped_tag
        if not skipping and tag in BREAKING_TAGS:
            parts.append(" ")
        if not skipping and el is not node and el.tail:
            parts.append(el.tail)
    return " ".join("".join(parts).split())


def _needs_walk(node: etree._Element) -> bool:
    """True when the subtree holds a block, cell, script or comment (stops at the first).
    A Python loop: lxml's multi-tag iterator costs more to build than this takes to run."""
    for el in node.iterdescendants():
        tag = el.tag
        if not isinstance(tag, str) or tag in _WALK_TAGS:
            return True
    return False


def meta_content(root: etree._Element, name: str) -> str:
    """Content of ``<meta name=…>`` (name matched case-insensitively), trimmed."""
    wanted = name.lower()
    for meta in root.iter("meta"):
        if (meta.get("name") or "").strip().lower() == wanted:
            return " ".join((meta.get("content") or "").split())
    return ""


def class_tokens(el: etree._Element) -> list[str]:
    """The element's class names."""
    return (el.get("class") or "").split()


def is_attached(node: etree._Element, root: etree._Element) -> bool:
    """True while ``node`` is still in the tree under ``root`` (not inside a removed part)."""
    parent = node
    while parent is not None:
        if parent is root:
            return True
        parent = parent.getparent()
    return False


def remove_keep_tail(node: etree._Element) -> None:
    """Remove ``node`` but keep the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
