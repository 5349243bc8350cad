"""Bulk work over both cores: an ordered map over a process pool, for ``reextract`` and ``clean``.

The results come back in input order, so the output of a parallel run is the output of the
serial run byte for byte; ``jobs=1`` runs in this process, with no pool at all. The input is
consumed in bounded batches, so an archive of any size never has all its pages in flight.
"""

from __future__ import annotations

import argparse
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")

#: Items sent to a worker at a time: big enough that pickling and the round trip are noise
#: next to extraction (~1 ms a page), small enough that both workers get an even share.
CHUNK = 16
#: Chunks per worker in flight at once: keeps the workers busy while the parent writes the
#: results, and bounds memory to a few hundred pages.
CHUNKS_IN_FLIGHT = 4


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # platforms without affinity masks
        return os.cpu_count() or 1


def jobs_argument(value: str) -> int:
    """argparse ``type`` for ``--jobs``: a whole number of at least 1."""
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of processes, not {value!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {jobs}); leave it out to use every usable CPU")
    return jobs


def ordered_map(func: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """``map(func, items)`` on ``jobs`` processes, results in input order.

    ``func`` must be a module-level function and items and results picklable.
    """
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    if jobs == 1:
        yield from map(func, items)
        return
    # Imported here: the CLI imports this module for --jobs, and multiprocessing is not free.
    from concurrent.futures import ProcessPoolExecutor

    source = iter(items)
    in_flight: deque[Future[list[R]]] = deque()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        while True:
            # Keep the pool fed while the oldest chunk is waited for: no barrier per batch.
            while len(in_flight) < jobs * CHUNKS_IN_FLIGHT and (chunk := list(islice(source, CHUNK))):
                in_flight.append(pool.submit(_run_chunk, func, chunk))
            if not in_flight:
                return
            yield from in_flight.popleft().result()


def _run_chunk(func: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [func(item) for item in chunk]
