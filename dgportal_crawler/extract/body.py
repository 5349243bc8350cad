"""Article body element → paragraphs, images and attachments (docs/templates.md mapping).

* every block (``p``, ``h1``–``h6``, ``li``, ``div`` …) and every ``<br>`` ends a paragraph;
  inline elements (``strong``, ``span``, ``a`` …) stay inside it;
* a table row is one paragraph: its cells' texts joined by a tab;
* ``img`` → :class:`Image` (absolute URL, alt); ``a.nfw-cms-attachment`` or a link to a
  document file → :class:`Attachment` (absolute URL, link text). Their text stays in place.

The walk is iterative (``etree.iterwalk``), so deeply nested pages cannot exhaust the stack,
and tags are handled through a dispatch table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from dgportal_crawler.extract.dom import BLOCK_TAGS, SKIPPED_TAGS, class_tokens, text_of
from dgportal_crawler.extract.normalise import normalise_whitespace
from dgportal_crawler.extract.urls import absolute_url, link_url
from dgportal_crawler.items import Attachment, Image

#: File types of attachment links.
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".wps",
                         ".ppt", ".pptx", ".ofd", ".7z")
ATTACHMENT_CLASS = "nfw-cms-attachment"


@dataclass(slots=True)
class BodyContent:
    """What a body holds, in reading order; paragraphs are whitespace-normalised."""

    paragraphs: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(slots=True)
class _Walk:
    base_url: str
    out: BodyContent = field(default_factory=BodyContent)
    buffer: list[str] = field(default_factory=list)
    skip_until: etree._Element | None = None  # subtree already handled (row) or skipped

    def flush(self) -> None:
        if not self.buffer:
            return
        text = normalise_whitespace("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.out.paragraphs.append(text)


def _on_block(walk: _Walk, el: etree._Element) -> None:
    walk.flush()
    if el.text:
        walk.buffer.append(el.text)


def _on_break(walk: _Walk, el: etree._Element) -> None:
    walk.flush()


def _on_inline(walk: _Walk, el: etree._Element) -> None:
    if el.text:
        walk.buffer.append(el.text)


def _on_skipped(walk: _Walk, el: etree._Element) -> None:
    walk.skip_until = el


def _on_image(walk: _Walk, el: etree._Element) -> None:
    image = image_of(el, walk.base_url)
    if image:
        walk.out.images.append(image)


def _on_link(walk: _Walk, el: etree._Element) -> None:
    attachment = attachment_of(el, walk.base_url)
    if attachment:
        walk.out.attachments.append(attachment)
    if el.text:
        walk.buffer.append(el.text)


def _on_row(walk: _Walk, el: etree._Element) -> None:
    """One paragraph per row, cells joined by a tab; the row's subtree is then skipped."""
    walk.flush()
    cells = [normalise_whitespace(text_of(c)) for c in el if c.tag in ("td", "th")]
    if any(cells):
        walk.out.paragraphs.append("\t".join(cells))
    for img in el.iter("img"):
        _on_image(walk, img)
    for link in el.iter("a"):
        attachment = attachment_of(link, walk.base_url)
        if attachment:
            walk.out.attachments.append(attachment)
    walk.skip_until = el


_START: dict[str, Callable[[_Walk, etree._Element], None]] = {
    **dict.fromkeys(BLOCK_TAGS, _on_block),
    **dict.fromkeys(SKIPPED_TAGS, _on_skipped),
    "br": _on_break,
    "img": _on_image,
    "a": _on_link,
    "tr": _on_row,
}


def body_content(body: etree._Element, base_url: str) -> BodyContent:
    """Paragraphs, images and attachments of a body element."""
    walk = _Walk(base_url)
    # comments and processing instructions come as one "comment"/"pi" event, never as
    # start/end: without these events their tails (page text) would be lost
    for event, el in etree.iterwalk(body, events=("start", "end", "comment", "pi")):
        if walk.skip_until is not None:
            if event == "end" and el is walk.skip_until:
                walk.skip_until = None
                _end(walk, el, body)
            continue
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.tail:
                walk.buffer.append(el.tail)
            continue
        if event == "start":
            _START.get(el.tag, _on_inline)(walk, el)
        else:
            _end(walk, el, body)
    walk.flush()
    return walk.out


def _end(walk: _Walk, el: etree._Element, body: etree._Element) -> None:
    if el.tag in BLOCK_TAGS or el.tag == "tr":
        walk.flush()
    if el is not body and el.tail:
        walk.buffer.append(el.tail)


def image_of(img: etree._Element, base_url: str) -> Image | None:
    """The image of an ``img`` element (lazy-loading ``data-src`` too); None without a URL."""
    src = (img.get("src") or img.get("data-src") or img.get("original") or "").strip()
    url = absolute_url(base_url, src) if src and not src.startswith("data:") else None
    return Image(url=url, alt=normalise_whitespace(img.get("alt") or "")) if url else None


def attachment_of(link: etree._Element, base_url: str) -> Attachment | None:
    """The attachment a link points to, or None for an ordinary link."""
    url = link_url(link.get("href"), base_url)
    if url is None:
        return None
    path = urlsplit(url).path.lower()
    if ATTACHMENT_CLASS not in class_tokens(link) and not path.endswith(ATTACHMENT_EXTENSIONS):
        return None
    return Attachment(url=url, name=text_of(link))

