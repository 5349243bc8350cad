"""A fetched page as it travels from the spider to extraction: bytes plus where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dgportal_crawler.profile import SiteProfile


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

    @classmethod
    def saved(cls, profile: SiteProfile, url: str | None, body: bytes, *, status: int = 0,
              headers: dict[str, str] | None = None) -> FetchedPage:
        """A page read back from a file or a WARC record, not from a crawl: its column (and so
        its template) is found from the URL."""
        column = profile.column_for_url(url)
        return cls(
            url=url or "", site=profile.name, column=column.id if column else None,
            column_name=column.name if column else None,
            template=column.template if column else None,
            status=status, headers={k.lower(): v for k, v in (headers or {}).items()}, body=body,
            fetched_at=None,
        )
