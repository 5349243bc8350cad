"""Article pages against docs/templates.md and the ground truth."""

from __future__ import annotations

import re

import lxml.html
import opencc
import pytest
from replica_helpers import contract_paragraphs

from dgportal_crawler.replica import Replica

ORIGIN = "https://www.dg.gov.cn"


def _page(replica: Replica, record: dict) -> str:
    response = replica.respond(record["url"][len(ORIGIN):])
    assert response.status == 200
    return response.body.decode("utf-8")


def _records(replica: Replica, **match: object) -> list[dict]:
    return [r for r in replica.ground_truth() if all(r[k] == v for k, v in match.items())]


def test_plain_pages_yield_exactly_the_ground_truth(replica: Replica) -> None:
    plain = _records(replica, variant="plain")
    assert len(plain) > 100
    for record in plain:
        html = _page(replica, record)
        assert contract_paragraphs(html) == record["paragraphs"], record["url"]
        for paragraph in record["paragraphs"]:
            if "\t" not in paragraph:
                assert paragraph in lxml.html.fromstring(html).text_content()


def test_current_article_furniture(replica: Replica) -> None:
    record = next(r for r in _records(replica, variant="plain", column="hjyw")
                  if r["published_precision"] == "minute")
    html = _page(replica, record)
    doc = lxml.html.fromstring(html)
    assert doc.findtext(".//title") == f"{record['title']}_厚街要闻_中国东莞厚街镇栏目"
    assert doc.cssselect("h1.article-title")[0].text == record["title"]
    info = doc.cssselect("div.article-info")[0].text_content()
    date = record["published_at"][:16].replace("T", " ")
    assert f"发布日期：{date}　来源：{record['source']}" in info
    assert len(doc.cssselect("div.nav li a")) == 45
    crumbs = [a.text for a in doc.cssselect("div.location a")]
    assert crumbs == ["首页", "街镇", "中国东莞厚街镇栏目", "新闻中心", "厚街要闻"]
    metas = {m.get("name"): m.get("content") for m in doc.iter("meta") if m.get("name")}
    assert metas["ArticleTitle"] == record["title"] and metas["PubDate"] == date
    assert metas["SiteIDCode"] == "4419000098" and metas["ColumnName"] == "厚街要闻"
    footer = doc.cssselect("div.footer")[0].text_content()
    for part in ("版权所有", "承办", "网站标识码：4419000098", "粤ICP备19114884号",
                 "粤公网安备 44190002000375 号", "技术支持：开普云", "联系我们", "网站地图", "站长统计"):
        assert part in footer
    assert doc.cssselect("div.footer script[src]") and doc.cssselect("div.share a.wx")
    assert doc.cssselect("div.related li a") and doc.cssselect("div.prev-next a")


def test_legacy_article_uses_ucap_tags_and_seconds(replica: Replica) -> None:
    records = _records(replica, variant="plain", template="legacy")
    record = next(r for r in records if r["published_precision"] == "second")
    doc = lxml.html.fromstring(_page(replica, record))
    assert doc.xpath("//div[@class='cen-div']/div[@class='title']/ucaptitle")[0].text == (
        record["title"])
    stamp = doc.xpath("//div[@class='line']/table/tr/td[2]/publishtime")[0].text
    assert stamp == record["published_at"][:19].replace("T", " ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", stamp)
    assert not doc.xpath("//tbody"), "no tbody in raw legacy HTML"


def test_column_kinds_have_their_shapes(replica: Replica) -> None:
    for record in _records(replica, column="tzgg"):
        assert set(record["gov_meta"]) == {"索引号", "发布机构", "发文字号", "成文日期",
                                           "主题分类", "公开方式"}
    assert all(r["gov_meta"] is None for r in replica.ground_truth() if r["column"] != "tzgg")
    for record in _records(replica, column="zcjd"):
        assert sum(len(p) for p in record["paragraphs"]) >= 5000
        assert any("\t" in p for p in record["paragraphs"]), "policy notes carry a table"
    for record in _records(replica, column="czjs"):
        assert len(record["images"]) >= 3
        assert all(i["url"].startswith(ORIGIN + "/img/0/") for i in record["images"])
    for record in _records(replica, column="fttd"):
        assert record["paragraphs"][0].startswith("访谈嘉宾：")
        assert "访谈记录" in record["paragraphs"]
        assert any(p.startswith("厚街发布：") for p in record["paragraphs"])
    attachments = [a for r in replica.ground_truth() for a in r["attachments"]]
    assert {a["name"].rsplit(".", 1)[1] for a in attachments} >= {"pdf", "doc", "xls"}
    with_editor = [r for r in replica.ground_truth() if r["editor"]]
    assert with_editor and any(r["reviewer"] for r in with_editor)
    sources = {r["source"] for r in replica.ground_truth()}
    assert {"本网", "厚街镇宣传办", "东莞日报"} <= sources
    lengths = sorted(sum(len(p) for p in r["paragraphs"]) for r in replica.ground_truth())
    assert lengths[0] < 200 and lengths[-1] >= 5000


def test_editor_line_and_gov_meta_are_on_the_page(replica: Replica) -> None:
    record = next(r for r in _records(replica, variant="plain", column="tzgg"))
    doc = lxml.html.fromstring(_page(replica, record))
    cells = [c.text_content() for c in doc.cssselect("table.gov-meta th, table.gov-meta td")]
    assert dict(zip(cells[::2], cells[1::2], strict=True)) == record["gov_meta"]
    record = next(r for r in _records(replica, variant="plain") if r["editor"] and r["author"])
    line = lxml.html.fromstring(_page(replica, record)).cssselect("div.editor")[0].text_content()
    assert line.startswith(f"作者：{record['author']}　责任编辑：{record['editor']}")


def test_rendered_captures_are_traditional_with_toolbar_anchors(replica: Replica) -> None:
    to_simplified = opencc.OpenCC("t2s").convert
    captures = _records(replica, variant="rendered")
    assert captures
    for record in captures:
        html = _page(replica, record)
        assert "提示:您已進入視窗區1,本區域含有45個鏈接,按下Tab鍵瀏覽信息" in html
        body = html.split("<body>", 1)[1].lstrip()
        assert body.startswith('<a class="esdNavLink ESDAssetsTextCon"')
        windows = 4 if record["template"] == "current" else 3  # legacy pages have no share bar
        assert f"本頁面是由1個導航區、{windows}個視窗區共計{windows + 1}個區域組成" in body
        assert "中國東莞厚街鎮欄目" in html and "中国东莞厚街镇栏目</a>" not in html
        # the simplified truth is what converting the capture back gives
        assert [to_simplified(p) for p in contract_paragraphs(html)] == record["paragraphs"]


def test_hijacked_mirrors_add_spam_and_pinyin(replica: Replica) -> None:
    hijacked = _records(replica, variant="hijacked")
    assert hijacked
    pinyin = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
    for record in hijacked:
        html = _page(replica, record)
        title = lxml.html.fromstring(html).findtext(".//title")
        tail = html.rsplit('<div class="footer">', 1)[1].split("</div>", 1)[1]
        spam = re.search(r'<div style="text-align:center">([^<]+)</div>', tail).group(1)
        assert title.endswith("_" + spam)
        assert pinyin.search(" ".join(contract_paragraphs(html)))


@pytest.mark.parametrize("seed", [2023, 5])
def test_truth_survives_a_round_trip_through_traditional(seed: int) -> None:
    s2t, t2s = opencc.OpenCC("s2t").convert, opencc.OpenCC("t2s").convert
    for record in Replica(seed=seed).ground_truth():
        for text in [record["title"], *record["paragraphs"]]:
            assert t2s(s2t(text)) == text


def test_degraded_pages_match_no_template_selector() -> None:
    replica = Replica(degraded=0.2)
    degraded = [r for r in replica.ground_truth() if r["variant"] == "degraded"]
    assert {r["template"] for r in degraded} == {"current", "legacy"}
    for record in degraded:
        html = replica.respond(record["url"][len(ORIGIN):]).body.decode("utf-8")
        doc = lxml.html.fromstring(html)
        for selector in ("div.article-content", "h1.article-title", "div.article-info",
                         "div.cen-div", "div.con_cen", "div.footer", "div.nav", "#zoom"):
            assert not doc.cssselect(selector), selector
        assert not doc.xpath("//ucapcontent | //ucaptitle | //publishtime")
        text = doc.text_content()
        assert all(p.split("\t")[0] in text for p in record["paragraphs"])
