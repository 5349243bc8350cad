"""extract/lines.py: paragraph lines → content, metadata read off furniture lines, owner and
contact lines next to a footer, labels split from their values joined back."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.lines import (
    FURNITURE_READERS,
    content_keys,
    join_label_lines,
    mark_footer_runs,
    read_fields,
    read_furniture_metadata,
    read_lines,
)
from dgportal_crawler.extract.metadata import PubDate

FOOTER = "版权所有：东莞市人民政府办公室"


def test_furniture_readers_are_the_info_and_editor_lines() -> None:
    assert set(FURNITURE_READERS) == {"info_line", "editor_line"}


def test_read_fields_of_a_traditional_info_line() -> None:
    draft = Draft("template")
    read_fields(draft, "發布日期：2023-03-06 16:20　來源：厚街鎮城建辦")
    assert draft.published == PubDate(datetime(2023, 3, 6, 16, 20), "minute")
    assert draft.source == "厚街镇城建办"  # simplified: values are read from keys


def test_read_fields_keeps_what_is_known_and_takes_a_more_precise_same_day_time() -> None:
    draft = Draft("template", source="本网", people={"author": "陈晓婷"})
    draft.published = PubDate(datetime(2023, 3, 6), "day")
    read_fields(draft, "发布时间：2023-03-06 16:20:05 来源：东莞日报")
    assert draft.published == PubDate(datetime(2023, 3, 6, 16, 20, 5), "second")
    assert draft.source == "本网"
    read_fields(draft, "作者：梁志明 责任编辑：黄伟 发布时间：2023-03-07 09:00")
    assert draft.people == {"author": "陈晓婷", "editor": "黄伟"}
    assert draft.published.value == datetime(2023, 3, 6, 16, 20, 5)  # another day: not taken


@pytest.mark.parametrize(
    ("lines", "marked"),
    [
        # an owner line just before the footer
        ([(None, "正文。"), (None, "主办：东莞市厚街镇人民政府"), ("footer_field", FOOTER)], [1]),
        # a contact line after the footer, a separator between
        ([("footer_field", FOOTER), ("punctuation_only", "|"), (None, "地址：厚街大道东1号")], [2]),
        # a run ending the page: an owner among two labels
        ([(None, "正文。"), (None, "主办：厚街镇人民政府"), (None, "联系电话：0769-85581234")], [1, 2]),
        # ending the page without an owner: contact lines of an article stay
        ([(None, "正文。"), (None, "地址：厚街大道东1号"), (None, "联系电话：0769-85581234")], []),
        # an event notice's organisers, then more content
        ([(None, "主办：厚街镇文广中心"), (None, "承办：厚街镇图书馆"), (None, "活动当天请携带身份证。")], []),
        # one owner line ending the page
        ([(None, "正文。"), (None, "主办：厚街镇人民政府")], []),
    ],
)
def test_mark_footer_runs(lines: list[tuple[str | None, str]], marked: list[int]) -> None:
    removed: Counter[str] = Counter()
    out = mark_footer_runs(lines, removed)
    changed = [i for i, (before, after) in enumerate(zip(lines, out, strict=True)) if before != after]
    assert changed == marked
    assert all(out[i] == ("footer_field", lines[i][1]) for i in marked)
    assert removed["footer_field"] == len(marked)


def test_mark_footer_runs_leaves_its_input_alone() -> None:
    lines = [(None, "主办：东莞市厚街镇人民政府"), ("footer_field", FOOTER)]
    mark_footer_runs(lines, Counter())
    assert lines == [(None, "主办：东莞市厚街镇人民政府"), ("footer_field", FOOTER)]


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["信息提供日期：", "2019年01月12日", "正文。"], ["信息提供日期:2019年01月12日", "正文。"]),
        (["来源：", "东莞日报"], ["来源:东莞日报"]),
        (["发布时间\t2023-03-06 16:20\t信息来源\t本网"], ["发布时间:2023-03-06 16:20 信息来源:本网"]),
        # a label, then prose: not a field, left as it was
        (["作者：", "厚街镇召开全镇安全生产工作会议，部署下一阶段工作。"],
         ["作者：", "厚街镇召开全镇安全生产工作会议，部署下一阶段工作。"]),
        (["版权所有：", "东莞市人民政府"], ["版权所有：", "东莞市人民政府"]),  # no value label
        (["来源："], ["来源："]),  # nothing after it
        (["透水步道\t320\t2023年2月"], ["透水步道\t320\t2023年2月"]),  # odd cells: a table row
        (["项目\t面积"], ["项目\t面积"]),  # pairs that are no fields
    ],
)
def test_join_label_lines(lines: list[str], joined: list[str]) -> None:
    assert join_label_lines(lines) == joined


def test_content_keys_leave_out_furniture_and_the_footer_run() -> None:
    lines = ["新塘社區公園開放。", "发布日期：2023-03-06", "正文第一段。", "主办：厚街镇人民政府", FOOTER]
    assert content_keys(lines) == ["新塘社区公园开放。", "正文第一段。"]


def test_read_lines_keeps_content_and_reads_furniture() -> None:
    draft = Draft("fallback")
    read_lines(["發布日期：2023-03-06 16:20 來源：本網", "　　近日，公园开放。",
                "作者：陈晓婷 责任编辑：梁志明", "日韩欧美综合"], draft)
    assert draft.paragraphs == ["近日，公园开放。"]
    assert draft.published == PubDate(datetime(2023, 3, 6, 16, 20), "minute")
    assert draft.source == "本网"
    assert draft.people == {"author": "陈晓婷", "editor": "梁志明"}
    assert draft.removed == {"info_line": 1, "editor_line": 1, "spam_keywords": 1}


def test_read_lines_joins_a_split_label_before_reading() -> None:
    draft = Draft("fallback")
    read_lines(["信息提供日期：", "2019年01月12日", "正文。"], draft)
    assert draft.paragraphs == ["正文。"]
    assert draft.published == PubDate(datetime(2019, 1, 12), "day")


@pytest.mark.parametrize(("footer_runs", "kept"), [(True, 1), (False, 3)])
def test_read_lines_footer_runs_only_for_a_whole_page(footer_runs: bool, kept: int) -> None:
    draft = Draft("fallback")
    read_lines(["正文。", "主办：厚街镇人民政府", "联系电话：0769-85581234"], draft, footer_runs=footer_runs)
    assert len(draft.paragraphs) == kept
    assert draft.removed["footer_field"] == 3 - kept


def test_read_lines_trimmed_keeps_the_line_objects() -> None:
    line = "已经整理好的段落。"
    draft = Draft("template")
    read_lines([line], draft, trimmed=True)
    assert draft.paragraphs[0] is line


def test_read_furniture_metadata_keeps_and_counts_nothing() -> None:
    draft = Draft("template")
    read_furniture_metadata(["来源：东莞日报", "正文。", "责任编辑：梁志明"], draft)
    assert draft.source == "东莞日报"
    assert draft.people == {"editor": "梁志明"}
    assert draft.paragraphs == []
    assert draft.removed == {}
