"""The run's vocabulary, in one place: stats keys, request meta keys, and which counters the
progress bar, the end-of-run table and the run report show.

Every counter is kept twice: per column (``dgportal/column/<id>/<counter>``) and in total
(``dgportal/<counter>``). Failures are also kept by reason (``dgportal/failed/<reason>``).
"""

from __future__ import annotations

from typing import Any

from scrapy.statscollectors import StatsCollector

PREFIX = "dgportal/"
COLUMN_PREFIX = PREFIX + "column/"

# -- request meta keys ----------------------------------------------------------------------
META_KIND = "dgportal_kind"  # "list" | "article" | "attachment"
META_COLUMN = "dgportal_column"  # the column id a request belongs to
META_REDIRECTS = "dgportal_redirects"  # on-site redirect hops followed for one article
META_LISTED_URL = "dgportal_listed_url"  # the URL an article was listed under, kept across redirects
META_REDIRECT_CHAIN = "dgportal_redirect_chain"  # the URLs an article's redirects went through
META_LIST_CHAIN = "dgportal_list_chain"  # the list pages a column's next-page links went through
META_FETCHED_AT = "dgportal_fetched_at"  # when the answer came off the wire
META_WARC = "dgportal_warc"  # where the exchange was captured (a WarcRef dict)
META_FEED_WALK = "dgportal_feed_walk"  # the next feed of a column's feed tree (or its list check): no paging

# -- run-wide counters (no per-column copy) -------------------------------------------------
EXTRACTED_IN_WORKERS = PREFIX + "extraction/in_workers"  # article pages a worker process extracted
EXTRACTION_WORKER_LOST = PREFIX + "extraction/worker_lost"  # workers that died (then: in the crawl's process)
EXTRACTION_NOT_SHIPPED = PREFIX + "extraction/not_shipped"  # pages that could not cross to a worker and back

# -- counters (the part after ``dgportal/`` or ``dgportal/column/<id>/``) -------------------
# navigation
LIST_PAGES = "list_pages"
LIST_FAILED = "list_failed"
LIST_TEMPLATE_MISS = "list_template_miss"
LISTED = "listed"
OUT_OF_RANGE = "out_of_range"
STOPPED_EARLY = "stopped_early"
LIST_END = "list_end"  # a list page without a next page: the end of the column's list
SINCE_REACHED = "since_reached"  # paging stopped at entries older than --since
LIST_BUDGET_SPENT = "list_budget_spent"  # paging stopped at DGPORTAL_MAX_LIST_PAGES
SKIPPED_KNOWN = "skipped_known"
FEED_ROUTE = "feed_route"  # the column's articles came from its feed (/postmeta/i/<id>.json)
FEED_FALLBACK = "feed_fallback"  # the feed failed or was empty: the HTML list was read instead
FEED_OFF_SITE = "feed_off_site"  # feed entries pointing off the site, not followed
FEED_LIST_ONLY = "feed_list_only"  # on list page 1, missing from the feed (fetched anyway)
FEED_ONLY = "feed_only"  # in the feed, as new as list page 1, but not on it
FEED_CHILDREN = "feed_children"  # child feeds (a feed's ``children``) read for the column
FEED_CHILD_UNREAD = "feed_child_unread"  # child feeds that answered an error, no feed or nothing
FEED_CHILD_ELSEWHERE = "feed_child_elsewhere"  # child feeds left to the crawled column they belong to
FEED_REPEATED = "feed_repeated"  # articles a second feed of the tree listed again (asked for once)
GKMLPT_END_404 = "gkmlpt_end_404"  # a later API page answered 404: the column ended there
GKMLPT_ROUTE = "gkmlpt_route"  # the column was read through the disclosure platform's API
ARTICLE_FAILED = "article_failed"
# outcomes of a fetched article: each ends in exactly one of these
STORED = "stored"
UNCHANGED = "unchanged"
WITHDRAWN = "withdrawn"
STILL_WITHDRAWN = "still_withdrawn"
RESTORED = "restored"
DUPLICATE = "duplicate"
FAILED = "failed"
# decisions about stored lines
NEW = "new"
UPDATED = "updated"
# extraction
EXTRACTED = "extracted"
FALLBACK = "fallback"
# attachments
ATTACHMENTS = "attachments"
ATTACHMENT_FAILED = "attachment_failed"

# -- totals only ---------------------------------------------------------------------------
ARTICLES_DISCOVERED = PREFIX + "articles_discovered"
TORN_LINES_REPAIRED = PREFIX + "torn_lines_repaired"
TORN_WARC_REPAIRED = PREFIX + "torn_warc_repaired"
STATE_REPLAYED = PREFIX + "state_replayed"
STATE_WRITE_FAILED = PREFIX + "state_write_failed"  # writes refused after the state failed
COVERAGE_PREFIX = PREFIX + "coverage/"  # dgportal/coverage/<column>: "complete" | "partial since …"

#: An article is done (for the progress bar) when one of these is counted for it.
DONE = (STORED, FAILED, DUPLICATE, UNCHANGED, WITHDRAWN, STILL_WITHDRAWN, RESTORED, SKIPPED_KNOWN)
#: The end-of-run table: (heading, counter).
SUMMARY_COLUMNS = (
    ("list pages", LIST_PAGES),
    ("listed", LISTED),
    ("known", SKIPPED_KNOWN),
    ("stored", STORED),
    ("unchanged", UNCHANGED),
    ("withdrawn", WITHDRAWN),
    ("duplicate", DUPLICATE),
    ("failed", FAILED),
    ("fallback", FALLBACK),
)
#: Counters in a summary row besides the shown ones (for the exit code and the alarms).
SUMMARY_EXTRA = (EXTRACTED, LIST_FAILED)
#: Counters of the run report, per column, besides the fallback rate and failures by reason.
REPORT_COUNTERS = (LIST_PAGES, LISTED, "fetched", NEW, UPDATED, UNCHANGED, DUPLICATE, FAILED,
                   WITHDRAWN, FALLBACK)
#: What the report calls "fetched": every article answer that reached a decision.
FETCHED_PARTS = (NEW, UPDATED, UNCHANGED, FAILED, DUPLICATE)


def column_key(column: str | None, counter: str) -> str:
    return f"{COLUMN_PREFIX}{column or '-'}/{counter}"


def total_key(counter: str) -> str:
    return PREFIX + counter


def failure_key(reason: str) -> str:
    """``dgportal/failed/<reason>``, e.g. ``http_404``, ``extraction``, ``list/unreadable``."""
    return f"{PREFIX}{FAILED}/{reason}"


def inc(stats: StatsCollector | None, key: str, count: int = 1) -> None:
    if stats is not None:
        stats.inc_value(key, count)


def count(stats: StatsCollector | None, column: str | None, counter: str, n: int = 1) -> None:
    """One counter, per column and in total."""
    inc(stats, column_key(column, counter), n)
    inc(stats, total_key(counter), n)


def route_of(row: dict[str, int]) -> str:
    """Where a column's article URLs came from: ``feed``, ``gkmlpt api``, ``list`` or ``list
    (feed failed)``."""
    if row.get(GKMLPT_ROUTE):
        return "gkmlpt api"
    if row.get(FEED_ROUTE):
        return "feed"
    return "list (feed failed)" if row.get(FEED_FALLBACK) else "list"


def fallback_rate(row: dict[str, int]) -> float:
    """Share of a column's extracted articles that needed the fallback extractor."""
    extracted = row.get(EXTRACTED, 0)
    return row.get(FALLBACK, 0) / extracted if extracted else 0.0


def per_column(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """``{column: {counter: n}}`` from a flat stats dict; failures of any kind add up."""
    table: dict[str, dict[str, int]] = {}
    for key, value in stats.items():
        if not key.startswith(COLUMN_PREFIX) or not isinstance(value, int):
            continue
        column, _, counter = key[len(COLUMN_PREFIX):].partition("/")
        row = table.setdefault(column, {})
        row[counter] = row.get(counter, 0) + value
        if counter.endswith("_" + FAILED):
            row[FAILED] = row.get(FAILED, 0) + value
    return table


def done_count(stats: dict[str, Any]) -> int:
    return sum(int(stats.get(total_key(k), 0)) for k in DONE)


def list_pages_count(stats: dict[str, Any]) -> int:
    return sum(v for k, v in stats.items()
               if k.startswith(COLUMN_PREFIX) and k.endswith("/" + LIST_PAGES) and isinstance(v, int))


def summary_rows(stats: dict[str, Any], column_ids: list[str]) -> list[dict[str, Any]]:
    """Rows in profile order for every crawled column, then a total row."""
    table = per_column(stats)
    keys = [k for _, k in SUMMARY_COLUMNS] + list(SUMMARY_EXTRA)
    rows: list[dict[str, Any]] = [{"column": c, **{k: table.get(c, {}).get(k, 0) for k in keys}}
                                  for c in column_ids]
    total = {"column": "total", **{k: sum(r[k] for r in rows) for k in keys}}
    return [*rows, total]
