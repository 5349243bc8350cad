"""Names of the ``dgportal/`` stats keys, in one place, and helpers to read them back."""

from __future__ import annotations

from typing import Any

from scrapy.statscollectors import StatsCollector

PREFIX = "dgportal/"
COLUMN_PREFIX = PREFIX + "column/"

#: Per-column counters shown in the end-of-run table, in display order.
COLUMN_COUNTERS = (
    "list_pages",
    "listed",
    "stored",
    "duplicate",
    "failed",
    "fallback",
)


def column_key(column: str | None, counter: str) -> str:
    return f"{COLUMN_PREFIX}{column or '-'}/{counter}"


def inc(stats: StatsCollector | None, key: str, count: int = 1) -> None:
    if stats is not None:
        stats.inc_value(key, count)


def per_column(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """``{column: {counter: n}}`` from a flat stats dict; failures of any kind add up."""
    table: dict[str, dict[str, int]] = {}
    for key, value in stats.items():
        if not key.startswith(COLUMN_PREFIX) or not isinstance(value, int):
            continue
        column, _, counter = key[len(COLUMN_PREFIX):].partition("/")
        row = table.setdefault(column, {})
        row[counter] = row.get(counter, 0) + value
        if counter.endswith("_failed"):
            row["failed"] = row.get("failed", 0) + value
    return table
