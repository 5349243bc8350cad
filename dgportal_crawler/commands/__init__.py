"""The ``dgportal`` subcommands, one module each; :mod:`dgportal_crawler.cli` dispatches."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from dgportal_crawler.store.lock import LockError, site_lock


class CommandError(Exception):
    """A user mistake or an unusable environment: one line on stderr, exit code 2."""


@contextlib.contextmanager
def locked(site_dir: Path) -> Iterator[None]:
    """Hold the archive's writer lock for a command; a held lock is a :class:`CommandError`."""
    try:
        with site_lock(site_dir):
            yield
    except LockError as exc:
        raise CommandError(str(exc)) from None
