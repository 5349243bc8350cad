"""coverage.next_coverage: what a run's list reading adds to what the archive has read."""

from __future__ import annotations

import dataclasses

import pytest

from dgportal_crawler.coverage import COMPLETE, ListFacts, describe, next_coverage

# A run that read one page and stopped: nothing reached, nothing failed.
READ = ListFacts(list_pages=3, list_failed=0, reached_end=False, reached_since=False, stopped_early=False,
                 since=None, until=None, finished=True, today="2026-01-01")


def facts(**changes) -> ListFacts:
    return dataclasses.replace(READ, **changes)


@pytest.mark.parametrize("current", [None, "2024-01-01", COMPLETE])
def test_reading_to_the_end_of_the_list_makes_a_column_complete(current):
    assert next_coverage(current, facts(reached_end=True)) == COMPLETE


@pytest.mark.parametrize(
    ("current", "since", "expected"),
    [(None, "2024-01-01", "2024-01-01"),
     ("2023-06-01", "2024-01-01", "2023-06-01"),  # already known further back: keep the older day
     ("2024-06-01", "2024-01-01", "2024-01-01"),  # read further back now
     (COMPLETE, "2024-01-01", COMPLETE)],  # a complete column stays complete
)
def test_paging_down_to_since_covers_back_to_that_day(current, since, expected):
    assert next_coverage(current, facts(reached_since=True, since=since)) == expected


@pytest.mark.parametrize(
    "run",
    [
        facts(reached_end=True, finished=False),  # stopped by a signal or an error
        facts(reached_end=True, list_pages=0),  # nothing read
        facts(reached_end=True, until="2024-12-31"),  # the newest entries were skipped
        facts(stopped_early=True),  # stopped at known pages: says nothing new
        facts(),  # neither the end nor --since reached
        facts(reached_since=True, since=None),
    ],
)
@pytest.mark.parametrize("current", [None, "2024-01-01", COMPLETE])
def test_anything_less_leaves_the_coverage_as_it_was(run, current):
    assert next_coverage(current, run) == current


@pytest.mark.parametrize("hole", [{"list_failed": 1}, {"articles_failed": 1}])
@pytest.mark.parametrize(
    ("current", "expected"),
    [(COMPLETE, "2026-01-01"),  # a complete column falls back to claiming nothing
     ("2024-01-01", "2026-01-01"),
     (None, None)],
)
@pytest.mark.parametrize("how", [{"reached_end": True}, {"stopped_early": True}, {"finished": False}])
def test_a_failed_list_page_or_article_leaves_a_column_not_complete(hole, current, expected, how):
    """Else the next incremental run stops at the known first page and never reaches what
    failed on page 2 or later."""
    assert next_coverage(current, facts(**hole, **how)) == expected


@pytest.mark.parametrize(
    ("coverage", "text"),
    [(COMPLETE, "complete"), ("2024-01-01", "partial since 2024-01-01"), (None, "partial")],
)
def test_describe(coverage, text):
    assert describe(coverage) == text
