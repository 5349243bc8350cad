"""extract/pagedata.py: the article a disclosure-platform page carries in ``window._CONFIG``."""

from __future__ import annotations

from datetime import datetime

import pytest
from extract_helpers import fixture_bytes

from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.metadata import PubDate
from dgportal_crawler.extract.pagedata import (
    config_detail,
    detail_content,
    detail_date,
    detail_source,
    detail_title,
    fill_from_detail,
)
from dgportal_crawler.items import Attachment, Image

URL = "https://www.dg.gov.cn/dghlz/gkmlpt/content/4/4123/post_4123456.html"
#: 2024-06-20 00:00 in Beijing (UTC+8), as epoch seconds
MIDNIGHT = 1718812800


def _page(*scripts: str) -> str:
    return "<html><body><p>页面</p>" + "".join(f"<script>{s}</script>" for s in scripts) + "</body></html>"


def test_config_detail_of_the_client_rendered_fixture() -> None:
    detail = config_detail(parse_html(fixture_bytes("other/gkmlpt_client.html").decode("utf-8")))
    assert detail is not None
    assert detail["id"] == 4123456
    assert detail["title"] == "横沥镇2024年秋季公办幼儿园学位申请指引"
    assert detail["date"] == MIDNIGHT


def test_config_detail_respects_braces_and_quotes_inside_strings() -> None:
    script = r'window._CONFIG = {SID: 1, DETAIL: {"title": "甲}乙\"{", "content": "<p>丙</p>"}, TREE: []};'
    assert config_detail(parse_html(_page(script))) == {"title": '甲}乙"{', "content": "<p>丙</p>"}


@pytest.mark.parametrize(
    "scripts",
    [
        (),
        ('var DETAIL = {"title": "甲"};',),  # no _CONFIG in the script
        ("window._CONFIG = {DETAIL: {'title': '甲'}};",),  # a JavaScript object, not JSON
        ('window._CONFIG = {DETAIL: {"title": "甲"',),  # cut off
        ("window._CONFIG = {SID: 1};",),  # no DETAIL
    ],
)
def test_config_detail_none(scripts: tuple[str, ...]) -> None:
    assert config_detail(parse_html(_page(*scripts))) is None


def test_config_detail_takes_the_first_script_that_parses() -> None:
    root = parse_html(_page("window._CONFIG = {DETAIL: {bad}};", 'window._CONFIG = {DETAIL: {"title": "乙"}};'))
    assert config_detail(root) == {"title": "乙"}


@pytest.mark.parametrize(
    ("detail", "date"),
    [
        ({"display_publish_time": "2024-06-21 10:30", "date": MIDNIGHT},
         PubDate(datetime(2024, 6, 21, 10, 30), "minute")),
        ({"date": MIDNIGHT, "created_at": "2024-06-21 10:30:05"}, PubDate(datetime(2024, 6, 21, 10, 30, 5), "second")),
        ({"date": MIDNIGHT}, PubDate(datetime(2024, 6, 20), "day")),  # midnight: a day
        ({"publish_time": MIDNIGHT + 8 * 3600 + 30 * 60 + 5}, PubDate(datetime(2024, 6, 20, 8, 30, 5), "second")),
        ({"pub_date": (MIDNIGHT + 3600) * 1000}, PubDate(datetime(2024, 6, 20, 1), "second")),  # milliseconds
        ({"release_time": float(MIDNIGHT)}, PubDate(datetime(2024, 6, 20), "day")),
        ({"publish_date": "待定", "date": MIDNIGHT}, PubDate(datetime(2024, 6, 20), "day")),  # unreadable: next key
        ({"publish_date": "2024年06月21日"}, PubDate(datetime(2024, 6, 21), "day")),
    ],
)
def test_detail_date(detail: dict[str, object], date: PubDate) -> None:
    assert detail_date(detail) == date


@pytest.mark.parametrize("detail", [{}, {"date": True}, {"date": 0}, {"date": -5}, {"updated_at": MIDNIGHT}])
def test_detail_date_none(detail: dict[str, object]) -> None:
    assert detail_date(detail) is None


def test_detail_texts() -> None:
    assert detail_title({"title": "  学位申请指引 "}) == "学位申请指引"
    assert detail_title({"title": 5}) == ""
    assert detail_source({"source": " ", "content_source": "橫瀝鎮教育管理中心"}) == "横沥镇教育管理中心"
    assert detail_source({"origin": "本网"}) == "本网"
    assert detail_source({}) == ""
    assert detail_content({"content": "", "body": "<p>正文</p>"}) == "<p>正文</p>"


DETAIL: dict[str, object] = {
    "title": "学位申请指引",
    "source": "横沥镇教育管理中心",
    "created_at": "2024-06-21 10:30:05",
    "content": '<p>各位家长：</p><p>申请将于7月1日开始。<img src="/img/a.jpg" alt="流程图"></p>'
               '<p><a href="/attachment/0/1/12.pdf">申请表</a></p><p>日韩欧美综合</p>',
}


def _placeholder_draft() -> Draft:
    draft = Draft("fallback", title="{{ detail.title }}")
    draft.removed["template_placeholder"] = 2
    return draft


def test_fill_from_detail_reads_an_unrendered_page() -> None:
    draft = _placeholder_draft()
    fill_from_detail(draft, DETAIL, URL)
    assert draft.title == "学位申请指引"
    assert draft.published == PubDate(datetime(2024, 6, 21, 10, 30, 5), "second")
    assert draft.source == "横沥镇教育管理中心"
    assert draft.paragraphs == ["各位家长：", "申请将于7月1日开始。", "申请表"]
    assert draft.images == [Image("https://www.dg.gov.cn/img/a.jpg", "流程图")]
    assert draft.attachments == [Attachment("https://www.dg.gov.cn/attachment/0/1/12.pdf", "申请表")]
    assert draft.removed["spam_keywords"] == 1  # the content goes through the line rules
    assert draft.warnings == ["body from the page's window._CONFIG.DETAIL (client-rendered page)"]


def test_fill_from_detail_replaces_the_template_chrome_and_keeps_what_the_page_had() -> None:
    draft = _placeholder_draft()
    draft.title = "页面上的标题"
    draft.source = "本网"
    draft.paragraphs = ["您的浏览器不支持JavaScript"]
    fill_from_detail(draft, DETAIL, URL)
    assert draft.title == "页面上的标题"
    assert draft.source == "本网"
    assert draft.paragraphs[0] == "各位家长："


def test_fill_from_detail_leaves_a_rendered_page_alone() -> None:
    draft = Draft("fallback", title="学位申请指引", paragraphs=["已经渲染的正文。"])
    fill_from_detail(draft, DETAIL, URL)
    assert draft.paragraphs == ["已经渲染的正文。"]
    assert draft.published is None
    assert draft.source is None
    assert draft.warnings == []


def test_fill_from_detail_without_content_fills_only_the_metadata() -> None:
    draft = _placeholder_draft()
    fill_from_detail(draft, {"title": "学位申请指引", "date": MIDNIGHT}, URL)
    assert draft.title == "学位申请指引"
    assert draft.published == PubDate(datetime(2024, 6, 20), "day")
    assert draft.source is None
    assert draft.paragraphs == []
    assert draft.warnings == []
