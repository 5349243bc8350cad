"""extract/domclean.py: the DOM side of the rule table: lookup order, the body's special
treatment, removal order and protection, stray text straight in ``<body>``."""

from __future__ import annotations

from collections import Counter

import pytest
from lxml import etree

from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.domclean import (
    clean_dom,
    clean_stray_text,
    dom_rule,
    find_furniture,
    remove_furniture,
)


def _element(html: str) -> etree._Element:
    return parse_html(f"<html><body>{html}</body></html>").find("body")[0]


@pytest.mark.parametrize(
    ("html", "rule"),
    [
        ('<div class="foot share">x</div>', "footer_field"),  # the first class token that names a rule
        ('<div class="share foot">x</div>', "share_bar"),
        ('<footer class="share">x</footer>', "share_bar"),  # a class before the tag
        ('<a class="esdNavLink" href="javascript:window.print()">x</a>', "toolbar_announcement"),
        ("<span>簡體</span>", "accessibility_toggle"),  # exact short text
        ("<li>长者模式</li>", "accessibility_toggle"),
        ("<p>扫一扫在手机打开当前页</p>", "qrcode_prompt"),  # opening words, then the line pattern
        ("<td>下一篇：厚街镇举办城市管理培训班</td>", "prev_next"),
    ],
)
def test_dom_rule(html: str, rule: str) -> None:
    assert dom_rule(_element(html)) == rule


@pytest.mark.parametrize(
    "html",
    [
        "<div>简体</div>",  # exact short texts are for span/button/em/li only
        "<h3>简体</h3>",
        "<p>扫一扫领取社区活动纪念品</p>",  # the opening words, but not the prompt
        "<div>前言<p>分享到：微信</p></div>",  # opening words are looked for in the own leading text
        "<strong>分享到：微信 微博</strong>",  # not a block the prefixes apply to
        "<a href=\"/houjie/tsjh/\">图说厚街</a>",
    ],
)
def test_dom_rule_near_misses(html: str) -> None:
    assert dom_rule(_element(html)) is None


@pytest.mark.parametrize(
    ("html", "rule"),
    [
        ("<a>打印页面</a>", None),  # link texts are left to the line rules inside a body
        ("<span>简体</span>", None),
        ("<p>分享到：微信 微博</p>", None),
        ('<a href="javascript:window.close()">关闭</a>', "print_close"),
        ('<p class="editor">作者：陈晓婷</p>', "editor_line"),
        ("<footer>x</footer>", "footer_field"),
    ],
)
def test_dom_rule_without_text(html: str, rule: str | None) -> None:
    assert dom_rule(_element(html), by_text=False) == rule


PAGE = (
    "<html><body><div class=\"article\">"
    "<div class=\"info\"><a>打印页面</a></div>"
    "<div class=\"article-content\"><p><a>打印页面</a></p><p>分享到：微信</p>"
    "<p class=\"qrcode\">扫一扫</p><p><a href=\"javascript:window.print()\">打印</a></p></div>"
    "</div></body></html>"
)


def test_find_furniture_reads_texts_outside_the_body_only() -> None:
    root = parse_html(PAGE)
    body = root.find(".//div[@class='article-content']")
    found = [(etree.tostring(el, encoding="unicode", with_tail=False), rule)
             for el, rule in find_furniture(root, body)]
    assert found == [
        ("<a>打印页面</a>", "print_close"),  # outside: by its text
        ('<p class="qrcode">扫一扫</p>', "qrcode_prompt"),  # inside: by class …
        ('<a href="javascript:window.print()">打印</a>', "print_close"),  # … and by script link
    ]


def test_find_furniture_without_a_body_reads_every_element_by_text() -> None:
    rules = [rule for _, rule in find_furniture(parse_html(PAGE))]
    assert rules == ["print_close", "print_close", "share_bar", "qrcode_prompt", "print_close"]


def test_remove_furniture_counts_an_element_inside_removed_furniture_once() -> None:
    root = parse_html('<html><body><div class="share">分享到<span class="qrcode">扫一扫</span></div>'
                      "<p>正文。</p></body></html>")
    removed: Counter[str] = Counter()
    remove_furniture(root, find_furniture(root), removed)
    assert removed == {"share_bar": 1}
    assert [el.tag for el in root.find("body")] == ["p"]


def test_remove_furniture_keeps_protected_elements_and_their_ancestors() -> None:
    root = parse_html('<html><body><div class="footer"><div class="article-content">'
                      '<p>正文。</p><div class="share">分享到</div></div></div></body></html>')
    body = root.find(".//div[@class='article-content']")
    removed: Counter[str] = Counter()
    remove_furniture(root, find_furniture(root), removed, protected=[body])
    assert removed == {"share_bar": 1}
    assert body.find("p").text == "正文。"


def test_remove_furniture_only_some_rules() -> None:
    root = parse_html('<html><body><a class="esdNavLink">提示:您已进入视窗区1</a>'
                      '<div class="share">分享到</div></body></html>')
    found = find_furniture(root)
    removed: Counter[str] = Counter()
    remove_furniture(root, found, removed, only=("toolbar_announcement",))
    assert removed == {"toolbar_announcement": 1}
    remove_furniture(root, found, removed)  # the later pass takes the rest, the first not twice
    assert removed == {"toolbar_announcement": 1, "share_bar": 1}


def test_clean_stray_text_removes_a_lone_spam_element_and_keeps_its_tail() -> None:
    root = parse_html("<html><body><p>正文。</p><span>日韩欧美综合</span>东莞市人民政府</body></html>")
    removed: Counter[str] = Counter()
    clean_stray_text(root, removed)
    body = root.find("body")
    assert [el.tag for el in body] == ["p"]
    assert body[0].tail == "东莞市人民政府"
    assert removed == {"spam_keywords": 1}


def test_clean_stray_text_keeps_content_text_in_body() -> None:
    root = parse_html("<html><body>厚街镇新闻<p>正文。</p>东莞市人民政府<script>日韩欧美综合</script></body></html>")
    removed: Counter[str] = Counter()
    clean_stray_text(root, removed)
    body = root.find("body")
    assert body.text == "厚街镇新闻"
    assert body[0].tail == "东莞市人民政府"
    assert body.find("script") is not None  # scripts are not page text
    assert removed == {}


def test_clean_stray_text_without_body_does_nothing() -> None:
    root = etree.fromstring("<html><p>日韩欧美综合</p></html>")
    removed: Counter[str] = Counter()
    clean_stray_text(root, removed)
    assert removed == {}


def test_clean_dom_counts_elements_and_stray_text() -> None:
    root = parse_html('<html><body>提示:您已离开导航区1<div class="top-bar"><a>无障碍</a></div>'
                      "<p>正文。</p><footer>版权所有</footer>日韩欧美综合</body></html>")
    removed: Counter[str] = Counter()
    clean_dom(root, removed)
    body = root.find("body")
    assert [el.tag for el in body] == ["p"]
    assert body.text is None
    assert body[0].tail is None
    assert removed == {"toolbar_announcement": 1, "accessibility_toggle": 1, "footer_field": 1,
                       "spam_keywords": 1}
