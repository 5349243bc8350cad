"""The one clock of a run. Injectable (``DGPORTAL_CLOCK``) so tests can fix time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fixed(moment: dt.datetime) -> Clock:
    return lambda: moment


def clock_from_settings(settings: BaseSettings) -> Clock:
    """``DGPORTAL_CLOCK``: ``fixed:<ISO time>`` (e.g. ``fixed:2025-01-01T00:00:00Z``, to
    replay a run as of that day) or a dotted path to a callable returning an aware datetime."""
    clock = settings.get("DGPORTAL_CLOCK") or utc_now
    if isinstance(clock, str) and clock.startswith("fixed:"):
        try:
            moment = dt.datetime.fromisoformat(clock.removeprefix("fixed:"))
        except ValueError:
            raise ValueError(f"DGPORTAL_CLOCK {clock!r}: expected fixed:<ISO 8601 time>") from None
        return fixed(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
    if not isinstance(clock, str):
        return clock
    try:
        return load_object(clock)
    except (ImportError, NameError, ValueError) as exc:  # say which setting: "No module named 'x'" does not
        raise ValueError(f"DGPORTAL_CLOCK {clock!r}: {exc}") from None


def format_time(moment: dt.datetime) -> str:
    """ISO 8601 in UTC to the second, e.g. ``2026-11-25T17:30:08Z``."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
