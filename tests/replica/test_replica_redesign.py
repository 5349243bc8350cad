"""The "redesign" variant: the same articles in another DOM, opt-in, for the fallback."""

from __future__ import annotations

from collections import Counter

import lxml.html
import pytest

from dgportal_crawler.profile import load_profile
from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.redesign import LAYOUTS, layout_of

ORIGIN = "https://www.dg.gov.cn"
SEED = 2023


@pytest.fixture(scope="module")
def redesigned() -> Replica:
    return Replica(seed=SEED, redesign=1.0)


def _records(replica: Replica) -> list[dict]:
    return [r for r in replica.ground_truth() if r["variant"] == "redesign"]


def _doc(replica: Replica, record: dict) -> lxml.html.HtmlElement:
    response = replica.respond(record["url"][len(ORIGIN):])
    assert response.status == 200
    return lxml.html.fromstring(response.body.decode("utf-8"))


def test_redesign_is_opt_in_and_changes_no_other_choice() -> None:
    plain, some = Replica(seed=SEED), Replica(seed=SEED, redesign=0.2)
    assert "redesign" not in {plain.variant_of(pid) for pid in plain.article_ids()}
    counted = Counter(some.variant_of(pid) for pid in some.article_ids())
    assert counted["redesign"] == 30
    for pid in plain.article_ids():
        if plain.variant_of(pid) != "plain":  # captures and mirrors stay where they were
            assert some.variant_of(pid) == plain.variant_of(pid)


def test_ground_truth_is_the_plain_pages(redesigned: Replica) -> None:
    plain = {r["id"]: r for r in Replica(seed=SEED).ground_truth()}
    for record in _records(redesigned):
        same = {k: v for k, v in plain[record["id"]].items() if k not in ("variant", "edition_changed")}
        assert {k: record[k] for k in same} == same


def test_no_template_selector_matches(redesigned: Replica) -> None:
    profile = load_profile("houjie")
    selectors = [sel for t in profile.templates.values()
                 for sel in (t.article_body, t.article_title, t.article_info, t.article_editor)]
    for record in _records(redesigned)[:40]:
        doc = _doc(redesigned, record)
        for selector in selectors:
            if selector.startswith("xpath:"):
                assert not doc.xpath(selector.removeprefix("xpath:")), selector
            else:
                assert not doc.cssselect(selector), selector


def test_every_layout_is_used_and_shows_its_metadata_its_way(redesigned: Replica) -> None:
    seen = Counter()
    for record in _records(redesigned):
        layout = layout_of(SEED, record["post_id"])
        seen[layout] += 1
        doc = _doc(redesigned, record)
        metas = {m.get("name") for m in doc.iter("meta")}
        text = doc.text_content()
        if layout == "table":
            assert doc.xpath("//table//th[.='发布时间']") and doc.xpath("//table//th[.='信息来源']")
        elif layout == "dl":
            assert doc.xpath("//dl/dt[.='信息提供日期：']") and doc.xpath("//dl/dt[.='文章来源：']")
        else:
            assert {"PubDate", "ContentSource", "ArticleTitle"} <= metas
            assert not any(label in text for label in ("发布日期", "发布时间", "信息来源", "来源："))
        if layout != "meta":
            assert "PubDate" not in metas and "ArticleTitle" not in metas
    assert set(seen) == set(LAYOUTS)


def test_body_is_split_and_navigation_follows_it(redesigned: Replica) -> None:
    split = 0
    for record in _records(redesigned):
        doc = _doc(redesigned, record)
        text = doc.text_content()
        last = 0
        for paragraph in record["paragraphs"]:  # every paragraph, in order
            at = text.find(paragraph.split("\t")[0], last)
            assert at >= last, (record["url"], paragraph)
            last = at
        crumb = doc.xpath("//div[@class='crumb']")[0].text_content()
        assert text.index(crumb) > last, "the breadcrumb comes after the body"
        parts = doc.xpath("//div[@class='seg'] | //section | //div[@class='txt-part']")
        split += len(parts) > 1
    assert split > 20, "many bodies are split across several blocks"
