"""The boilerplate rule table: furniture is named and removed; prose that mentions it stays."""

from __future__ import annotations

from collections import Counter

import pytest

from dgportal_crawler.extract.boilerplate import (
    RULES,
    classify_lines,
    clean_lines,
    line_key,
    match_line,
    strip_inline,
)
from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.domclean import clean_dom, dom_rule
from dgportal_crawler.extract.spam import is_spam_line, strip_trailing_spam

FURNITURE = [
    # toolbar announcements, every form, both scripts, both widths
    ("已打開城鎮建設_圖說厚街_中國東莞厚街鎮欄目頁面,本頁面是由1個導航區、7個視窗區共計8個區域組成,"
     "操作幫助請按Alt加問號鍵。", "toolbar_announcement"),
    ("已打开城镇建设页面，本页面是由1个导航区、7个视窗区共计8个区域组成，操作帮助请按Alt加问号键。",
     "toolbar_announcement"),
    ("提示:您已進入視窗區1,本區域含有45個鏈接,按下Tab鍵瀏覽信息", "toolbar_announcement"),
    ("提示：您已进入导航区1，本区域含有5个链接，按下Tab键浏览信息", "toolbar_announcement"),
    ("提示:您已離開視窗區2", "toolbar_announcement"),
    ("提示：您已离开交互区3", "toolbar_announcement"),
    ("您已进入视窗区3", "toolbar_announcement"),
    ("操作帮助请按Alt加问号键", "toolbar_announcement"),
    # toggles, share bars, QR prompts
    ("无障碍 长者模式 关怀版", "accessibility_toggle"),
    ("無障礙 | 長者模式", "accessibility_toggle"),
    ("简体 / 繁體", "accessibility_toggle"),
    ("分享到:", "share_bar"),
    ("分享到：微信 微博 QQ空间", "share_bar"),
    ("扫一扫在手机打开当前页", "qrcode_prompt"),
    ("掃一掃在手機打開當前頁", "qrcode_prompt"),
    # info line, font size (with the damaged capture form), print/close
    ("字體大?。? 、 、 發布日期: 2023-02-27 10:14 來源: 本網 [ 打印頁面 ] [ 關閉頁面 ]", "info_line"),
    ("发布日期：2023-02-27 10:14", "info_line"),
    ("来源：本网", "info_line"),
    ("字体大小：大 中 小", "font_size"),
    ("字體大?。? 、 、", "font_size"),
    ("字体：[大 中 小]", "font_size"),
    ("[ 打印页面 ] [ 关闭页面 ]", "print_close"),
    ("【打印】【關閉】", "print_close"),
    # navigation around the body
    ("您当前的位置：首页 / 街镇 / 中国东莞厚街镇栏目", "breadcrumb"),
    ("您當前的位置: 首頁 > 街鎮", "breadcrumb"),
    ("上一篇：厚街镇开展河涌清淤行动", "prev_next"),
    ("下一篇:没有了", "prev_next"),
    ("相关链接", "related_list"),
    ("作者：陈晓婷 责任编辑：梁志明 审核：黄伟", "editor_line"),
    ("責任編輯:梁志明", "editor_line"),
    ("作者：张三 审稿：李四", "editor_line"),
    ("通訊員:葉子健 校對:鄧慧玲", "editor_line"),
    ("【责任编辑：王五】", "editor_line"),
    ("发表时间：2023-01-02 | 文章来源：本网 | 浏览次数：123", "info_line"),
    ("信息来源：东莞日报　信息提供日期：2023-02-01", "info_line"),
    ("字号：【大 中 小】 打印", "print_close"),
    ("{{ detail.title }}", "template_placeholder"),
    ("发布日期：{{ detail.date }}　来源：{{ detail.source }}", "template_placeholder"),
    # footer fields
    ("版權所有:東莞市人民政府辦公室??承辦:東莞市政務服務和數據管理局??", "footer_field"),
    ("版权所有：东莞市人民政府办公室　承办：东莞市政务服务和数据管理局", "footer_field"),
    ("網站標識碼 : 4419000098", "footer_field"),
    ("備案號:粵ICP備19114884號 ?? 粵公網安備 44190002000375 號??技術支持:開普云?? 聯系我們 網站地圖",
     "footer_field"),
    ("粤ICP备19114884号", "footer_field"),
    ("站長統計", "footer_field"),
    ("联系我们 网站地图 纠错 隐私声明", "footer_field"),
    ("主办：东莞市人民政府办公室 技术支持：开普云", "footer_field"),
    ("主办：东莞市厚街镇人民政府 承办：厚街镇党政办 地址：东莞市厚街镇厚街大道东1号", "footer_field"),
    ("版权所有 © 东莞市厚街镇人民政府", "footer_field"),
    ("Copyright © 2023 东莞市人民政府", "footer_field"),
    ("免责声明", "footer_field"),
    # planted spam, file names, stray tokens, separators
    ("日韩欧美综合", "spam_keywords"),
    ("亚洲 无码 在线观看", "spam_keywords"),
    ("微信圖片_20230227101143.jpg", "image_filename"),
    ("IMG_2041.JPG", "image_filename"),
    ("slh", "stray_token"),
    ("/", "punctuation_only"),
    ("---\t---", "punctuation_only"),
]

PROSE = [
    "本网站所有内容版权所有，未经许可不得转载。",
    "版权所有者的合法权益受法律保护，镇文化站将加强版权宣传。",
    "社区完成了无障碍设施改造，新增无障碍坡道三处、无障碍卫生间一间。",
    "志愿者在活动中分享了自己参与垃圾分类的经验。",
    "欢迎居民分享到朋友圈，让更多人了解这项惠民政策。",
    "主办单位：厚街镇文化服务中心",  # an event notice names its organiser
    "承办单位：厚街镇图书馆",
    "作者在调研报告中指出，编辑出版行业需要加快数字化转型。",
    "请市民扫一扫社区公告栏上的二维码，在线预约疫苗接种服务，并按时到场。",
    "上一篇文章中我们介绍了政策背景，本文重点解读申报条件。",
    "今年计划投入约4000万元推进乡村振兴，包括农贸市场升级改造等。",
    "综合",
    "在线服务",
    "出口欧美日韩市场的订单同比增长两成。",
    "网站地图和联系我们栏目将在月底前完成改版。",
    "访谈记录",
    "附件：新塘社区口袋公园平面图.pdf",
    "项目\t面积（平方米）\t完成时间",
    "GDP",
    "2023年",
]


@pytest.mark.parametrize(("line", "rule"), FURNITURE)
def test_furniture_line_is_named(line: str, rule: str) -> None:
    assert match_line(line_key(line)) == rule


@pytest.mark.parametrize("line", PROSE)
def test_prose_line_is_kept(line: str) -> None:
    assert match_line(line_key(line)) is None


def test_every_line_rule_has_a_furniture_example() -> None:
    named = {rule for _, rule in FURNITURE}
    line_rules = {name for name, rule in RULES.items() if rule.line is not None}
    assert line_rules == named


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("活动取得圆满成功。日韩欧美综合", "活动取得圆满成功。", 1),
        ("活動取得圓滿成功。日韩欧美综合", "活動取得圓滿成功。", 1),
        ("活动取得圆满成功。", "活动取得圆满成功。", 0),
        ("订单主要出口欧美日韩", "订单主要出口欧美日韩", 0),  # no sentence before: not glued
        ("成效显著。下一步将继续推进", "成效显著。下一步将继续推进", 0),
    ],
)
def test_spam_glued_to_a_paragraph_is_cut(text: str, expected: str, count: int) -> None:
    removed: Counter[str] = Counter()
    assert strip_inline(text, removed) == expected
    assert removed["spam_tail"] == count


def test_clean_lines_counts_each_firing() -> None:
    removed: Counter[str] = Counter()
    kept = clean_lines(["提示:您已離開視窗區1", "  ", "正文第一段。", "站長統計", "日韩欧美综合"], removed)
    assert kept == ["正文第一段。"]
    assert removed == {"toolbar_announcement": 1, "footer_field": 1, "spam_keywords": 1}


def test_classify_lines_keeps_table_tabs() -> None:
    assert classify_lines(["透水步道\t 320 \t2023年2月"], Counter()) == [(None, "透水步道\t320\t2023年2月")]


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("依託網(wǎng)站和移動終端", "依託網站和移動終端", 1),
        ("培(péi)訓(xùn)班", "培訓班", 2),
        ("网（wǎng）站", "网站", 1),
        ("东莞市（含松山湖）", "东莞市（含松山湖）", 0),  # no tone mark: not pinyin
        ("附件(a)和附件(b)", "附件(a)和附件(b)", 0),
        ("Dongguan (wǎng)", "Dongguan (wǎng)", 0),  # not after a CJK character
    ],
)
def test_pinyin_annotations_are_cut(text: str, expected: str, count: int) -> None:
    removed: Counter[str] = Counter()
    assert strip_inline(text, removed) == expected
    assert removed["pinyin_annotation"] == count


@pytest.mark.parametrize(
    ("key", "spam"),
    [
        ("日韩欧美综合", True),
        ("欧美日韩 | 国产精品 | 在线观看", True),
        ("av在线", True),
        ("综合在线免费", False),  # only filler words, no strong keyword
        ("欧美", False),  # one hit only
        ("亚洲文化节在厚街开幕", False),
        ("日韩" * 30, False),  # too long for a planted run
    ],
)
def test_spam_detector(key: str, spam: bool) -> None:
    assert is_spam_line(key) is spam


@pytest.mark.parametrize(
    ("title", "expected", "cut"),
    [
        ("厚街鎮啓動網格員培訓_厚街要聞_中國東莞厚街鎮欄目日韩欧美综合",
         "厚街鎮啓動網格員培訓_厚街要聞_中國東莞厚街鎮欄目", 1),
        ("出口欧美日韩", "出口欧美日韩", 0),
    ],
)
def test_strip_trailing_spam(title: str, expected: str, cut: int) -> None:
    assert strip_trailing_spam(title, title) == (expected, cut)


def _element(html: str):
    return parse_html(f"<html><body>{html}</body></html>").find("body")[0]


@pytest.mark.parametrize(
    ("html", "rule"),
    [
        ('<a class="esdNavLink ESDAssetsTextCon" href="javascript:void(0)">提示:您已進入視窗區1</a>',
         "toolbar_announcement"),
        ('<div class="share">分享到：<a>微信</a></div>', "share_bar"),
        ("<div>分享到：<a>微信</a><a>微博</a></div>", "share_bar"),
        ('<span class="qrcode">扫一扫在手机打开当前页</span>', "qrcode_prompt"),
        ("<a>大</a>", "font_size"),
        ('<a href="javascript:window.print()">打印页面</a>', "print_close"),
        ('<a onclick="window.close()">x</a>', "print_close"),
        ("<a>關閉頁面</a>", "print_close"),
        ('<div class="location">您当前的位置：<a>首页</a></div>', "breadcrumb"),
        ('<div class="related"><h3>相关链接</h3></div>', "related_list"),
        ("<p>上一篇：<a>厚街镇开展河涌清淤行动</a></p>", "prev_next"),
        ('<div class="editor">作者：陈晓婷</div>', "editor_line"),
        ('<div class="footer"><p>版权所有</p></div>', "footer_field"),
        ("<footer>x</footer>", "footer_field"),
        ("<a>無障礙</a>", "accessibility_toggle"),
    ],
)
def test_dom_furniture_is_named(html: str, rule: str) -> None:
    assert dom_rule(_element(html)) == rule


@pytest.mark.parametrize(
    "html",
    [
        "<p>志愿者在活动中分享了自己参与垃圾分类的经验。</p>",
        "<div>分享到朋友圈之前，请先核实信息来源，不信谣、不传谣，共同维护清朗的网络空间。</div>",
        '<a href="/houjie/">首页</a>',
        "<span>无障碍设施</span>",
        "<p>上一篇报道介绍了改造方案，本篇继续关注施工进度，以及周边居民最关心的交通出行和停车安排。"
        "镇城建部门表示，施工期间将设置临时停车点和绕行指引，并安排专人在路口疏导交通，"
        "尽量减少对居民日常生活的影响，预计整体工程将于年底前全部完工并交付使用。</p>",
    ],
)
def test_dom_content_is_not_furniture(html: str) -> None:
    assert dom_rule(_element(html)) is None


def test_clean_dom_keeps_tail_text_and_protected_body() -> None:
    root = parse_html(
        '<html><body><div class="share">分享到</div><div class="article">'
        '<div class="related">x</div><p>正文<a class="esdNavLink">提示:您已進入視窗區3</a>继续。</p>'
        "</div></body></html>"
    )
    article = root.find(".//div[@class='article']")
    removed: Counter[str] = Counter()
    clean_dom(root, removed, protected=[article])
    assert root.find(".//p").xpath("string()") == "正文继续。"
    assert removed == {"share_bar": 1, "related_list": 1, "toolbar_announcement": 1}


def test_clean_dom_never_removes_an_ancestor_of_the_body() -> None:
    root = parse_html('<html><body><div class="share footer"><p>正文。</p></div></body></html>')
    body = root.find(".//p")
    clean_dom(root, Counter(), protected=[body])
    assert root.find(".//p") is not None


def test_stray_body_text_announcement_and_spam_after_footer() -> None:
    root = parse_html(
        "<html><body>已打開首頁頁面,本頁面是由1個導航區、7個視窗區共計8個區域組成,操作幫助請按Alt加問號鍵。"
        '<div class="x"><p>正文。</p></div><div class="y">版权</div>日韩欧美综合</body></html>'
    )
    removed: Counter[str] = Counter()
    clean_dom(root, removed)
    body = root.find("body")
    assert body.text is None
    assert body[-1].tail is None
    assert removed == {"toolbar_announcement": 1, "spam_keywords": 1}
