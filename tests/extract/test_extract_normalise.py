"""extract/normalise.py: script detection, t2s, whitespace and width, as parametrised tables."""

from __future__ import annotations

from importlib import resources

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dgportal_crawler.extract.normalise import (
    detect_script,
    is_simplified,
    narrow_width,
    normalise_text,
    normalise_texts,
    normalise_whitespace,
    to_simplified,
    widen_cjk_punctuation,
)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("厚街镇新塘社区口袋公园建成开放", "hans"),
        ("厚街鎮新塘社區口袋公園建成開放", "hant"),
        ("一把手訪談|寮廈:今年計劃投4000萬推進鄉村振興", "hant"),
        ("厚街镇新塘社区 厚街鎮新塘社區", "mixed"),
        ("访谈嘉宾：詹静。報", "hans"),  # one traditional character among many simplified
        ("hello 2023", "hans"),  # nothing script-specific: valid simplified as it stands
        ("", "hans"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


@pytest.mark.parametrize(
    ("text", "simplified"),
    [
        ("訪談嘉賓:寮廈社區黨委書記", "访谈嘉宾:寮厦社区党委书记"),
        ("厚街鎮啓動2023年網格員業務培訓", "厚街镇启动2023年网格员业务培训"),
        ("一目瞭然", "一目了然"),  # a t2s phrase: goes through OpenCC itself
        ("已经是简体", "已经是简体"),
        ("", ""),
    ],
)
def test_to_simplified(text: str, simplified: str) -> None:
    assert to_simplified(text) == simplified


def test_to_simplified_keeps_simplified_text_identical() -> None:
    text = "厚街镇新塘社区"
    assert to_simplified(text) is text
    assert is_simplified(text)
    assert not is_simplified("厚街鎮")


_TRAD = "訪談嘉賓寮廈社區黨委書記詹靜發佈網站乾燥儘管於著麼後裡髮面么俱彷沈牴瞭藉衹覆畫徵昇鍾鍊"
_PHRASES = ["一目瞭然", "不瞭解", "藉口", "覆蓋", "沈陽", "彷彿", "么麼", "俱樂部", "瞭望"]
_PHRASE_FILE = resources.files("opencc") / "dictionary" / "TSPhrases.txt"
_PHRASES += [line.split("\t")[0] for line in _PHRASE_FILE.read_text("utf-8").splitlines()[::7]]
_TOKENS = st.sampled_from([*_TRAD, *_PHRASES, "，", "。", " ", ":", "?", "(", "a", "1"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_TOKENS, max_size=40).map("".join))
def test_fast_t2s_equals_opencc(text: str) -> None:
    assert to_simplified(text) == opencc.OpenCC("t2s").convert(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("　　近日，厚街镇", "近日，厚街镇"),  # ideographic spaces (paragraph indent)
        ("党委书记\u00a0詹静", "党委书记 詹静"),
        ("a \t\n b", "a b"),
        ("零\u200b宽", "零宽"),
        ("   ", ""),
    ],
)
def test_normalise_whitespace(text: str, expected: str) -> None:
    assert normalise_whitespace(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ｇ２０峰会", "G20峰会"),
        ("一把手访谈｜寮厦", "一把手访谈|寮厦"),
        ("，。：", "，。："),  # Chinese punctuation is not narrowed
    ],
)
def test_narrow_width(text: str, expected: str) -> None:
    assert narrow_width(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("寮厦:今年计划", "寮厦：今年计划"),
        ("表示,今年是", "表示，今年是"),
        ("目标计划?抓好", "目标计划？抓好"),
        ("10:14", "10:14"),  # between digits: a time stays ASCII
        ("4,000元", "4,000元"),
        ("Tab key: next", "Tab key: next"),
    ],
)
def test_widen_cjk_punctuation(text: str, expected: str) -> None:
    assert widen_cjk_punctuation(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一把手訪談|寮廈:今年計劃投4000萬推進鄉村振興", "一把手访谈|寮厦：今年计划投4000万推进乡村振兴"),
        ("　　訪談嘉賓:寮廈社區黨委書記\u00a0詹靜", "访谈嘉宾：寮厦社区党委书记 詹静"),
        ("面积（平方米）", "面积（平方米）"),
    ],
)
def test_normalise_text(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


def test_normalise_texts_matches_one_by_one_and_keeps_tabs() -> None:
    texts = ["訪談嘉賓:寮廈", "透水步道\t 320 \t2023年2月", "　　近日，厚街镇"]
    assert normalise_texts(texts) == [
        "访谈嘉宾：寮厦",
        "透水步道\t320\t2023年2月",
        "近日，厚街镇",
    ]


@pytest.mark.parametrize(("raw", "clean"), [
    ("\u202e厚街镇召开会议", "厚街镇召开会议"),  # right-to-left override
    ("厚街\u2066镇\u2069召开\u200f会议", "厚街镇召开会议"),  # isolates, right-to-left mark
    ("厚街镇\x07召开\x00会议\x1b", "厚街镇召开会议"),  # BEL, NUL, ESC
    ("ASCII\x08 title\x7f", "ASCII title"),  # an ASCII text is cleaned too
    ("厚街\u0085镇", "厚街镇"),  # a C1 control
    ("a\tb\nc", "a b c"),  # tabs and line breaks are spaces
])
def test_bidi_and_control_characters_never_reach_a_stored_text(raw: str, clean: str) -> None:
    assert normalise_text(raw) == clean
    assert normalise_whitespace(raw) == clean

