"""coverage.next_coverage: how a run's list facts move a column's coverage, as a table."""

from __future__ import annotations

import pytest

from dgportal_crawler.coverage import COMPLETE, ListFacts, describe, next_coverage


def facts(**kw) -> ListFacts:
    base = {"list_pages": 3, "list_failed": 0, "reached_end": False, "reached_since": False,
            "stopped_early": False, "since": None, "until": None, "finished": True}
    return ListFacts(**{**base, **kw})


@pytest.mark.parametrize(("current", "kw", "expected"), [
    (None, {"reached_end": True}, COMPLETE),  # read to the end of the list
    ("2024-01-01", {"reached_end": True}, COMPLETE),
    (None, {"reached_since": True, "since": "2024-01-01"}, "2024-01-01"),
    ("2023-06-01", {"reached_since": True, "since": "2024-01-01"}, "2023-06-01"),  # keeps the longer span
    ("2024-06-01", {"reached_since": True, "since": "2024-01-01"}, "2024-01-01"),
    (COMPLETE, {"reached_since": True, "since": "2024-01-01"}, COMPLETE),
    (COMPLETE, {"stopped_early": True}, COMPLETE),
    (None, {"reached_end": True, "list_failed": 1}, None),  # a failed page proves nothing
    ("2024-01-01", {"reached_end": True, "finished": False}, "2024-01-01"),  # interrupted
    (None, {"reached_end": True, "until": "2023-12-31"}, None),  # the newest entries were skipped
    (None, {"reached_end": True, "list_pages": 0}, None),
])
def test_next_coverage(current, kw, expected):
    assert next_coverage(current, facts(**kw)) == expected


def test_describe():
    assert [describe(c) for c in (COMPLETE, "2024-01-01", None)] == [
        "complete", "partial since 2024-01-01", "partial"]
