"""extract/draft.py: what every extraction path gathers, and the one step that normalises it."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import datetime

import pytest

from dgportal_crawler.extract.draft import Draft, finish
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.metadata import PubDate
from dgportal_crawler.extract.sitenames import title_strip_names
from dgportal_crawler.items import Attachment, Image
from dgportal_crawler.profile import SiteProfile

IMG = "https://www.dg.gov.cn/img/0/456/4561001.jpg"
PDF = "https://www.dg.gov.cn/attachment/0/456/4561020.pdf"


def _draft(**fields: object) -> Draft:
    base: dict[str, object] = {
        "method": "template", "template": "current",
        "title": "口袋公園開放_城鎮建設_中國東莞厚街鎮欄目",
        "published": PubDate(datetime(2023, 3, 6, 16, 20), "minute"),
        "source": "厚街镇城建办",
        "paragraphs": ["新塘社區公園開放。", "  ", "居民點讚。"],
    }
    return Draft(**{**base, **fields})  # type: ignore[arg-type]


def test_take_people_keeps_the_first_value_of_each_role() -> None:
    draft = Draft("template")
    draft.take_people({"author": "陈晓婷"})
    draft.take_people({"author": "梁志明", "editor": "黄伟"})
    assert draft.people == {"author": "陈晓婷", "editor": "黄伟"}


def test_drafts_do_not_share_their_lists() -> None:
    first, second = Draft("template"), Draft("template")
    first.paragraphs.append("甲")
    first.removed["share_bar"] += 1
    assert second.paragraphs == []
    assert second.removed == Counter()


def test_finish_normalises_a_traditional_draft(houjie: SiteProfile) -> None:
    article = finish(_draft(), houjie, title_strip_names(houjie, []))
    assert article.title == "口袋公园开放"
    assert article.title_original == "口袋公園開放_城鎮建設_中國東莞厚街鎮欄目"
    assert article.published_at == "2023-03-06T16:20:00+08:00"
    assert article.published_precision == "minute"
    assert article.source == "厚街镇城建办"
    assert article.text == "新塘社区公园开放。\n居民点赞。"  # the blank paragraph dropped
    assert article.text_original == "新塘社區公園開放。\n居民點讚。"
    assert article.script_original == "hant"
    assert article.extraction.method == "template"
    assert article.extraction.template == "current"
    assert article.extraction.warnings == []


def test_finish_simplifies_people_images_attachments_columns_and_gov_meta(houjie: SiteProfile) -> None:
    draft = _draft(
        images=[Image(IMG, "公園全景"), Image(IMG, "公園全景")],
        attachments=[Attachment(PDF, "平面圖.pdf")],
        column_path=["图说厚街", "城镇建设"],
        people={"author": "陳曉婷", "reviewer": "黃偉"},
        gov_meta={"發布機構": "厚街鎮人民政府"},
    )
    article = finish(draft, houjie, set())
    assert article.images == [Image(IMG, "公园全景")]  # the repeat dropped
    assert article.attachments == [Attachment(PDF, "平面图.pdf")]
    assert article.column_path == ["图说厚街", "城镇建设"]
    assert (article.author, article.editor, article.reviewer) == ("陈晓婷", None, "黄伟")
    assert article.gov_meta == {"发布机构": "厚街镇人民政府"}


def test_finish_without_gov_meta_or_date(houjie: SiteProfile) -> None:
    article = finish(_draft(published=None, source=None), houjie, set())
    assert article.gov_meta is None
    assert article.published_at is None
    assert article.published_precision is None
    assert article.source is None


def test_finish_writes_the_time_in_the_profile_zone(houjie: SiteProfile) -> None:
    london = dataclasses.replace(houjie, timezone="Europe/London")
    assert finish(_draft(), london, set()).published_at == "2023-03-06T16:20:00+00:00"
    assert finish(_draft(), None, set()).published_at == "2023-03-06T16:20:00+08:00"  # the portal's zone


def test_finish_counts_spam_and_pinyin_cut_from_the_title() -> None:
    draft = _draft(title="網(wǎng)站改版上线日韩欧美综合")
    draft.removed["share_bar"] = 2
    article = finish(draft, None, set())
    assert article.title == "网站改版上线"
    assert article.extraction.removed == {"pinyin_annotation": 1, "share_bar": 2, "spam_keywords": 1}
    assert list(article.extraction.removed) == sorted(article.extraction.removed)


def test_finish_warns_when_there_is_no_title() -> None:
    article = finish(_draft(title="   "), None, set())
    assert article.title == ""
    assert article.extraction.warnings == ["no title found"]


def test_finish_copies_warnings_and_encoding() -> None:
    draft = _draft(warnings=["title element missing; title from the page"], encoding={"charset": "utf-8"})
    article = finish(draft, None, set())
    draft.warnings.append("later")
    draft.encoding["charset"] = "gb18030"
    assert article.extraction.warnings == ["title element missing; title from the page"]
    assert article.extraction.encoding == {"charset": "utf-8"}


@pytest.mark.parametrize("paragraphs", [[], ["", "  ", "\u3000"]])
def test_finish_refuses_a_draft_without_text(paragraphs: list[str]) -> None:
    with pytest.raises(ExtractionError, match=r"^no article text found \(fallback extraction\)$"):
        finish(_draft(method="fallback", paragraphs=paragraphs), None, set())
