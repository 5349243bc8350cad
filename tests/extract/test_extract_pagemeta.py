"""extract/pagemeta.py: title and metadata of a page no template matched."""

from __future__ import annotations

from datetime import datetime

import pytest
from extract_helpers import fixture_bytes
from lxml import etree

from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.metadata import PubDate
from dgportal_crawler.extract.pagemeta import (
    FIELD_BLOCK_MAX_CHARS,
    field_blocks,
    find_title,
    meta_column_path,
    page_columns,
    read_page_metadata,
)
from dgportal_crawler.profile import SiteProfile

SITE = "中国东莞厚街镇栏目"
TITLE = "<title>口袋公园建成开放_城镇建设_中国东莞厚街镇栏目</title>"


def _page(body: str, head: str = "") -> etree._Element:
    return parse_html(f"<html><head>{head}</head><body>{body}</body></html>")


def _town_page() -> etree._Element:
    return parse_html(fixture_bytes("other/town_current_other.html").decode("utf-8"))


def test_field_blocks_innermost_blocks_then_cell_pairs() -> None:
    root = _page(
        "<div><p>来源：本网</p><span>作者：张三</span><p></p></div>"
        "<table><tr><td>信息来源</td><td>东莞日报</td></tr></table>"
        "<dl><dt>发布日期</dt><dd>2023-03-06</dd></dl><script>var a = '来源：脚本';</script>"
    )
    assert list(field_blocks(root)) == [
        "来源：本网", "作者：张三",
        "信息来源 东莞日报", "信息来源", "东莞日报",  # a table of rows has no block child: a leaf too
        "发布日期", "2023-03-06",
        "信息来源:东莞日报", "发布日期:2023-03-06",  # label cells joined to their values
    ]


def test_field_blocks_skip_long_blocks_and_the_given_subtree() -> None:
    root = _page(f'<p>{"长" * (FIELD_BLOCK_MAX_CHARS + 1)}</p><div id="body"><p>来源：正文里</p></div>'
                 "<p>责任编辑：梁志明</p>")
    assert list(field_blocks(root, skip=root.find(".//div"))) == ["责任编辑：梁志明"]


def test_read_page_metadata_of_a_page_from_another_town() -> None:
    draft = Draft("fallback")
    read_page_metadata(_town_page(), draft)
    assert draft.published == PubDate(datetime(2024, 4, 18, 17, 42), "minute")
    assert draft.source == "虎门镇融媒体中心"
    assert draft.people == {"author": "黎嘉欣", "editor": "邝晓彤", "reviewer": "卢志坚"}
    assert draft.removed == {}  # nothing is counted: the page is cleaned later


def test_read_page_metadata_meta_tags_first_then_a_more_precise_info_line() -> None:
    root = _page("<p>發布日期：2023-03-06 16:20　來源：東莞日報</p><p>正文。</p>",
                 '<meta name="PubDate" content="2023-03-06"><meta name="ContentSource" content="厚街鎮城建辦">')
    draft = Draft("fallback")
    read_page_metadata(root, draft)
    assert draft.published == PubDate(datetime(2023, 3, 6, 16, 20), "minute")
    assert draft.source == "厚街镇城建办"


def test_read_page_metadata_last_from_a_labelled_date_in_running_text() -> None:
    prose = "近日，厚街镇召开安全生产工作会议。" * 20  # one block longer than a field block
    root = _page(f"<p>2023年1月2日 {prose}本文发布日期：2023-03-06 来源：本网 欢迎转载{prose}</p>")
    draft = Draft("fallback")
    read_page_metadata(root, draft)
    assert draft.published == PubDate(datetime(2023, 3, 6), "day")  # the labelled date, not the first one
    assert draft.source == "本网"


def test_read_page_metadata_source_in_running_text_ends_at_punctuation() -> None:
    prose = "近日，厚街镇召开安全生产工作会议。" * 20
    root = _page(f"<p>{prose}本文来源：本网，欢迎转载。{prose}</p>")
    draft = Draft("fallback")
    read_page_metadata(root, draft)
    assert draft.source == "本网"


@pytest.mark.parametrize(
    ("head", "path"),
    [
        ('<meta name="ColumnType" content="圖說厚街"><meta name="ColumnName" content="城鎮建設">',
         ["图说厚街", "城镇建设"]),
        ('<meta name="ColumnName" content="城镇建设">', ["城镇建设"]),
        ("", []),
    ],
)
def test_meta_column_path(head: str, path: list[str]) -> None:
    assert meta_column_path(_page("<p>正文</p>", head)) == path


def test_page_columns_prefer_meta_tags(houjie: SiteProfile) -> None:
    root = _page("<p>正文</p>", TITLE + '<meta name="ColumnName" content="厚街要闻">')
    assert page_columns(root, houjie, "口袋公园建成开放") == ["厚街要闻"]


def test_page_columns_from_the_title(houjie: SiteProfile) -> None:
    root = _page("<p>正文</p>", "<title>口袋公园建成开放_城镇建设_图说厚街_中国东莞厚街镇栏目</title>")
    assert page_columns(root, houjie, "口袋公园建成开放") == ["图说厚街", "城镇建设"]
    assert page_columns(root, None, "口袋公园建成开放") == ["图说厚街", "城镇建设"]


def test_page_columns_of_another_site_with_a_profile_are_empty(houjie: SiteProfile) -> None:
    assert page_columns(_town_page(), houjie, "") == []
    assert page_columns(_town_page(), None, "虎门镇启动2024年“百千万工程”示范村建设") == ["虎门要闻"]


def test_find_title_prefers_the_meta_tag() -> None:
    root = _page("<h1>页面标题不同</h1>", TITLE + '<meta name="ArticleTitle" content="口袋公园建成开放">')
    assert find_title(root, None, set()) == "口袋公园建成开放"


def test_find_title_element_matching_the_page_title() -> None:
    assert find_title(_town_page(), None, set()) == "虎门镇启动2024年“百千万工程”示范村建设"


def test_find_title_skips_links_placeholders_and_short_texts() -> None:
    root = _page('<a href="/x"><span>口袋公园建成开放</span></a>'
                 "<h2>{{ detail.title }}</h2><p>口袋</p><h1>别的标题</h1>", TITLE)
    assert find_title(root, None, set()) == "别的标题"  # no candidate left: the h1


def test_find_title_nearest_before_the_body_not_a_site_name() -> None:
    root = _page('<h1>口袋公园建成开放</h1><div class="site">中国东莞厚街镇栏目</div>'
                 '<div id="body"><p>正文。</p></div><h3>口袋公园建成开放</h3>', TITLE)
    body = root.find(".//div[@id='body']")
    # the page title ends with the site name: the nearest candidate unless it is a site name
    assert find_title(root, body, set()) == SITE
    assert find_title(root, body, {SITE}) == "口袋公园建成开放"


def test_find_title_takes_the_inner_element_of_equal_text() -> None:
    root = _page('<div class="t"><h2>口袋公园建成开放</h2></div><div id="body"><p>正文。</p></div>', TITLE)
    assert find_title(root, root.find(".//div[@id='body']"), set()) == "口袋公园建成开放"


def test_find_title_after_the_body_when_nothing_stands_before() -> None:
    root = _page('<div id="body"><p>正文。</p></div><h3>口袋公园建成开放</h3>', TITLE)
    assert find_title(root, root.find(".//div[@id='body']"), set()) == "口袋公园建成开放"


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("<p>通知</p><h1>关于停水的通知</h1>", "关于停水的通知"),  # "通知" is too short to be the title
        ("<p>通知</p>", "通知_中国东莞厚街镇栏目"),  # nothing: the page title (cut later)
    ],
)
def test_find_title_fallbacks(body: str, title: str) -> None:
    assert find_title(_page(body, "<title>通知_中国东莞厚街镇栏目</title>"), None, {SITE}) == title
