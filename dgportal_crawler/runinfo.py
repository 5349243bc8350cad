"""Run identifiers: sortable by start time, unique across concurrent machines."""

from __future__ import annotations

import datetime as dt
import secrets


def new_run_id(now: dt.datetime | None = None, suffix: str | None = None) -> str:
    """``20261125T173008Z-1a2b3c``: UTC start time, then 6 random hex digits."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{suffix or secrets.token_hex(3)}"
