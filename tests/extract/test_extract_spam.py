"""extract/spam.py: planted keyword runs are found, at the thresholds; prose around a keyword stays."""

from __future__ import annotations

import pytest

from dgportal_crawler.extract.spam import (
    EDGE_MIN_HITS,
    SPAM_LINE_STARTS,
    SPAM_MAX_CHARS,
    STRONG_KEYWORDS,
    cut_spam_tail,
    is_spam_line,
    strip_trailing_spam,
)


@pytest.mark.parametrize(
    "key",
    [
        "日韩欧美综合",  # the seed capture's last line: three hits, two strong
        "欧美 | 在线",  # two hits, one strong, a separator between
        "日韩/欧美/综合",
        " | 日韩欧美综合",  # separators before the run
        "一区二区三区",
        "AV在线",  # the head is lower-cased before the quick reject
        "百家乐 时时彩 官网入口",
        "日韩" * (SPAM_MAX_CHARS // 2),  # exactly the longest run called spam
    ],
)
def test_planted_runs_are_spam(key: str) -> None:
    assert is_spam_line(key)


@pytest.mark.parametrize(
    "key",
    [
        "",
        " | / ",
        "综合",  # a filler word alone
        "在线服务",  # a filler word, then prose
        "日韩",  # one strong hit is not a run
        "免费 在线 观看",  # three hits, none strong
        "国产精品",
        "欧美国家客商来厚街洽谈",  # a keyword opening prose
        "厚街镇日韩欧美综合",  # prose first: the quick reject
        "日韩" * (SPAM_MAX_CHARS // 2 + 1),  # two characters past the limit
    ],
)
def test_words_and_prose_are_not_spam(key: str) -> None:
    assert not is_spam_line(key)


def test_line_starts_cover_every_keyword_head_in_both_cases() -> None:
    assert {"日", "欧", "综", "a", "A", "p", "P", "|", "。"} <= set(SPAM_LINE_STARTS)
    assert "厚" not in SPAM_LINE_STARTS
    assert all(word[0] in SPAM_LINE_STARTS for word in STRONG_KEYWORDS)


@pytest.mark.parametrize(
    ("text", "expected", "cut"),
    [
        ("新塘社区口袋公园正式开放。日韩欧美综合", "新塘社区口袋公园正式开放。", 1),
        ("新塘社區口袋公園正式開放。日韓歐美綜合", "新塘社區口袋公園正式開放。", 1),  # traditional run
        ("居民纷纷点赞!欧美在线  ", "居民纷纷点赞!", 1),  # trailing spaces are stripped first
        ("居民纷纷点赞!欧美 在线", "居民纷纷点赞!欧美 在线", 0),  # a glued tail has no space in it
        ("新塘社区口袋公园正式开放。", "新塘社区口袋公园正式开放。", 0),
        ("公园正式开放。来自欧美的游客也来参观", "公园正式开放。来自欧美的游客也来参观", 0),
        ("日韩欧美综合", "日韩欧美综合", 0),  # no sentence before it: a whole line, not a tail
        ("公园正式开放。综合", "公园正式开放。综合", 0),  # one filler word
        ("", "", 0),
    ],
)
def test_cut_spam_tail(text: str, expected: str, cut: int) -> None:
    assert cut_spam_tail(text) == (expected, cut)


def test_cut_spam_tail_returns_the_same_object_when_nothing_is_cut() -> None:
    # boilerplate.strip_inline relies on identity to know a line is unchanged
    text = "公园正式开放。  "
    assert cut_spam_tail(text)[0] is text


@pytest.mark.parametrize(
    ("title", "expected", "cut"),
    [
        ("厚街镇口袋公园开放日韩欧美综合", "厚街镇口袋公园开放", 1),
        ("厚街镇口袋公园开放_日韩欧美综合", "厚街镇口袋公园开放", 1),  # the separator goes too
        ("厚街镇口袋公园开放 | 欧美日韩无码", "厚街镇口袋公园开放", 1),
        ("厚街鞋业出口欧美日韩", "厚街鞋业出口欧美日韩", 0),  # two hits: below the edge threshold
        ("公园开放免费在线观看欧美", "公园开放免费在线观看欧美", 0),  # four hits, one strong
        ("日韩欧美综合", "日韩欧美综合", 0),  # the whole title: nothing before to keep
        ("厚街镇召开安全生产会议", "厚街镇召开安全生产会议", 0),
    ],
)
def test_strip_trailing_spam(title: str, expected: str, cut: int) -> None:
    assert strip_trailing_spam(title, title.lower()) == (expected, cut)


def test_strip_trailing_spam_matches_on_the_key_and_cuts_the_original() -> None:
    title = "厚街鎮口袋公園開放日韓歐美綜合"
    key = "厚街镇口袋公园开放日韩欧美综合"  # its simplified form, same length
    assert strip_trailing_spam(title, key) == ("厚街鎮口袋公園開放", 1)


def test_strip_trailing_spam_refuses_a_key_of_another_length() -> None:
    # positions in the key would not be positions in the title
    assert strip_trailing_spam("公园开放日韩欧美综合", "公园开放日韩欧美综合x") == ("公园开放日韩欧美综合", 0)


def test_edge_threshold_is_higher_than_the_line_threshold() -> None:
    # a run glued to a title needs more evidence than a run standing as a line
    assert is_spam_line("欧美日韩")
    assert EDGE_MIN_HITS > 2
