"""parse_list_page on both list templates, last pages, wrong hints and unknown pages."""

from __future__ import annotations

import datetime as dt

import pytest
from extract_helpers import SITE, fixture_bytes

from dgportal_crawler.extract import ExtractionError, ListEntry, parse_list_page
from dgportal_crawler.profile import SiteProfile

CZJS = SITE + "tsjh/czjs/"
SQDT = SITE + "xwzx/sqdt/"

CURRENT_ENTRIES = [
    ListEntry(CZJS + "content/post_3950150.html", "厚街镇新塘社区口袋公园建成开放", dt.date(2023, 3, 6)),
    ListEntry(CZJS + "content/post_3950123.html", "一把手访谈|寮厦：今年计划投4000万推进乡村振兴",
              dt.date(2023, 2, 27)),
    ListEntry(CZJS + "content/post_3949980.html", "厚街镇完成三条主干道路灯改造", dt.date(2023, 2, 20)),
    ListEntry(CZJS + "content/post_3949871.html", "河田社区老旧小区改造项目启动", dt.date(2023, 2, 14)),
    ListEntry(CZJS + "content/post_3949800.html", "厚街镇推进城市更新单元规划编制", dt.date(2023, 2, 9)),
]


def test_current_list(houjie: SiteProfile) -> None:
    page = parse_list_page(fixture_bytes("current/list.html"), url=CZJS + "index.html",
                           profile=houjie, template="current")
    assert page.template_matched
    assert page.entries == CURRENT_ENTRIES
    assert page.next_url == CZJS + "index_2.html"


def test_current_last_page_has_no_next(houjie: SiteProfile) -> None:
    page = parse_list_page(fixture_bytes("current/list_last.html"), url=CZJS + "index_7.html",
                           profile=houjie, template="current")
    assert [e.date for e in page.entries] == [dt.date(2021, 1, 12), dt.date(2021, 1, 5)]
    assert page.next_url is None


def test_legacy_list(houjie: SiteProfile) -> None:
    page = parse_list_page(fixture_bytes("legacy/list.html"), url=SQDT + "list.shtml",
                           profile=houjie, template="legacy")
    assert page.template_matched
    assert page.entries == [
        ListEntry(SQDT + "content/post_2870456.html", "溪头社区开展夏季防溺水安全宣传活动",
                  dt.date(2019, 5, 10)),
        ListEntry(SQDT + "content/post_2870311.html", "赤岭社区举办邻里文化节", dt.date(2019, 5, 6)),
        ListEntry(SQDT + "content/post_2870102.html", "涌口社区完成消防通道清理", dt.date(2019, 4, 28)),
    ]
    assert page.next_url == SQDT + "list_2.shtml"


def test_legacy_last_page_links_only_backwards(houjie: SiteProfile) -> None:
    page = parse_list_page(fixture_bytes("legacy/list_last.html"), url=SQDT + "list_71.shtml",
                           profile=houjie, template="legacy")
    assert len(page.entries) == 1
    assert page.next_url is None


def test_wrong_hint_tries_the_other_template(houjie: SiteProfile) -> None:
    page = parse_list_page(fixture_bytes("current/list.html"), url=CZJS + "index.html",
                           profile=houjie, template="legacy")
    assert page.template_matched
    assert page.entries == CURRENT_ENTRIES


def test_unknown_layout_finds_article_links(houjie: SiteProfile) -> None:
    body = (
        '<html><body><ul class="x"><li><a href="content/post_4000001.html">新闻一</a> 2023-05-01</li>'
        '<li><a href="/houjie/about.html">关于我们</a></li></ul>'
        '<div><a href="index_3.html">下一页</a></div></body></html>'
    ).encode()
    page = parse_list_page(body, url=CZJS + "index_2.html", profile=houjie, template="current")
    assert not page.template_matched
    assert page.entries == [ListEntry(CZJS + "content/post_4000001.html", "新闻一", dt.date(2023, 5, 1))]
    assert page.next_url == CZJS + "index_3.html"


def test_page_without_entries(houjie: SiteProfile) -> None:
    page = parse_list_page(b"<html><body><p>\xe7\xbb\xb4\xe6\x8a\xa4\xe4\xb8\xad</p></body></html>",
                           url=CZJS, profile=houjie, template="current")
    assert (page.entries, page.next_url, page.template_matched) == ([], None, False)


def test_empty_body_is_an_error(houjie: SiteProfile) -> None:
    with pytest.raises(ExtractionError, match="empty list page"):
        parse_list_page(b"", url=CZJS, profile=houjie, template="current")
