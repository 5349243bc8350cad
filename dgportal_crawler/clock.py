"""The one clock of a run. Injectable (``DGPORTAL_CLOCK``) so tests can fix time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def clock_from_settings(settings: BaseSettings) -> Clock:
    """``DGPORTAL_CLOCK``: a dotted path to a callable returning an aware datetime."""
    clock = settings.get("DGPORTAL_CLOCK") or utc_now
    return load_object(clock) if isinstance(clock, str) else clock


def format_time(moment: dt.datetime) -> str:
    """ISO 8601 in UTC to the second, e.g. ``2026-11-25T17:30:08Z``."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
