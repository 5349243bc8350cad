"""Coverage: which span of a column's list the archive has read completely.

A column's list is newest first. After a run the archive knows, per column, one of:
``complete`` (every page down to the end of the list was read without a failure), ``back to
D`` (every page from the newest down to entries dated D) or nothing. An incremental run may
stop paging at pages of known articles only inside a complete column; anywhere else it pages
on (known articles cost no request) until the column is complete or ``--since`` says stop.

A run in which a list page or a listed article of the column failed leaves a hole the next
run must reach: the column falls back to ``back to <today>`` (a claim of nothing), so that run
pages it to its end instead of stopping at the known first page.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The stored value for a column read to the end of its list.
COMPLETE = ""


@dataclass(frozen=True, slots=True)
class ListFacts:
    """What one run saw of one column's list (from the run's counters)."""

    list_pages: int
    list_failed: int
    reached_end: bool  # a page had no next page
    reached_since: bool  # paging stopped at entries older than --since
    stopped_early: bool  # the incremental filter stopped at known pages
    since: str | None  # the run's --since, ISO date
    until: str | None  # the run's --until, ISO date
    finished: bool  # the run finished (was not stopped by a signal or an error)
    today: str  # ISO date of the run: what a column with a hole falls back to
    articles_failed: int = 0  # listed articles that failed (not attachments)


def next_coverage(current: str | None, facts: ListFacts) -> str | None:
    """The column's coverage after this run: ``COMPLETE``, an ISO date, or None (unknown)."""
    if facts.list_failed or facts.articles_failed:
        return None if current is None else max(current, facts.today)
    read_whole_span = (facts.finished and facts.list_pages > 0 and not facts.list_failed
                       and facts.until is None)  # --until skips the newest entries
    if not read_whole_span:
        return current
    if facts.reached_end:
        return COMPLETE
    if facts.stopped_early:
        return current  # only happens inside a complete column
    if facts.reached_since and facts.since is not None:
        if current == COMPLETE:
            return COMPLETE
        return min(current, facts.since) if current else facts.since
    return current


def describe(coverage: str | None) -> str:
    """``complete``, ``partial since 2024-01-01`` or ``partial``, for tables and reports."""
    if coverage == COMPLETE:
        return "complete"
    return f"partial since {coverage}" if coverage else "partial"
