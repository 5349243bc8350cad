"""extract/templates.py: one template's selectors → a Draft, furniture removed in the article
scope only, and what the selectors miss read from the page."""

from __future__ import annotations

from datetime import datetime

import pytest
from extract_helpers import SITE, fixture_bytes
from lxml import etree

from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.metadata import PubDate
from dgportal_crawler.extract.templates import article_scope, read_template, template_order
from dgportal_crawler.profile import SiteProfile

URL = SITE + "tsjh/czjs/content/post_3950150.html"


def _read(houjie: SiteProfile, html: str) -> tuple[etree._Element, Draft | None]:
    root = parse_html(html)
    return root, read_template(root, houjie.templates["current"], URL, houjie)


def _draft(houjie: SiteProfile, html: str) -> tuple[etree._Element, Draft]:
    root, draft = _read(houjie, html)
    assert draft is not None
    return root, draft


@pytest.mark.parametrize(
    ("hint", "order"),
    [("legacy", ["legacy", "current"]), ("current", ["current", "legacy"]), (None, ["current", "legacy"]),
     ("nope", ["current", "legacy"])],
)
def test_template_order(houjie: SiteProfile, hint: str | None, order: list[str]) -> None:
    assert [t.name for t in template_order(houjie, hint)] == order


@pytest.mark.parametrize(
    ("html", "title_id", "scope_id"),
    [
        ('<div id="s"><h1 id="t">题</h1><div id="b">文</div></div>', "t", "s"),  # siblings: their parent
        ('<div id="s"><div id="h"><h1 id="t">题</h1></div><div id="w"><div id="b">文</div></div></div>', "t", "s"),
        ('<div id="s"><div id="b">文</div></div>', None, "s"),  # no title: the body's parent
        ('<div id="s"><div id="b"><h1 id="t">题</h1>文</div></div>', "t", "s"),  # title inside the body
    ],
)
def test_article_scope(html: str, title_id: str | None, scope_id: str) -> None:
    root = parse_html(f"<html><body>{html}</body></html>")
    title = root.find(f".//*[@id='{title_id}']") if title_id else None
    assert article_scope(root.find(".//*[@id='b']"), title).get("id") == scope_id


def test_article_scope_of_a_lone_body_is_itself() -> None:
    body = etree.Element("div")
    assert article_scope(body, None) is body


@pytest.mark.parametrize(
    "content",
    ["", '<div class="other">正文。</div>', '<div class="article-content">  \n </div>'],
)
def test_read_template_without_a_body_is_none(houjie: SiteProfile, content: str) -> None:
    _, draft = _read(houjie, f'<html><body><h1 class="article-title">题</h1>{content}</body></html>')
    assert draft is None


def test_a_body_of_only_an_image_is_a_body(houjie: SiteProfile) -> None:
    _, draft = _draft(houjie, '<html><body><div class="article-content"><img src="/a.jpg"></div></body></html>')
    assert draft is not None
    assert draft.paragraphs == []
    assert [i.url for i in draft.images] == ["https://www.dg.gov.cn/a.jpg"]


def test_read_template_of_the_current_fixture(houjie: SiteProfile) -> None:
    root, draft = _draft(houjie, fixture_bytes("current/article_news.html").decode("utf-8"))
    assert draft.method == "template"
    assert draft.template == "current"
    assert draft.title == "厚街镇新塘社区口袋公园建成开放"
    assert draft.published == PubDate(datetime(2023, 3, 6, 16, 20), "minute")
    assert draft.source == "厚街镇城建办"
    assert draft.people == {"author": "陈晓婷", "editor": "梁志明", "reviewer": "黄伟"}
    assert draft.column_path == ["图说厚街", "城镇建设"]
    assert draft.removed == {"share_bar": 1, "font_size": 3, "print_close": 2, "editor_line": 1,
                             "related_list": 1, "prev_next": 1, "image_filename": 1}
    assert draft.warnings == []
    # the page around the article scope is neither read for furniture nor cleaned
    assert root.find(".//div[@class='footer']") is not None
    assert root.find(".//div[@class='top-bar']") is not None


def test_toolbar_anchors_are_removed_before_title_and_breadcrumb_are_read(houjie: SiteProfile) -> None:
    _, draft = _draft(houjie, (
        '<html><body><div class="location">您当前的位置：<a href="/houjie/">中国东莞厚街镇栏目</a>'
        '<a class="esdNavLink">提示:您已离开导航区1</a> / <a>图说厚街</a> / <a>城镇建设</a></div>'
        '<div class="article"><h1 class="article-title">口袋公园<a class="esdNavLink">提示:您已进入视窗区1</a>'
        '建成开放</h1><div class="article-info">发布日期：2023-03-06　来源：本网</div>'
        '<div class="article-content"><p>正文。</p></div></div></body></html>'
    ))
    assert draft.title == "口袋公园建成开放"
    assert draft.column_path == ["图说厚街", "城镇建设"]
    assert draft.removed == {"toolbar_announcement": 2}


def test_meta_tags_stand_in_for_missing_title_and_date(houjie: SiteProfile) -> None:
    _, draft = _draft(houjie, (
        '<html><head><meta name="ArticleTitle" content="口袋公园建成开放"><meta name="PubDate" content="2023-03-06">'
        '<meta name="ColumnType" content="圖說厚街"><meta name="ColumnName" content="城鎮建設"></head><body>'
        '<div class="article"><div class="article-info">来源：本网</div>'
        '<div class="article-content"><p>正文。</p></div></div></body></html>'
    ))
    assert draft.title == "口袋公园建成开放"
    assert draft.published == PubDate(datetime(2023, 3, 6), "day")
    assert draft.source == "本网"
    assert draft.column_path == ["图说厚街", "城镇建设"]
    assert draft.warnings == ["title element missing; title from <meta name=ArticleTitle>",
                              "no date in the info line; date from <meta name=PubDate>"]


def test_another_towns_page_sharing_the_body_class_is_completed_from_the_page(houjie: SiteProfile) -> None:
    _, draft = _draft(houjie, fixture_bytes("other/town_current_other.html").decode("utf-8"))
    assert draft.title == "虎门镇启动2024年“百千万工程”示范村建设"
    assert draft.published == PubDate(datetime(2024, 4, 18, 17, 42), "minute")
    assert draft.source == "虎门镇融媒体中心"
    assert draft.people == {"author": "黎嘉欣", "editor": "邝晓彤", "reviewer": "卢志坚"}
    assert draft.column_path == []
    assert len(draft.paragraphs) == 3
    assert draft.removed == {"font_size": 3, "share_bar": 1}
    assert draft.warnings == ["title element missing; title from the page",
                              "no date in the info line; date from the page"]


def test_people_come_only_from_blocks_after_the_body(houjie: SiteProfile) -> None:
    _, draft = _draft(houjie, (
        '<html><body><div class="article"><h1 class="article-title">口袋公园建成开放</h1>'
        '<div class="article-info">发布日期：2023-03-06　来源：本网</div><p>作者：前面的人</p>'
        '<div class="wrap"><div class="article-content"><p>正文。</p></div></div>'
        "<p>责任编辑：梁志明</p></div></body></html>"
    ))
    assert draft.people == {"editor": "梁志明"}
    assert draft.paragraphs == ["正文。"]


def test_read_template_of_the_legacy_fixture(houjie: SiteProfile) -> None:
    root = parse_html(fixture_bytes("legacy/article.html").decode("utf-8"))
    draft = read_template(root, houjie.templates["legacy"], SITE + "xwzx/sqdt/content/post_2870456.html", houjie)
    assert draft is not None
    assert draft.template == "legacy"
    assert draft.title == "溪头社区开展夏季防溺水安全宣传活动"
    assert draft.published == PubDate(datetime(2019, 5, 10, 9, 30), "second")
    assert draft.source == "本网"
    assert draft.people == {"editor": "刘倩"}
    assert draft.column_path == ["新闻中心", "社区动态"]
    assert len(draft.paragraphs) == 4
    assert draft.removed == {"editor_line": 1, "font_size": 3}


def test_the_current_template_does_not_read_a_legacy_page(houjie: SiteProfile) -> None:
    _, draft = _read(houjie, fixture_bytes("legacy/article.html").decode("utf-8"))
    assert draft is None
