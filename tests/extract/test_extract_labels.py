"""The one label vocabulary: every label is removed as furniture *and* parsed as metadata,
in any order, script, width and separator; prose that merely mentions a label is kept."""

from __future__ import annotations

import itertools

import opencc
import pytest

from dgportal_crawler.extract import labels as L
from dgportal_crawler.extract.boilerplate import line_key, match_line
from dgportal_crawler.extract.metadata import (
    parse_breadcrumb,
    parse_date,
    parse_editor,
    parse_source,
)

_S2T = opencc.OpenCC("s2t").convert
WIDE = str.maketrans({":": "：", ",": "，", "|": "｜", "(": "（", ")": "）"})
NARROW = str.maketrans({"：": ":", "，": ",", "｜": "|", "（": "(", "）": ")", "　": " "})


def forms(line: str) -> list[str]:
    """The line as a page may show it: simplified or traditional, full-width or ASCII."""
    return [line, line.translate(NARROW), _S2T(line), _S2T(line).translate(NARROW)]


def rule(line: str) -> str | None:
    return match_line(line_key(line))


def key(line: str) -> str:
    return line_key(line)


# -- every label of the vocabulary, by kind ---------------------------------------------

@pytest.mark.parametrize("label", L.DATE_LABELS)
def test_publication_date_labels(label: str) -> None:
    for line in forms(f"{label}：2023-03-06 16:20"):
        assert rule(line) == "info_line", line
        found = parse_date(key(line), labelled_only=True)
        assert found is not None and (found.value.day, found.precision) == (6, "minute"), line


@pytest.mark.parametrize("label", L.OTHER_DATE_LABELS)
def test_other_date_labels_are_furniture_but_never_the_publication_date(label: str) -> None:
    for line in forms(f"{label}：2023-03-01"):
        assert rule(line) == "info_line", line
        assert parse_date(key(line), labelled_only=True) is None
        assert parse_date(key(line)) is None  # not even as an unlabelled date
    both = key(f"{label}：2023-03-01　发布日期：2023-03-06")
    assert parse_date(both) is not None and parse_date(both).value.day == 6


@pytest.mark.parametrize("label", L.SOURCE_LABELS)
def test_source_labels(label: str) -> None:
    for line in forms(f"{label}：东莞日报"):
        assert rule(line) == "info_line", line
        assert parse_source(key(line)) == "东莞日报"
    assert parse_source(key(f"发表时间：2023-01-02 | {label}：本网 | 浏览次数：123")) == "本网"


ROLE_OF = {label: role for label, role in L.PERSON_ROLES.items()}


@pytest.mark.parametrize("label", list(L.PERSON_ROLES))
def test_person_labels(label: str) -> None:
    role = ROLE_OF[label]
    for line in forms(f"{label}：李四"):
        assert rule(line) == "editor_line", line
        assert parse_editor(key(line)) == ({role: "李四"} if role else {})
    # next to 作者, the label ends the author's value (the 审稿 bug: "张三 审稿")
    together = parse_editor(key(f"作者：张三 {label}：李四"))
    assert together["author"] == "张三"
    if role and role != "author":
        assert together[role] == "李四"
    assert rule(f"【{label}：李四】") == "editor_line"


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("作者：张三 审稿：李四", {"author": "张三", "reviewer": "李四"}),
        ("作者:张三 审稿:李四", {"author": "张三", "reviewer": "李四"}),
        ("通讯员：王五 校对：赵六", {}),
        ("作者：张三　校对：赵六　审核：钱七", {"author": "张三", "reviewer": "钱七"}),
        ("【责任编辑：周八】", {"editor": "周八"}),
        ("作者：张三｜责任编辑：李四｜审稿：王五", {"author": "张三", "editor": "李四", "reviewer": "王五"}),
        ("摄影：孙九 编辑：吴十", {"editor": "吴十"}),
        ("作者：张三 李四 审核：王五", {"author": "张三 李四", "reviewer": "王五"}),
    ],
)
def test_people_lines(line: str, people: dict[str, str]) -> None:
    for form in forms(line):
        assert rule(form) == "editor_line", form
        assert parse_editor(key(form)) == people


@pytest.mark.parametrize("label", L.CRUMB_LABELS)
def test_breadcrumb_labels(label: str) -> None:
    text = f"{label}：首页 > 街镇 > 中国东莞厚街镇栏目 > 新闻中心 > 厚街要闻"
    for line in forms(text):
        assert rule(line) == "breadcrumb", line
    assert parse_breadcrumb([], text, {"中国东莞厚街镇栏目"}) == ["新闻中心", "厚街要闻"]


FOOTER_VALUES = {"版权所有": "东莞市人民政府办公室", "网站标识码": "4419000098", "备案号": "粤ICP备19114884号",
                 "备案编号": "粤ICP备05082361号", "icp备案号": "粤ICP备05082361号-1", "icp备案": "粤ICP备05082361号",
                 "技术支持": "开普云", "copyright": "© 2024 东莞市人民政府"}


@pytest.mark.parametrize("label", L.FOOTER_LABELS)
def test_footer_labels(label: str) -> None:
    value = FOOTER_VALUES.get(label, "")
    line = f"{label}：{value}" if value else label
    for form in forms(line):
        assert rule(form) == "footer_field", form
        fields = L.fields_of(key(form))
        assert fields is not None and fields[0].kind == "footer", form


@pytest.mark.parametrize("label", L.OWNER_LABELS + L.CONTACT_LABELS)
def test_owner_and_contact_labels_alone_are_content_but_parsed(label: str) -> None:
    alone = f"{label}：东莞市厚街镇康乐南路8号"
    assert rule(alone) is None  # an event notice's line
    assert L.fields_of(key(alone)) == (L.Field(label, L.kind_of(label), "东莞市厚街镇康乐南路8号"),)
    owner = "承办" if label.startswith("主办") else "主办"
    line = f"{owner}：东莞市厚街镇人民政府　{label}：东莞市厚街镇康乐南路8号"
    for form in forms(line):
        assert rule(form) == "footer_field", form


@pytest.mark.parametrize("label", L.COUNTER_LABELS)
def test_counter_labels(label: str) -> None:
    for line in forms(f"{label}：1234"):
        assert rule(line) == "info_line", line
        assert L.kinds_of(L.fields_of(key(line)) or ()) == {"counter"}


@pytest.mark.parametrize(
    ("line", "label"),
    [("粤ICP备19114884号", "ICP备案"), ("粤ICP备19114884号-2", "ICP备案"),
     ("粤公网安备 44190002000375 号", "公网安备"), ("粤公网安备44190002000375号", "公网安备")],
)
def test_filing_numbers(line: str, label: str) -> None:
    for form in forms(line):
        assert rule(form) == "footer_field", form
        assert [f.label for f in L.fields_of(key(form)) or ()] == [label]


def test_every_label_has_a_kind_and_the_issue_list_is_covered() -> None:
    wanted = [
        "发布日期", "发布时间", "发表时间", "更新时间", "信息提供日期", "成文日期", "来源", "信息来源", "稿件来源",
        "文章来源", "作者", "编辑", "责任编辑", "审核", "审稿", "校对", "摄影", "通讯员", "记者", "您的当前位置",
        "当前位置", "您现在的位置", "所在位置", "版权所有", "主办", "主办单位", "承办", "承办单位", "协办", "地址",
        "联系电话", "电话", "邮编", "传真", "电子邮箱", "网站标识码", "icp备案", "技术支持", "网站地图", "联系我们",
        "隐私声明", "免责声明", "纠错", "站长统计", "浏览次数", "访问量",
    ]
    assert [w for w in wanted if w not in L.LABEL_KINDS] == []


# -- footers in any order, combination, separator, script and width ------------------------

TOWN_FOOTERS = [
    ("主办：东莞市厚街镇人民政府", "承办：厚街镇党政办", "地址：东莞市厚街镇厚街大道东1号"),
    ("主办单位：东莞市虎门镇人民政府", "承办单位：虎门镇党政办", "联系电话：0769-85121234", "邮编：523900"),
    ("版权所有：东莞市塘厦镇人民政府", "地址：东莞市塘厦镇环市中路1号", "传真：0769-87921235",
     "电子邮箱：txzf@dg.gov.cn"),
    ("网站标识码：4419000058", "粤ICP备05082390号", "协办：塘厦镇宣传办", "技术支持：开普云", "网站地图", "联系我们"),
    ("主办：东莞市市场监督管理局", "电话：0769-22831234", "隐私声明", "免责声明", "纠错", "站长统计"),
]
SEPARATORS = ["　", " ", " | ", "|", "  ", ""]


@pytest.mark.parametrize("fields", TOWN_FOOTERS)
@pytest.mark.parametrize("separator", SEPARATORS)
def test_footer_lines_in_any_order(fields: tuple[str, ...], separator: str) -> None:
    for order in itertools.islice(itertools.permutations(fields), 0, None, 5):
        for form in forms(separator.join(order)):
            assert rule(form) == "footer_field", form


# -- prose that mentions the words stays ------------------------------------------------

PROSE = [
    "本次活动的主办单位是镇文化服务中心，承办单位为镇图书馆。",
    "主办单位：厚街镇文化服务中心；承办单位：厚街镇图书馆。",
    "主办单位：厚街镇文化服务中心",
    "联系电话：0769-85581234",
    "地址：东莞市厚街镇康乐南路8号",
    "地址：东莞市厚街镇康乐南路8号 联系电话：0769-85581234",
    "举报电话：0769-85580000",
    "活动地点：厚街镇文化广场",
    "市民可拨打联系电话0769-12345678咨询，或发送电子邮箱反映问题。",
    "作者在调研报告中指出，编辑出版行业需要加快数字化转型。",
    "审稿专家对申报材料进行了逐一校对。",
    "摄影爱好者记录下了龙舟竞渡的精彩瞬间。",
    "资金来源：镇财政专项资金。",
    "信息来源于各社区网格员的日常巡查。",
    "发布时间和地点将另行通知。",
    "文章的发表时间为2023年3月，来源为镇宣传办。",
    "本网站所有内容版权所有，未经许可不得转载。",
    "网站地图和联系我们栏目将在月底前完成改版。",
    "记者从镇应急管理分局了解到，今年已开展演练12场。",
    "通讯员队伍不断壮大，全年供稿300余篇。",
    "当前位置偏远的村组将优先安排公交线路。",
    "浏览次数超过一万的政策解读将被制成图解。",
    "访问量统计显示，政务服务网上办理占比达到九成。",
    "技术支持单位为开普云公司，负责平台运维。",
    "2023年3月1日",
    "厚街镇人民政府",
]


@pytest.mark.parametrize("line", PROSE)
def test_prose_that_mentions_labels_is_kept(line: str) -> None:
    for form in forms(line):
        assert rule(form) is None, form
