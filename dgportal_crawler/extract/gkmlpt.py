"""The disclosure platform (政府信息公开, "gkmlpt"): its list API and its detail pages. Pure.

List API (site-notes): ``/<code>/gkmlpt/api/all/<category>?page=N`` →
``{classify: {id, name, parent, post_count}, articles: [{id, identifier, title, date,
publisher, classify_main_name, url}]}``, ``date`` in epoch seconds. Detail pages render on the
client; their data sits in ``window._CONFIG = {DETAIL: {…}}``, read here as JSON. The detail
is the API's record of the post plus ``content`` (HTML) and ``source``; gov_meta comes from
its ``identifier`` (索引号), ``publisher`` (发布机构) and ``classify_main_name`` (主题分类).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from dgportal_crawler.extract.body import body_content
from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.feed import PORTAL_TZ
from dgportal_crawler.extract.lines import read_lines
from dgportal_crawler.extract.listing import ListEntry
from dgportal_crawler.extract.metadata import PubDate

#: The template name of the platform's columns in a profile (they take the API route).
GKMLPT = "gkmlpt"
_CONFIG = re.compile(r"window\._CONFIG\s*=\s*\{\s*[\"']?DETAIL[\"']?\s*:\s*")
#: gov_meta labels of the API's fields.
GOV_FIELDS = (("索引号", "identifier"), ("发布机构", "publisher"), ("主题分类", "classify_main_name"))
#: Epoch seconds beyond this are not a date (about the year 6300).
MAX_EPOCH = 2**37


@dataclass(slots=True)
class ApiPage:
    category: int | None = None
    name: str = ""
    parent: str = ""
    post_count: int = 0
    entries: list[ListEntry] = field(default_factory=list)


def parse_api(body: bytes, url: str) -> ApiPage:
    """A page of the list API; entry URLs keep only their path, joined to ``url``'s origin
    (the platform names its own pages, with the real host). ExtractionError if not the API."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExtractionError(f"not the platform's JSON ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise ExtractionError("not the platform's list API: no articles list")
    head = data.get("classify") if isinstance(data.get("classify"), dict) else {}
    page = ApiPage(_int(head.get("id")), _str(head.get("name")), _str(head.get("parent")),
                   _int(head.get("post_count")) or 0)
    for item in data["articles"]:
        if isinstance(item, dict) and isinstance(item.get("url"), str) and urlsplit(item["url"]).path:
            path = urlsplit(item["url"].strip()).path
            page.entries.append(ListEntry(urljoin(url, path), _str(item.get("title")), _day(item.get("date"))))
    return page


def read_detail(text: str, url: str) -> Draft | None:
    """A Draft from the page's ``window._CONFIG`` DETAIL, or None when the page has none."""
    found = _CONFIG.search(text)
    if found is None:
        return None
    try:
        detail, _ = json.JSONDecoder().raw_decode(text, found.end())
    except ValueError:
        return None
    if not isinstance(detail, dict) or not isinstance(detail.get("content"), str):
        return None
    draft = Draft("template", GKMLPT, title=_str(detail.get("title")))
    stamp = _int(detail.get("date"))
    if stamp is not None and 0 < stamp < MAX_EPOCH:
        local = dt.datetime.fromtimestamp(stamp, PORTAL_TZ).replace(tzinfo=None)
        draft.published = PubDate(local, "second")
    draft.source = _str(detail.get("source")) or None
    draft.gov_meta = {label: _str(detail.get(key)) for label, key in GOV_FIELDS if _str(detail.get(key))}
    content = body_content(parse_html(f"<div>{detail['content']}</div>"), url)
    read_lines(content.paragraphs, draft, trimmed=True)
    draft.images, draft.attachments = content.images, content.attachments
    return draft


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _day(value: object) -> dt.date | None:
    stamp = _int(value)
    return dt.datetime.fromtimestamp(stamp, PORTAL_TZ).date() if stamp is not None and 0 < stamp < MAX_EPOCH else None
