"""What one crawl is asked to do: which columns, which dates.

Both ``scrapy crawl houjie -a columns=… -a since=…`` and ``dgportal crawl houjie …`` come
through :func:`make_plan`, so a user mistake gets the same sentence either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dgportal_crawler.profile import Column, SiteProfile


class CrawlArgumentError(ValueError):
    """A crawl argument is wrong; the message is one sentence for the user."""


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    columns: tuple[Column, ...]
    since: dt.date | None
    until: dt.date | None

    def in_range(self, day: dt.date | None) -> bool:
        """Undated entries are kept: only the article page can tell their date."""
        if day is None:
            return True
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def before_range(self, day: dt.date | None) -> bool:
        return day is not None and self.since is not None and day < self.since


def parse_date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CrawlArgumentError(
            f"--{name} {value!r} is not a date; use YYYY-MM-DD, e.g. 2023-02-27"
        ) from None


def parse_columns(profile: SiteProfile, value: str | None) -> tuple[Column, ...]:
    """Comma-separated column ids (or names); empty or ``all`` means every column."""
    if value is None or value.strip() in ("", "all"):
        return profile.columns
    chosen: list[Column] = []
    for token in (t.strip() for t in value.split(",")):
        if not token:
            continue
        match = next((c for c in profile.columns if token in (c.id, c.name)), None)
        if match is None:
            valid = ", ".join(f"{c.id} ({c.name})" for c in profile.columns)
            raise CrawlArgumentError(f"unknown column {token!r}; valid columns: {valid}")
        if match not in chosen:
            chosen.append(match)
    if not chosen:
        raise CrawlArgumentError("--columns names no column")
    return tuple(chosen)


def make_plan(
    profile: SiteProfile, columns: str | None = None, since: str | None = None, until: str | None = None
) -> CrawlPlan:
    since_day = parse_date(since, "since") if since else None
    until_day = parse_date(until, "until") if until else None
    if since_day and until_day and since_day > until_day:
        raise CrawlArgumentError(f"--since {since_day} is after --until {until_day}")
    return CrawlPlan(parse_columns(profile, columns), since_day, until_day)
