"""The fallback path: trafilatura (fragments wrapped), its lines in our form, the main blocks
(a split body too), metadata split over lines joined back."""

from __future__ import annotations

import pytest
from extract_helpers import SITE

from dgportal_crawler.extract import extract_article
from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.fallback import _from_trafilatura, main_blocks, run_trafilatura
from dgportal_crawler.extract.lines import join_label_lines
from dgportal_crawler.profile import SiteProfile

SENTENCE = "厚街镇今日召开安全生产工作会议，部署节前安全检查工作。"


@pytest.mark.parametrize(
    "fragment", [SENTENCE, f"<span>{SENTENCE}</span>", f"<br>{SENTENCE}", f"<!-- x --><p>{SENTENCE}</p>"]
)
def test_fragments_trafilatura_rejects_are_wrapped(fragment: str) -> None:
    assert run_trafilatura(fragment) == SENTENCE


@pytest.mark.parametrize(
    ("line", "paragraph"),
    [
        ("| 项目 | 面积（平方米） | 完成时间 |", "项目\t面积（平方米）\t完成时间"),
        ("- 岗位涵盖普工、技工等多个类别。", "岗位涵盖普工、技工等多个类别。"),
        ("正文 - 不是列表", "正文 - 不是列表"),
    ],
)
def test_trafilatura_lines_in_our_form(line: str, paragraph: str) -> None:
    assert _from_trafilatura(line) == paragraph


def test_main_block_follows_trafilatura_not_the_longest_text() -> None:
    root = parse_html(
        '<html><body><div id="a"><p>图片说明一</p><p>图片说明二</p></div>'
        '<div id="f"><p>' + "页脚文字" * 40 + "</p></div></body></html>"
    )
    assert [b.get("id") for b in main_blocks(root, ["图片说明一", "图片说明二"])] == ["a"]
    assert [b.get("id") for b in main_blocks(root, [])] == ["f"]


def test_fallback_reads_a_government_table_as_metadata(houjie: SiteProfile) -> None:
    page = (
        "<html><head><title>关于征兵工作的通告_通知公告_中国东莞厚街镇栏目</title></head><body>"
        '<div class="x1"><h1>关于征兵工作的通告</h1>'
        '<table class="x2"><tr><td>索引号：</td><td>114419/2023-001</td>'
        "<td>发布机构：</td><td>厚街镇人民政府</td></tr></table>"
        '<div class="x3"><p>根据上级工作部署，结合我镇实际，现就秋季征兵有关事项通知如下。</p>'
        "<p>各社区要明确专人负责，做好政策宣传和材料收集工作，确保应报尽报。</p>"
        "<p>发布日期：2023-08-01</p></div></div></body></html>"
    ).encode()
    a = extract_article(page, url=SITE + "zwgk/tzgg/content/post_3990001.html", profile=houjie)
    assert a.extraction.method == "fallback"
    assert a.title == "关于征兵工作的通告"
    assert a.gov_meta == {"索引号": "114419/2023-001", "发布机构": "厚街镇人民政府"}
    assert a.paragraphs == [
        "根据上级工作部署，结合我镇实际，现就秋季征兵有关事项通知如下。",
        "各社区要明确专人负责，做好政策宣传和材料收集工作，确保应报尽报。",
    ]
    assert a.published_at == "2023-08-01T00:00:00+08:00"
    assert a.column_path == ["通知公告"]


def test_a_body_split_into_parts_is_read_whole() -> None:
    root = parse_html(
        '<html><body><div class="nav"><p>首页</p></div><div class="body">'
        '<div class="part"><p>第一段正文，介绍活动的基本情况和参与人数。</p><p>第二段正文。</p></div>'
        '<div class="part"><p>第三段正文，说明下一步工作安排。</p></div>'
        '<div class="part"><p>附件：报名表.docx</p></div></div>'
        '<div class="part-x"><p>相关新闻标题</p></div></body></html>'
    )
    lines = ["第一段正文，介绍活动的基本情况和参与人数。", "第二段正文。", "第三段正文，说明下一步工作安排。"]
    assert [b.get("class") for b in main_blocks(root, lines)] == ["part", "part", "part"]


def test_plain_sibling_divs_join_only_when_they_hold_the_text() -> None:
    root = parse_html(
        "<html><body><div><p>正文第一段，记录会议的主要内容。</p></div>"
        "<div><p>正文第二段，部署下一阶段的工作。</p></div><div><p>页脚：版权信息</p></div></body></html>"
    )
    lines = ["正文第一段，记录会议的主要内容。", "正文第二段，部署下一阶段的工作。"]
    blocks = main_blocks(root, lines)
    assert [b.xpath("string()") for b in blocks] == lines


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["信息提供日期：", "2019年01月12日", "正文。"], ["信息提供日期:2019年01月12日", "正文。"]),
        (["发布时间\t2019-06-03 10:06\t信息来源\t本网"], ["发布时间:2019-06-03 10:06 信息来源:本网"]),
        (["浏览次数\t5975\t字号\t【 】"], ["浏览次数:5975 字号:【 】"]),
        (["联系电话：", "0769-85581234"], ["联系电话：", "0769-85581234"]),  # content: kept apart
        (["项目\t金额", "道路\t300"], ["项目\t金额", "道路\t300"]),
        (["站长统计", "日韩欧美综合"], ["站长统计", "日韩欧美综合"]),  # a footer word takes no value
    ],
)
def test_metadata_split_over_lines_is_joined(lines: list[str], joined: list[str]) -> None:
    assert join_label_lines(lines) == joined
