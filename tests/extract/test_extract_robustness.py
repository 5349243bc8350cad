"""Whatever the input, extraction raises nothing but ExtractionError."""

from __future__ import annotations

import contextlib

import pytest
from extract_helpers import SITE, fixture_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dgportal_crawler.extract import (
    ExtractionError,
    extract_article,
    extract_capture,
    parse_list_page,
)
from dgportal_crawler.profile import SiteProfile

URL = SITE + "tsjh/czjs/content/post_3950150.html"

_TAGS = ["div", "p", "a", "span", "table", "tr", "td", "li", "ul", "h1", "br", "img", "script",
         "ucapcontent", "ucaptitle", "publishtime", "meta", "title", "footer"]
_CLASSES = ["article", "article-content", "article-title", "article-info", "share", "footer",
            "esdNavLink", "news-list", "page", "next", "location", "con_cen", "title", "line",
            "editor", "gov-meta", "list_div", "list-right_title", "date", "related"]
_HREFS = ["content/post_1234567.html", "javascript:", "http://[x", "/a.pdf", "//x/y.doc", "#"]
_CHARSETS = ["gbk", "utf-16", "base64", "x", "utf-8"]
_TEXT = st.text(
    alphabet=st.sampled_from(list("厚街鎮发布日期来源：:，。 0123456789-/_()[]|<>&;\x00\ufeff"
                                  "版权所有分享到提示您已進入視窗區日韩欧美综合網(wǎng)站a")),
    max_size=30,
)


@st.composite
def _html(draw: st.DrawFn) -> bytes:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(st.sampled_from(_TAGS))
        attrs = ""
        if draw(st.booleans()):
            attrs += f' class="{draw(st.sampled_from(_CLASSES))}"'
        if draw(st.booleans()):
            attrs += f' href="{draw(st.sampled_from(_HREFS))}"'
        if tag == "meta":
            attrs += f' charset="{draw(st.sampled_from(_CHARSETS))}"'
        parts.append(f"<{tag}{attrs}>{draw(_TEXT)}")
        if draw(st.booleans()):
            parts.append(f"</{tag}>")
    text = "".join(parts)
    encoding = draw(st.sampled_from(["utf-8", "gb18030", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="ignore")


_INPUTS = st.one_of(st.binary(max_size=300), _html())
_HEADERS = st.one_of(
    st.none(),
    st.fixed_dictionaries({"Content-Type": st.sampled_from(
        ["text/html; charset=utf-8", "text/html; charset=gbk", "text/html; charset=bogus",
         "application/pdf", "text/html; charset="])}),
)
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(body=_INPUTS, headers=_HEADERS, template=st.sampled_from([None, "current", "legacy", "x"]))
def test_extract_article_raises_only_extraction_error(
    houjie: SiteProfile, body: bytes, headers: dict[str, str] | None, template: str | None
) -> None:
    try:
        article = extract_article(body, url=URL, profile=houjie, template=template, headers=headers)
    except ExtractionError:
        return
    assert article.text.strip()


@_SETTINGS
@given(body=_INPUTS, headers=_HEADERS, template=st.sampled_from(["current", "legacy", "x"]))
def test_parse_list_page_raises_only_extraction_error(
    houjie: SiteProfile, body: bytes, headers: dict[str, str] | None, template: str
) -> None:
    try:
        page = parse_list_page(body, url=SITE, profile=houjie, template=template, headers=headers)
    except ExtractionError:
        return
    assert all(entry.url.startswith("http") for entry in page.entries)


@_SETTINGS
@given(text=st.one_of(st.text(max_size=300), _TEXT.map(lambda t: "\n".join(t.split("|")))))
def test_extract_capture_raises_only_extraction_error(houjie: SiteProfile, text: str) -> None:
    with contextlib.suppress(ExtractionError):
        extract_capture(text, profile=houjie)


@pytest.mark.parametrize(
    "body",
    [
        b"<div>" * 100_000 + "厚街镇新闻正文。".encode() + b"</div>" * 100_000,
        b"<span>" * 50_000 + "厚街镇新闻正文。".encode(),
        b'<div class="article-content">' * 5_000 + "正文。".encode(),
        b"<table>" + b"<tr><td>" * 20_000,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
        b"\xff\xfe" + b"\x00<\x00p\x00>" * 10,
        b"<?xml version='1.0' encoding='gbk'?><html><body><p>x</p></body></html>",
    ],
    ids=["deep-divs", "deep-spans", "deep-bodies", "open-cells", "pdf", "png", "utf16-junk", "xml"],
)
def test_pathological_pages(houjie: SiteProfile, body: bytes) -> None:
    for call in (
        lambda: extract_article(body, url=URL, profile=houjie),
        lambda: parse_list_page(body, url=SITE, profile=houjie, template="current"),
        lambda: extract_capture(body.decode("latin-1"), profile=houjie),
    ):
        with contextlib.suppress(ExtractionError):
            call()


def test_truncated_fixture_pages(houjie: SiteProfile) -> None:
    page = fixture_bytes("rendered/article_capture.html")
    for cut in range(0, len(page), max(1, len(page) // 40)):
        with contextlib.suppress(ExtractionError):
            extract_article(page[:cut], url=URL, profile=houjie)
