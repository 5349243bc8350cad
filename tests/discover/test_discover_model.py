"""What discovery found: a candidate's folder and the discovery's columns."""

from __future__ import annotations

from dgportal_crawler.discover.model import Candidate, Discovery, FeedFinding

BASE = "https://www.dg.gov.cn/humen/"


def test_a_new_candidate_is_not_a_list_until_its_page_says_so() -> None:
    candidate = Candidate(BASE + "zwgk/c1502/", "通知公告")
    assert (candidate.kind, candidate.template, candidate.entries, candidate.feed) == ("not a list", "", 0, None)


def test_a_candidates_folder_drops_the_list_file() -> None:
    assert Candidate(BASE + "xwzx/zcdt/list.shtml", "").folder == BASE + "xwzx/zcdt/"
    assert Candidate(BASE + "xwzx/c1471", "").folder == BASE + "xwzx/c1471/"


def test_columns_are_the_candidates_that_are_lists_in_order() -> None:
    found = Discovery("humen", BASE, candidates=[
        Candidate(BASE + "a/", "", "list"), Candidate(BASE + "b/", ""), Candidate(BASE + "c/", "", "skipped"),
        Candidate(BASE + "d/", "", "list"),
    ])
    assert [c.url for c in found.columns] == [BASE + "a/", BASE + "d/"]


def test_a_new_discovery_has_nothing_and_no_problem() -> None:
    found = Discovery("humen", BASE)
    assert (found.columns, found.feeds, found.requests, found.stopped_early, found.problem) == ([], [], 0, False, "")


def test_a_feed_finding_belongs_to_no_column_by_default() -> None:
    assert FeedFinding(9312, "").column_url == "" and FeedFinding(9312, "").entries == 0
