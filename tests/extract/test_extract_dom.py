"""extract/dom.py: parsing, profile selectors, element text and tree surgery."""

from __future__ import annotations

import pytest
from lxml import etree

from dgportal_crawler.extract.dom import (
    class_tokens,
    compile_selector,
    is_attached,
    meta_content,
    parse_html,
    remove_keep_tail,
    select,
    select_one,
    text_of,
)
from dgportal_crawler.extract.errors import ExtractionError

PAGE = (
    '<html><head><meta name="pubdate" content="  2023-03-06   16:20 ">'
    '<meta name="PubDate" content="2020-01-01"><title>口袋公园开放</title></head><body>'
    '<div class="article"><h1 class="article-title">口袋公园开放</h1>'
    '<div class="article-content"><p>第一段。</p><p>第二段。</p></div></div></body></html>'
)


def _body_child(html: str) -> etree._Element:
    return parse_html(f"<html><body>{html}</body></html>").find("body")[0]


def test_parse_html_reads_a_fragment_into_a_document() -> None:
    root = parse_html("<p>厚街镇</p>")
    assert root.tag == "html"
    assert root.find("body/p").text == "厚街镇"


def test_parse_html_ignores_a_wrong_meta_charset() -> None:
    # the text is decoded already: a <meta> naming GBK must not make libxml2 re-decode it
    root = parse_html('<html><head><meta charset="gbk"></head><body><p>厚街镇</p></body></html>')
    assert root.find(".//p").text == "厚街镇"


def test_parse_html_drops_nul_characters_and_comments() -> None:
    root = parse_html("<p>厚\x00街<!-- 注释 -->镇</p>")
    p = root.find(".//p")
    assert len(p) == 0
    assert "".join(p.itertext()) == "厚街镇"


@pytest.mark.parametrize("text", ["", "  \n\t"])
def test_parse_html_refuses_an_empty_document(text: str) -> None:
    with pytest.raises(ExtractionError, match="empty document"):
        parse_html(text)


@pytest.mark.parametrize(
    ("selector", "texts"),
    [
        ("div.article-content p", ["第一段。", "第二段。"]),
        ("h1.article-title", ["口袋公园开放"]),
        ("xpath://div[@class='article-content']/p[2]", ["第二段。"]),
        ("div.editor", []),
    ],
)
def test_select_css_and_xpath(selector: str, texts: list[str]) -> None:
    assert [el.text for el in select(parse_html(PAGE), selector)] == texts


def test_css_selectors_are_relative_to_the_node_and_include_it() -> None:
    root = parse_html(PAGE)
    content = select_one(root, "div.article-content")
    assert content is not None
    assert select(content, "div.article-content") == [content]  # descendant-or-self
    assert select(content, "h1") == []  # outside the node


def test_compile_selector_is_cached() -> None:
    assert compile_selector("div.location") is compile_selector("div.location")


@pytest.mark.parametrize("selector", ["xpath://a/@href", "xpath:count(//p)", "xpath:string(//h1)", ""])
def test_select_returns_only_elements(selector: str) -> None:
    root = parse_html('<html><body><h1>题</h1><p><a href="/x">链接</a></p></body></html>')
    assert select(root, selector) == []


def test_select_reports_a_failing_xpath() -> None:
    with pytest.raises(ExtractionError, match=r"^selector 'xpath://p\[\$missing\]' failed"):
        select(parse_html(PAGE), "xpath://p[$missing]")


def test_select_one() -> None:
    root = parse_html(PAGE)
    assert select_one(root, "p").text == "第一段。"
    assert select_one(root, "table") is None


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>  厚街   镇 </p>", "厚街 镇"),  # a leaf: whitespace collapsed
        ("<p>厚街<strong>镇</strong>新塘<a>社区</a></p>", "厚街镇新塘社区"),  # inline: no space added
        ("<div><p>来源：本网</p><p>发布时间：2023-03-06</p></div>", "来源：本网 发布时间：2023-03-06"),
        ("<table><tr><td>来源：本网</td><td>发布时间</td></tr></table>", "来源：本网 发布时间"),
        ("<p>第一行<br>第二行</p>", "第一行 第二行"),
        ("<div>正文<script>var a = 1;</script>结束</div>", "正文结束"),  # script text skipped, tail kept
        ("<div>正文<style>p { color: red }</style><span>结束</span></div>", "正文结束"),
        ("<div><template><p>{{ detail.title }}</p></template><p>标题</p></div>", "标题"),
    ],
)
def test_text_of(html: str, text: str) -> None:
    assert text_of(_body_child(html)) == text


def test_text_of_nothing_is_empty() -> None:
    assert text_of(None) == ""


def test_meta_content_matches_the_name_in_any_case_first_wins() -> None:
    root = parse_html(PAGE)
    assert meta_content(root, "PubDate") == "2023-03-06 16:20"
    assert meta_content(root, "ArticleTitle") == ""


@pytest.mark.parametrize(("html", "tokens"), [('<p class=" nfw-cms-img  big ">x</p>', ["nfw-cms-img", "big"]),
                                              ("<p>x</p>", [])])
def test_class_tokens(html: str, tokens: list[str]) -> None:
    assert class_tokens(_body_child(html)) == tokens


def test_is_attached_follows_removals() -> None:
    root = parse_html("<div><p><span>甲</span></p></div>")
    div, span = root.find(".//div"), root.find(".//span")
    assert is_attached(span, root)
    div.remove(div[0])
    assert not is_attached(span, root)
    assert is_attached(div, root)


def test_remove_keep_tail_moves_the_tail_to_the_previous_sibling_or_the_parent() -> None:
    p = _body_child("<p>甲<span>乙</span>丙<em>丁</em>戊</p>")
    remove_keep_tail(p.find("em"))
    assert etree.tostring(p, encoding="unicode") == "<p>甲<span>乙</span>丙戊</p>"
    remove_keep_tail(p.find("span"))
    assert etree.tostring(p, encoding="unicode") == "<p>甲丙戊</p>"


def test_remove_keep_tail_on_a_root_does_nothing() -> None:
    root = parse_html("<p>甲</p>")
    remove_keep_tail(root)
    assert root.find(".//p").text == "甲"


def test_text_of_keeps_the_tail_of_a_comment_not_its_text() -> None:
    # a tree parsed without removing comments (parse_html removes them)
    div = etree.fromstring("<div><p>甲</p><!-- 编辑备注 -->乙<template>x<!-- y -->z</template></div>",
                           etree.HTMLParser()).find(".//div")
    assert text_of(div) == "甲 乙"
