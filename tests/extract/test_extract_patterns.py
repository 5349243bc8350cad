"""extract/patterns.py: each furniture matcher on line keys, the furniture and its near miss.

Keys are written here as ``boilerplate.line_key`` makes them: simplified, ASCII punctuation,
single spaces. The rule table around these matchers is tested in test_extract_boilerplate.
"""

from __future__ import annotations

import re

import pytest

from dgportal_crawler.extract import patterns as P


@pytest.mark.parametrize(
    ("key", "announcement"),
    [
        ("已打开城镇建设_图说厚街_中国东莞厚街镇栏目页面,本页面是由1个导航区、7个视窗区共计8个区域组成,"
         "操作帮助请按alt加问号键。", True),
        ("提示:您已进入视窗区1,本区域含有45个链接,按下tab键浏览信息", True),
        ("提示:您已离开导航区2", True),
        ("您已进入交互区3", True),
        ("操作帮助", True),
        ("已打开的快递请勿退回", False),  # the opening words, then prose
        ("提示:本周六新塘社区停水", False),
        ("提示:您已进入视窗区1,请注意", False),  # the announcement, then something else
        ("市民反映操作帮助文档难找,希望改进。", False),  # the words mid-sentence
    ],
)
def test_toolbar_announcement(key: str, announcement: bool) -> None:
    assert P.is_toolbar_announcement(key) is announcement


@pytest.mark.parametrize(
    ("key", "filename"),
    [
        ("微信图片_20230227101143.jpg", True),
        ("IMG_0012.JPEG", True),
        ("口袋公园全景.webp", True),
        ("scan.tiff", True),
        ("请见附图 a.jpg", False),  # a space: a sentence about a picture
        ("/img/0/456/4561001.jpg", False),  # a path, not a bare file name
        ("平面图.pdf", False),
        ("jpg", False),
        ("x" * 81 + ".png", False),  # longer than any file name the site shows
    ],
)
def test_image_filename(key: str, filename: bool) -> None:
    assert P.is_image_filename(key) is filename


@pytest.mark.parametrize(
    ("key", "footer"),
    [
        ("版权所有:东莞市人民政府办公室 承办:东莞市政务服务和数据管理局", True),  # opens with a footer label
        ("网站标识码 : 4419000098", True),
        ("粤ICP备19114884号", True),
        ("主办:东莞市厚街镇人民政府 承办:厚街镇党政办", True),  # two owner fields
        ("主办:厚街镇文广中心 地址:厚街镇文化广场", True),  # an owner among several fields
        ("东莞市人民政府 版权所有 网站地图", True),  # not fields, but two footer labels
        ("主办:东莞市厚街镇人民政府", False),  # one owner field: content alone
        ("地址:厚街大道东1号 电话:0769-85581234", False),  # contact fields without an owner
        ("本站技术支持由开普云提供,版权所有归市政府。", False),  # a sentence
        ("欢迎访问厚街镇网站地图", False),  # one footer label in prose
        ("版权所有:" + "厚" * P.FOOTER_LINE_MAX_CHARS, False),  # too long for a footer line
    ],
)
def test_footer_line(key: str, footer: bool) -> None:
    assert P.is_footer_line(key) is footer


@pytest.mark.parametrize(
    ("key", "weak"),
    [
        ("主办:东莞市厚街镇人民政府", True),
        ("联系电话:0769-85581234", True),
        ("主办:厚街镇人民政府 浏览次数:123", True),  # counters stand in footers too
        ("版权所有:东莞市人民政府办公室", False),  # a footer label: strong, not weak
        ("来源:本网", False),
        ("主办方将于周六举行活动", False),  # no colon: prose
    ],
)
def test_weak_footer_line(key: str, weak: bool) -> None:
    assert P.is_weak_footer_line(key) is weak


@pytest.mark.parametrize(
    ("key", "info"),
    [
        ("发布日期:2023-02-27 10:14 来源:本网", True),
        ("来源:本网", True),
        ("浏览次数:123", True),
        ("发布日期:2023-02-27 10:14 来源:本网 [ 打印页面 ] [ 关闭页面 ]", True),  # tool tokens beside
        ("作者:张三 来源:本网", True),  # a person field may stand in an info line
        ("本文发布时间:2023年2月27日 字体:大 中 小", True),  # not a field line: label and companion
        ("发布时间 2023-02-27", True),  # a short line opening with the label and a date
        ("主办:东莞市 来源:本网", False),  # an owner field: a footer's line, not the info line
        ("会议时间:2023年3月1日上午9时", False),  # a date, but not under a publication label
        ("发布时间 2023年2月27日厚街镇召开全镇安全生产工作会议并部署下一阶段重点任务和具体措施", False),
        ("更新于昨日", False),
    ],
)
def test_info_line(key: str, info: bool) -> None:
    assert P.is_info_line(key) is info


@pytest.mark.parametrize(
    ("key", "placeholder"),
    [
        ("{{ detail.title }}", True),
        ("发布日期:{{detail.date}}", True),
        ("{{}}", True),
        ("{ detail.title }", False),
        ("{{" + "x" * 81 + "}}", False),  # far longer than a placeholder name
        ("公式 a{{b", False),
    ],
)
def test_template_placeholder(key: str, placeholder: bool) -> None:
    assert P.is_template_placeholder(key) is placeholder


@pytest.mark.parametrize(
    ("key", "tool"),
    [
        ("[打印本页] [关闭窗口]", True),
        ("返回顶部", True),
        ("关闭", True),
        ("字号:[大 中 小] 打印", True),  # the font switch and a print link as fields
        ("打印机采购项目公告", False),  # a tool word opening a title
        ("关闭窗口前请保存", False),
    ],
)
def test_tool_line(key: str, tool: bool) -> None:
    assert P.is_tool_line(key) is tool


@pytest.mark.parametrize(
    ("key", "editor"),
    [
        ("作者:陈晓婷 责任编辑:梁志明 审核:黄伟", True),
        ("[责任编辑:王五]", True),
        ("摄影:李明", True),
        ("编辑:张三、李四;校对:王五", True),  # not a field line (";"), but a short labelled line
        ("作者:张三 来源:本网", False),  # a source field makes it the info line
        ("记者:张三报道。", False),  # a sentence
        ("编辑部门负责审核全部稿件", False),
    ],
)
def test_editor_line(key: str, editor: bool) -> None:
    assert P.is_editor_line(key) is editor


@pytest.mark.parametrize(
    ("pattern", "furniture", "near_miss"),
    [
        (P.ACCESSIBILITY_TOGGLE, "无障碍 | 长者模式 | english", "无障碍设施建设"),
        (P.SHARE_BAR, "分享到:微信 微博 qq空间", "分享到朋友圈之前,请先阅读须知"),
        (P.QRCODE_PROMPT, "扫一扫在手机打开当前页", "扫码支付停车费"),
        (P.QRCODE_PROMPT, "扫码关注", "扫一扫领取优惠"),
        (P.FONT_SIZE, "字体:[大 中 小]", "字体设计大赛"),
        (P.PRINT_CLOSE, "[ 打印页面 ] [ 关闭页面 ]", "打印服务点"),
        (P.BREADCRUMB, "您当前的位置:首页 / 街镇", "当前位置不详"),
        (P.PREV_NEXT, "上一篇:厚街镇开展河涌清淤行动", "上一篇文章讲到"),
        (P.PREV_NEXT, "下一条", "下一条线路"),
        (P.RELATED_LIST, "相关文章:", "相关部门已介入调查"),
        (P.PUNCTUATION_ONLY, "/ | /", "|a|"),
        (P.STRAY_TOKEN, "slh", "slhx1"),
        (P.STRAY_TOKEN, "abcd", "abcde"),
    ],
)
def test_line_patterns_both_ways(pattern: re.Pattern[str], furniture: str, near_miss: str) -> None:
    assert pattern.search(furniture)
    assert not pattern.search(near_miss)


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("依托网(wǎng)站办理", "依托网站办理"),
        ("培(péi)训（xùn）班", "培训班"),
        ("厚街(hj)镇", "厚街(hj)镇"),  # no tone mark: an abbreviation
        ("(wǎng)站", "(wǎng)站"),  # not after a CJK character
        ("网(wǎngzhàn)站", "网(wǎngzhàn)站"),  # two syllables: not one annotation
    ],
)
def test_pinyin_annotation(text: str, cut: str) -> None:
    assert P.PINYIN_ANNOTATION.sub("", text) == cut
