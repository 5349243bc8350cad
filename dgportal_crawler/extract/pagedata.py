"""Article data a page carries in a script: the disclosure platform's ``window._CONFIG``.

Detail pages of the government information disclosure platform (``/<code>/gkmlpt/content/…``)
put the article in ``window._CONFIG = {…, DETAIL: {…}}`` (site-notes: **seen**). Some pages
render it into the HTML as well; others serve only ``{{ detail.title }}`` placeholders and
leave the rendering to the browser. The fallback reads this object to fill what the visible
page lacks. Field names beyond ``title`` and ``content`` vary, so several are tried.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from lxml import etree

from dgportal_crawler.extract.body import body_content
from dgportal_crawler.extract.boilerplate import line_key
from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.lines import read_lines
from dgportal_crawler.extract.metadata import PubDate, parse_date

_DETAIL = re.compile(r"\bDETAIL\s*:\s*\{")
#: DETAIL keys of the publication time, most specific first (``date`` may be the written date).
DATE_KEYS = ("display_publish_time", "publish_time", "publish_date", "pub_date", "created_at",
             "release_time", "date")
SOURCE_KEYS = ("source", "content_source", "origin")
#: Epoch values above this are milliseconds.
EPOCH_MS_FROM = 10**11
_BEIJING = timezone(timedelta(hours=8))


def _balanced(text: str, start: int) -> str | None:
    """The ``{…}`` object opening at ``start``, strings and escapes respected."""
    depth, quote, escaped = 0, "", False
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    return None


def config_detail(root: etree._Element) -> dict[str, object] | None:
    """The ``DETAIL`` object of a ``window._CONFIG`` script, or None."""
    for script in root.iter("script"):
        text = script.text or ""
        match = _DETAIL.search(text) if "_CONFIG" in text else None
        body = _balanced(text, match.end() - 1) if match else None
        if body is None:
            continue
        try:
            detail = json.loads(body)
        except ValueError:
            continue
        if isinstance(detail, dict):
            return detail
    return None


def _text(detail: dict[str, object], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = detail.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def detail_date(detail: dict[str, object]) -> PubDate | None:
    """The publication time: a date string as written, or epoch seconds/milliseconds
    (Beijing time; day precision at midnight, else to the second)."""
    for key in DATE_KEYS:
        value = detail.get(key)
        if isinstance(value, str) and (found := parse_date(line_key(value))):
            return found
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            seconds = value / 1000 if value >= EPOCH_MS_FROM else value
            moment = datetime.fromtimestamp(seconds, _BEIJING).replace(tzinfo=None)
            midnight = moment.time() == datetime.min.time()
            return PubDate(moment, "day" if midnight else "second")
    return None


def detail_title(detail: dict[str, object]) -> str:
    return _text(detail, ("title",))


def detail_source(detail: dict[str, object]) -> str:
    return line_key(_text(detail, SOURCE_KEYS))


def detail_content(detail: dict[str, object]) -> str:
    """The article body as HTML (may be empty)."""
    return _text(detail, ("content", "body"))


def fill_from_detail(draft: Draft, detail: dict[str, object], url: str) -> None:
    """A page served as an unrendered template (placeholders, or no text at all) shows what
    its ``window._CONFIG.DETAIL`` holds once a browser renders it: read the article from
    there. A rendered page already shows it (and shows no 来源 when it has none)."""
    if draft.paragraphs and not draft.removed["template_placeholder"]:
        return
    draft.title = draft.title if draft.title and "{{" not in draft.title else detail_title(detail)
    draft.published = draft.published or detail_date(detail)
    draft.source = draft.source or detail_source(detail) or None
    html = detail_content(detail)
    if not html:
        return
    draft.paragraphs = []  # the visible lines are the template's chrome
    content = body_content(parse_html(f"<html><body><div>{html}</div></body></html>").find("body"), url)
    draft.images, draft.attachments = content.images, content.attachments
    read_lines(content.paragraphs, draft, trimmed=True)
    draft.warnings.append("body from the page's window._CONFIG.DETAIL (client-rendered page)")
