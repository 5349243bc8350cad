"""The garbage collector's pace during a crawl.

Every page leaves thousands of short-lived objects (lxml trees, Deferreds, dicts), so with
Python's default threshold (a young collection every 700 allocations) a crawl ran ~1,400
collections per 3,000 articles, the older ones walking a heap that grows with the frontier:
a fifth of the crawl's CPU. Collections every ``DGPORTAL_GC_THRESHOLD`` allocations instead
cost almost nothing; memory is unchanged, since nearly all of that garbage is freed by
reference counting, not by the collector.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_threshold(young: int) -> Iterator[None]:
    """Collect the youngest generation every ``young`` allocations (0: leave Python's pace),
    restoring the previous thresholds afterwards."""
    previous = gc.get_threshold()
    if young > 0:
        gc.set_threshold(young, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
