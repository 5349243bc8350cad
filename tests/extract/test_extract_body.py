"""extract/body.py: a body element → paragraphs, images and attachments."""

from __future__ import annotations

import pytest
from lxml import etree

from dgportal_crawler.extract.body import attachment_of, body_content, image_of
from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.items import Attachment, Image

PAGE = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_3950123.html"


def _body(html: str) -> etree._Element:
    return parse_html(f'<html><body><div id="zoom">{html}</div></body></html>').find(".//div[@id='zoom']")


def _first(html: str) -> etree._Element:
    return _body(html)[0]


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        # blocks and <br> end paragraphs; inline elements and tails stay inside them
        ("<p>第一段<strong>加粗</strong>继续。</p>第二段<br>第三段<h3>小标题</h3>",
         ["第一段加粗继续。", "第二段", "第三段", "小标题"]),
        ("<p>　　近日，  公园\n开放。</p><p> </p>", ["近日， 公园 开放。"]),  # whitespace normalised, empty dropped
        ("<div><div><p>嵌套</p></div>尾</div>", ["嵌套", "尾"]),
        ("<ul><li>一</li><li>二</li></ul>", ["一", "二"]),
        ("<p>正文<script>var x = 1;</script>继续</p>", ["正文继续"]),  # script text skipped, tail kept
        ("<p>正文<style>p{}</style></p>", ["正文"]),
        ("<p>附件：<a href=\"/a.pdf\">平面图.pdf</a>，请下载</p>", ["附件：平面图.pdf，请下载"]),
        ("直接写在正文里的文字", ["直接写在正文里的文字"]),
    ],
)
def test_paragraphs(html: str, paragraphs: list[str]) -> None:
    assert body_content(_body(html), PAGE).paragraphs == paragraphs


def test_a_table_row_is_one_paragraph_of_tab_joined_cells() -> None:
    content = body_content(_body(
        "<p>表一</p><table><tr><th>项目</th><th>面积（平方米）</th></tr>"
        "<tr><td>透水步道</td><td> 320 </td></tr><tr><td> </td><td></td></tr>"
        "<tr><td><p>儿童</p><p>游乐区</p></td><td>180</td></tr></table><p>表后</p>"
    ), PAGE)
    assert content.paragraphs == ["表一", "项目\t面积（平方米）", "透水步道\t320", "儿童 游乐区\t180", "表后"]


def test_images_and_attachments_inside_table_rows_are_kept() -> None:
    content = body_content(_body(
        '<table><tr><td><img src="/img/a.jpg" alt="图一"></td>'
        '<td><a href="/attachment/0/1/2.xlsx">明细表</a></td></tr></table>'
    ), PAGE)
    assert content.images == [Image("https://www.dg.gov.cn/img/a.jpg", "图一")]
    assert content.attachments == [Attachment("https://www.dg.gov.cn/attachment/0/1/2.xlsx", "明细表")]
    assert content.paragraphs == ["\t明细表"]


def test_images_and_attachments_in_reading_order() -> None:
    content = body_content(_body(
        '<p><img class="nfw-cms-img" src="/img/0/456/4561001.jpg" alt="口袋公园全景"></p>'
        '<p><a class="nfw-cms-attachment" href="/attachment/0/456/4561020.pdf">平面图.pdf</a></p>'
        '<p><img data-src="pic2.png"></p><p><a href="/houjie/">厚街首页</a></p>'
    ), PAGE)
    assert content.images == [
        Image("https://www.dg.gov.cn/img/0/456/4561001.jpg", "口袋公园全景"),
        Image("https://www.dg.gov.cn/houjie/tsjh/czjs/content/pic2.png", ""),
    ]
    assert content.attachments == [Attachment("https://www.dg.gov.cn/attachment/0/456/4561020.pdf", "平面图.pdf")]
    assert content.paragraphs == ["平面图.pdf", "厚街首页"]


def test_comment_nodes_keep_their_tail() -> None:
    # a tree parsed without removing comments (parse_html removes them)
    body = etree.fromstring("<div><p>甲<!-- 编辑备注 -->乙</p></div>", etree.HTMLParser()).find(".//div")
    assert body_content(body, PAGE).paragraphs == ["甲乙"]


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    body = etree.Element("div")
    node = body
    for _ in range(5000):
        node = etree.SubElement(node, "span")
    node.text = "深处的文字"
    assert body_content(body, PAGE).paragraphs == ["深处的文字"]


@pytest.mark.parametrize(
    ("html", "image"),
    [
        ('<img src=" /img/a.jpg " alt=" 口袋公园  全景 ">', Image("https://www.dg.gov.cn/img/a.jpg", "口袋公园 全景")),
        ('<img data-src="lazy.jpg">', Image("https://www.dg.gov.cn/houjie/tsjh/czjs/content/lazy.jpg", "")),
        ('<img original="//www.dg.gov.cn/img/b.gif">', Image("https://www.dg.gov.cn/img/b.gif", "")),
        ('<img src="" data-src="/img/c.png">', Image("https://www.dg.gov.cn/img/c.png", "")),  # empty src: next one
        ('<img src="data:image/png;base64,iVBORw0KGgo=">', None),  # inline data is no image URL
        ('<img alt="无地址">', None),
        ('<img src="http://[x/a.jpg">', None),
    ],
)
def test_image_of(html: str, image: Image | None) -> None:
    assert image_of(_first(html), PAGE) == image


@pytest.mark.parametrize(
    ("html", "attachment"),
    [
        ('<a class="nfw-cms-attachment" href="/attachment/0/456/4561020">平面图</a>',
         Attachment("https://www.dg.gov.cn/attachment/0/456/4561020", "平面图")),  # by class
        ('<a href="/files/%E9%80%9A%E7%9F%A5.DOCX">通知</a>',
         Attachment("https://www.dg.gov.cn/files/%E9%80%9A%E7%9F%A5.DOCX", "通知")),  # by extension, any case
        ('<a href="/files/a.pdf?v=2">附件<span>一</span></a>',
         Attachment("https://www.dg.gov.cn/files/a.pdf?v=2", "附件一")),
        ('<a href="/files/a.ofd">电子公文</a>', Attachment("https://www.dg.gov.cn/files/a.ofd", "电子公文")),
        ('<a href="/download?file=a.pdf">下载</a>', None),  # the extension is in the query, not the path
        ('<a href="/houjie/post_1.html">相关新闻</a>', None),
        ('<a class="nfw-cms-attachment" href="javascript:void(0)">附件</a>', None),  # no URL
        ('<a class="nfw-cms-attachment">附件</a>', None),
    ],
)
def test_attachment_of(html: str, attachment: Attachment | None) -> None:
    assert attachment_of(_first(html), PAGE) == attachment


def test_comments_inside_skipped_elements_stay_skipped() -> None:
    body = etree.fromstring("<div><p>甲<template>x<!-- y -->z</template>乙</p></div>",
                            etree.HTMLParser()).find(".//div")
    assert body_content(body, PAGE).paragraphs == ["甲乙"]
