"""Names of the ``dgportal/`` stats keys, in one place, and helpers to read them back."""

from __future__ import annotations

from typing import Any

from scrapy.statscollectors import StatsCollector

PREFIX = "dgportal/"
COLUMN_PREFIX = PREFIX + "column/"

def column_key(column: str | None, counter: str) -> str:
    return f"{COLUMN_PREFIX}{column or '-'}/{counter}"


def inc(stats: StatsCollector | None, key: str, count: int = 1) -> None:
    if stats is not None:
        stats.inc_value(key, count)


def fallback_rate(row: dict[str, int]) -> float:
    """Share of a column's extracted articles that needed the fallback extractor."""
    extracted = row.get("extracted", 0)
    return row.get("fallback", 0) / extracted if extracted else 0.0


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
