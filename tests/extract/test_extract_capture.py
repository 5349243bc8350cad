"""extract_capture on the real rendered text capture (tests/../shared/seeds).

Width decision (see normalise.py): the capture's ASCII ``:`` and ``,`` next to CJK become
full-width, as the site writes them; ``|`` stays ASCII. So the title is
``一把手访谈|寮厦：今年计划投4000万推进乡村振兴``.
"""

from __future__ import annotations

import pytest
from extract_helpers import SEED_CAPTURE

from dgportal_crawler.extract import ExtractionError, extract_capture
from dgportal_crawler.profile import SiteProfile

TITLE = "一把手访谈|寮厦：今年计划投4000万推进乡村振兴"
FIRST = "访谈嘉宾：寮厦社区党委书记 詹静"
# The last paragraph, checked by its opening and closing words (we keep no copy of the text).
LAST_START, LAST_END = "二是充分发挥龙头企业的带动作用，", "为社区高质量发展蓄势添能。"


@pytest.fixture(scope="module")
def capture_text() -> str:
    if not SEED_CAPTURE.exists():
        pytest.skip(f"the shared seed capture is not beside the checkout ({SEED_CAPTURE})")
    return SEED_CAPTURE.read_text(encoding="utf-8")


def test_seed_capture(capture_text: str, houjie: SiteProfile) -> None:
    a = extract_capture(capture_text, profile=houjie)
    assert a.title == TITLE
    assert a.title_original == "一把手訪談|寮廈:今年計劃投4000萬推進鄉村振興"
    assert (a.published_at, a.published_precision) == ("2023-02-27T10:14:00+08:00", "minute")
    assert a.source == "本网"
    assert a.script_original == "hant"
    assert a.paragraphs[0] == FIRST
    assert a.paragraphs[-1].startswith(LAST_START) and a.paragraphs[-1].endswith(LAST_END)
    assert len(a.paragraphs) == 20
    assert "访谈记录" in a.paragraphs
    assert a.column_path == ["图说厚街", "城镇建设"]
    assert a.extraction.method == "capture"
    assert a.extraction.removed == {
        "toolbar_announcement": 10, "share_bar": 1, "info_line": 1, "image_filename": 1,
        "stray_token": 1, "footer_field": 4, "spam_keywords": 1,
    }
    assert a.extraction.warnings == []


def test_seed_capture_has_no_furniture(capture_text: str) -> None:
    a = extract_capture(capture_text)
    for text in (a.text, a.text_original):
        for furniture in ("提示", "您已", "分享到", "字体", "字體", "?。?", "微信", ".jpg", "slh",
                          "版权", "版權", "标识码", "標識碼", "ICP", "站长统计", "站長統計",
                          "日韩欧美综合", "打印", "发布日期", "發布日期"):
            assert furniture not in text, furniture


def test_original_keeps_the_capture_script_and_split(capture_text: str) -> None:
    a = extract_capture(capture_text)
    original = a.text_original.split("\n")
    assert len(original) == len(a.paragraphs)
    assert original[0] == "訪談嘉賓:寮廈社區黨委書記 詹靜"
    assert a.paragraphs[1].startswith("内容简介：寮厦社区党委书记詹静表示，今年是贯彻落实")


def test_without_profile_the_columns_come_from_the_announcement(capture_text: str) -> None:
    a = extract_capture(capture_text)
    assert a.column_path == ["图说厚街", "城镇建设"]
    assert a.published_at == "2023-02-27T10:14:00+08:00"


def test_plain_text_without_structure() -> None:
    a = extract_capture("厚街镇召开会议\n会议部署了今年的重点工作。\n")
    assert a.title == "厚街镇召开会议"
    assert a.paragraphs == ["会议部署了今年的重点工作。"]
    assert a.published_at is None
    assert a.extraction.warnings == ["no info line (发布日期/来源) in the capture"]


@pytest.mark.parametrize("text", ["", "  \n\n", "提示:您已離開視窗區1\n站長統計\n"])
def test_empty_capture(text: str) -> None:
    with pytest.raises(ExtractionError):
        extract_capture(text)
