"""Pure readings of one fetched page for discovery: links of the navigation, whether a page
is a column list (and on which template), its breadcrumb, its feed id. No I/O."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from dgportal_crawler.extract.decode import decode_html
from dgportal_crawler.extract.dom import meta_content, parse_html, select_one, text_of
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.listing import parse_list_page
from dgportal_crawler.extract.urls import link_url, without_fragment
from dgportal_crawler.profile import SiteProfile, TemplateSelectors

#: Article URLs of the platform: ``…/content/post_<id>.html`` on town sites,
#: ``…/gkmlpt/content/<a>/<b>/post_<id>.html`` on the disclosure platform.
ARTICLE_ID_PATTERN = r"/post_(?P<id>\d+)\.html$"
#: Links that are files, never column lists.
_FILE = re.compile(r"\.(?:jpe?g|png|gif|pdf|docx?|xlsx?|zip|rar|css|js|json|xml)$", re.I)
#: The platform's category id in a page's script (site-notes: NFCMS_CAT_ID on article pages).
_CAT_ID = re.compile(r"NFCMS_CAT_ID\s*=\s*[\"']?([0-9]+)")
_FEED_REF = re.compile(r"/postmeta/i/([0-9]+)\.json")
#: Breadcrumb separators, and the crumbs that are the portal's, not the column's.
_CRUMB_SPLIT = re.compile(r"\s*[/>＞›»]\s*")
_CRUMB_LABEL = re.compile(r"^[^：:]*(?:位置|位置是)[：:]\s*")
PORTAL_CRUMBS = frozenset({"首页", "街镇", "镇街", "镇街园区"})


@dataclass(frozen=True, slots=True)
class ListReading:
    template: str  # the catalogue template whose selectors found entries; "" = none
    entries: int
    newest: dt.date | None
    linked_articles: int  # article-shaped links when no template matched


def stub_profile(site: str, base_url: str, templates: Mapping[str, TemplateSelectors]) -> SiteProfile:
    """A profile with no columns, to read pages with ``extract`` before one exists."""
    return SiteProfile(
        source="discover", name=site, display_name="", base_url=base_url, timezone="Asia/Shanghai",
        article_id_pattern=re.compile(ARTICLE_ID_PATTERN), title_suffixes=(), columns=(),
        templates=dict(templates),
    )


def page_root(body: bytes, headers: Mapping[str, str] | None = None):
    return parse_html(decode_html(body, headers).text)


def nav_links(body: bytes, url: str, base_url: str, profile: SiteProfile) -> dict[str, str]:
    """Links on the page to folders or list pages under ``base_url`` (article pages, files and
    other sites left out): absolute URL → link text, in page order."""
    try:
        root = page_root(body)
    except ExtractionError:
        return {}
    out: dict[str, str] = {}
    for link in root.iter("a"):
        href = link_url(link.get("href"), url)
        if not href:
            continue
        href = without_fragment(href)
        path = urlsplit(href).path
        if (not href.startswith(base_url) or href == base_url or profile.post_id(href) is not None
                or _FILE.search(path) or urlsplit(href).query):
            continue
        out.setdefault(href, text_of(link).strip())
    return out


def read_list(body: bytes, url: str, profile: SiteProfile) -> ListReading:
    """Try each template of the catalogue alone: the first whose selectors find entries."""
    for name, sel in profile.templates.items():
        one = replace(profile, templates={name: sel})
        page = parse_list_page(body, url=url, profile=one, template=name)
        if page.template_matched:
            dates = [e.date for e in page.entries if e.date]
            return ListReading(name, len(page.entries), max(dates, default=None), 0)
    page = parse_list_page(body, url=url, profile=profile, template="")
    return ListReading("", 0, None, len(page.entries))


def site_name(body: bytes) -> str:
    """The site's name from the home page's ``<title>`` (its last ``_`` part) or SiteName."""
    try:
        root = page_root(body)
    except ExtractionError:
        return ""
    title = text_of(select_one(root, "title")).strip()
    return meta_content(root, "SiteName") or title.rsplit("_", 1)[-1].strip()


def column_names(body: bytes, profile: SiteProfile, template: str, site: str) -> tuple[str, str]:
    """(parent, name) of a list page from its breadcrumb (the crumbs after the portal's and the
    site's own), else from its ColumnType/ColumnName meta tags; ("", "") when neither says."""
    try:
        root = page_root(body)
    except ExtractionError:
        return "", ""
    sel = profile.templates.get(template)
    crumb = text_of(select_one(root, sel.breadcrumb)) if sel is not None and sel.breadcrumb else ""
    parts = [p for p in _CRUMB_SPLIT.split(_CRUMB_LABEL.sub("", crumb.strip())) if p]
    parts = [p for p in parts if p not in PORTAL_CRUMBS and p != site]
    if parts:
        return (parts[-2] if len(parts) > 1 else ""), parts[-1]
    return meta_content(root, "ColumnType"), meta_content(root, "ColumnName")


def category_id(body: bytes) -> int | None:
    """The platform's category id named in the page's scripts, if any."""
    match = _CAT_ID.search(body.decode("utf-8", errors="replace"))
    return int(match.group(1)) if match else None


def feed_refs(body: bytes) -> list[int]:
    """Feed ids a page's scripts load (``/postmeta/i/<id>.json``: a block filled in the
    browser, like a home page's 专题专栏), in page order, once each."""
    found = _FEED_REF.findall(body.decode("utf-8", errors="replace"))
    return list(dict.fromkeys(int(n) for n in found))


def folder_of(url: str) -> str:
    """The column folder of a list URL: ``…/zwgk/tzgg/index.html`` → ``…/zwgk/tzgg/``."""
    head, _, last = url.rpartition("/")
    if not last:
        return url
    return head + "/" if "." in last else url + "/"
