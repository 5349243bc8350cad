"""Metadata parsers: dates, info/editor lines, government tables, breadcrumbs and titles."""

from __future__ import annotations

from datetime import datetime

import pytest

from dgportal_crawler.extract.boilerplate import line_key
from dgportal_crawler.extract.metadata import (
    label_cell_lines,
    parse_breadcrumb,
    parse_date,
    parse_editor,
    parse_gov_meta,
    parse_source,
)
from dgportal_crawler.extract.sitenames import (
    clean_title as _clean_title,
)
from dgportal_crawler.extract.sitenames import (
    column_path_from_title,
    title_strip_names,
)
from dgportal_crawler.profile import SiteProfile

SITE_NAMES = {"中国东莞厚街镇栏目"}


@pytest.mark.parametrize(
    ("text", "value", "precision", "iso"),
    [
        ("发布日期：2023-02-27 10:14", datetime(2023, 2, 27, 10, 14), "minute",
         "2023-02-27T10:14:00+08:00"),
        ("發布日期: 2023-02-27 10:14 來源: 本網", datetime(2023, 2, 27, 10, 14), "minute",
         "2023-02-27T10:14:00+08:00"),
        ("发布时间：2019-05-10 09:30:00", datetime(2019, 5, 10, 9, 30), "second",
         "2019-05-10T09:30:00+08:00"),
        ("发布时间：2019-05-10", datetime(2019, 5, 10), "day", "2019-05-10T00:00:00+08:00"),
        ("2023年3月9日", datetime(2023, 3, 9), "day", "2023-03-09T00:00:00+08:00"),
        ("2023/03/06 16:20", datetime(2023, 3, 6, 16, 20), "minute", "2023-03-06T16:20:00+08:00"),
    ],
)
def test_parse_date(text: str, value: datetime, precision: str, iso: str) -> None:
    found = parse_date(line_key(text))
    assert found is not None
    assert (found.value, found.precision, found.iso("Asia/Shanghai")) == (value, precision, iso)


@pytest.mark.parametrize("text", ["", "发布日期：", "2023-13-45", "电话 0769-12345678"])
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(line_key(text)) is None


@pytest.mark.parametrize(
    ("text", "day", "precision"),
    [
        ("发布日期：2023-09-28 成文日期：2023-09-25", 28, "day"),
        ("成文日期：2023-09-25 更新时间：2023-10-02", None, None),
        ("发布日期：2023-09-28 发布时间：2023-09-28 16:51:34", 28, "second"),
        ("发布日期：2023-09-28 16:51 发布日期：2023-09-28", 28, "minute"),
        ("发布日期：2023-09-28 发布日期：2023-10-01 08:00", 28, "day"),  # another day: the first
        ("信息提供日期：2019年11月08日 20:00", 8, "minute"),
    ],
)
def test_most_precise_publication_date(text: str, day: int | None, precision: str | None) -> None:
    found = parse_date(line_key(text))
    got = (found.value.day, found.precision) if found else (None, None)
    assert got == (day, precision)


@pytest.mark.parametrize(
    ("cells", "lines"),
    [
        (["发布时间", "2019-06-03 10:06", "信息来源", "本网"], ["发布时间:2019-06-03 10:06", "信息来源:本网"]),
        (["信息提供日期：", "2019年01月12日", "文章来源：", "社区供稿"],
         ["信息提供日期:2019年01月12日", "文章来源:社区供稿"]),
        (["来源：本网", "项目", "内容"], ["来源:本网"]),
        (["地址", "电话"], []),  # a header row of a table, not label and value
    ],
)
def test_label_cell_lines(cells: list[str], lines: list[str]) -> None:
    assert label_cell_lines(cells) == lines


def test_labelled_date_wins_over_an_earlier_date() -> None:
    found = parse_date(line_key("成文日期：2023-03-01 发布日期：2023-03-06"), labelled_only=True)
    assert found is not None and found.value == datetime(2023, 3, 6)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("字体大小：大 中 小　发布日期：2023-03-06 16:20　来源：厚街镇城建办　[ 打印页面 ]", "厚街镇城建办"),
        ("字體大?。? 、 、 發布日期: 2023-02-27 10:14 來源: 本網 [ 打印頁面 ]", "本网"),
        ("来源：本网 发布时间：2019-05-10 09:30:00 字体：[大 中 小]", "本网"),
        ("发布日期：2023-03-06", None),
        # running text: the value ends where the sentence goes on, not at the next space
        ("近日，厚街镇召开会议。本文来源：本网，欢迎转载。会议指出，要抓好落实。", "本网"),
        ("会议由镇办主持。来源：东莞日报；记者：张三。", "东莞日报"),
        ("资金来源：镇财政，专款专用。", None),  # 资金来源 is no source label
    ],
)
def test_parse_source(text: str, source: str | None) -> None:
    assert parse_source(line_key(text)) == source


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("作者：陈晓婷　责任编辑：梁志明　审核：黄伟",
         {"author": "陈晓婷", "editor": "梁志明", "reviewer": "黄伟"}),
        ("編輯：劉倩", {"editor": "刘倩"}),
        ("作者：张三 李四 审核：王五", {"author": "张三 李四", "reviewer": "王五"}),
        ("作者：张三 审稿：李四", {"author": "张三", "reviewer": "李四"}),
        ("作者：张三 校对：李四", {"author": "张三"}),
        ("本文作者：张三。", {}),
        ("无署名", {}),
        ("会议指出，要抓好落实。记者：张三，通讯员：李四。", {}),  # 记者 and 通讯员 are not kept
        ("会议指出，要抓好落实。作者：张三，欢迎转载。", {"author": "张三"}),
    ],
)
def test_parse_editor(text: str, people: dict[str, str]) -> None:
    assert parse_editor(line_key(text)) == people


def test_parse_gov_meta_cells_in_pairs_and_inline() -> None:
    cells = ["索引号：", "11441900/2023-00045", "发布机构：", "厚街镇人民政府", "发文字号：厚府〔2023〕3号",
             "公开方式", "主动公开", "备注", "无"]
    assert parse_gov_meta(cells) == {
        "索引号": "11441900/2023-00045", "发布机构": "厚街镇人民政府",
        "发文字号": "厚府〔2023〕3号", "公开方式": "主动公开",
    }


@pytest.mark.parametrize(
    ("links", "text", "path"),
    [
        (["首页", "街镇", "中国东莞厚街镇栏目", "图说厚街", "城镇建设"], "", ["图说厚街", "城镇建设"]),
        (["首頁", "街鎮", "中國東莞厚街鎮欄目", "新聞中心", "厚街要聞"], "", ["新闻中心", "厚街要闻"]),
        ([], "您当前的位置：首页 / 街镇 / 中国东莞厚街镇栏目 / 政务公开 / 通知公告", ["政务公开", "通知公告"]),
        ([], "您的当前位置: 首页 > 信息公开 > 通知公告", []),
    ],
)
def test_parse_breadcrumb(links: list[str], text: str, path: list[str]) -> None:
    assert parse_breadcrumb(links, text, SITE_NAMES) == path


@pytest.mark.parametrize(
    ("page_title", "title", "path"),
    [
        ("城鎮建設_圖說厚街_中國東莞厚街鎮欄目", "", ["图说厚街", "城镇建设"]),
        ("口袋公园建成开放_城镇建设_中国东莞厚街镇栏目", "口袋公园建成开放", ["城镇建设"]),
        ("首页", "", []),
    ],
)
def test_column_path_from_title(page_title: str, title: str, path: list[str]) -> None:
    assert column_path_from_title(page_title, SITE_NAMES, title) == path


@pytest.mark.parametrize(
    ("title", "clean", "spam"),
    [
        ("厚街镇新塘社区口袋公园建成开放_城镇建设_中国东莞厚街镇栏目", "厚街镇新塘社区口袋公园建成开放", 0),
        ("厚街鎮啓動網格員培訓_厚街要聞_中國東莞厚街鎮欄目日韩欧美综合", "厚街鎮啓動網格員培訓", 1),
        ("日韩欧美综合_厚街镇召开会议", "厚街镇召开会议", 1),
        ("出口欧美日韩市场回暖", "出口欧美日韩市场回暖", 0),
        ("2023_年度工作报告", "2023_年度工作报告", 0),
    ],
)
def test_clean_title(houjie: SiteProfile, title: str, clean: str, spam: int) -> None:
    assert _clean_title(title, title_strip_names(houjie, [])) == (clean, spam)


@pytest.mark.parametrize(("written", "iso"), [
    ("发布日期：1900-01-01 09:00", "1900-01-01T09:00:00+08:00"),  # local mean time era: +08:05:43
    ("发布日期：1988-06-01 09:00", "1988-06-01T09:00:00+09:00"),  # China's summer time, as it was
    ("发布日期：2023-02-27 10:14", "2023-02-27T10:14:00+08:00"),
])
def test_offsets_are_whole_minutes_in_every_era(written: str, iso: str) -> None:
    import re

    date = parse_date(line_key(written))
    assert date is not None
    value = date.iso("Asia/Shanghai")
    assert value == iso
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", value)  # the schema's pattern
