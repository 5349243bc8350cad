"""The fallback path: trafilatura (fragments wrapped), its lines in our form, the main block."""

from __future__ import annotations

import pytest
from extract_helpers import SITE

from dgportal_crawler.extract import extract_article
from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.fallback import _from_trafilatura, main_block, run_trafilatura
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
    assert main_block(root, ["图片说明一", "图片说明二"]).get("id") == "a"
    assert main_block(root, []).get("id") == "f"


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
