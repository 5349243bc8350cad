"""A fetched page as it travels from the spider to extraction: bytes plus where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class FetchedPage:
    """One downloaded article page. The spider yields these; it never parses a field."""

    url: str
    site: str
    column: str | None
    column_name: str | None
    template: str | None
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str | None
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. the WARC reference
