"""What discovery found: candidates (one per column URL tried), feeds, and the run's facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from dgportal_crawler.discover.classify import folder_of

Kind = Literal["list", "not a list", "skipped"]


@dataclass(slots=True)
class Candidate:
    """One candidate column URL and what its first page turned out to be."""

    url: str
    link_text: str
    kind: Kind = "not a list"
    template: str = ""
    entries: int = 0
    newest: dt.date | None = None
    parent: str = ""
    name: str = ""
    feed: int | None = None
    note: str = ""

    @property
    def folder(self) -> str:
        return folder_of(self.url)


@dataclass(slots=True)
class FeedFinding:
    feed: int
    column_url: str  # the folder of the column its articles belong to; "" = none of ours
    entries: int = 0
    newest: dt.date | None = None
    note: str = ""
    parent: str = ""  # the name of the feed that named it as a child; "" = a feed found directly
    children: list[int] = field(default_factory=list)


@dataclass
class Discovery:
    site: str
    base_url: str
    display_name: str = ""
    candidates: list[Candidate] = field(default_factory=list)
    feeds: list[FeedFinding] = field(default_factory=list)
    requests: int = 0
    stopped_early: bool = False
    problem: str = ""  # why nothing could be discovered (home page unreachable …)

    @property
    def columns(self) -> list[Candidate]:
        return [c for c in self.candidates if c.kind == "list"]
