"""The ``dgportal`` subcommands, one module each; :mod:`dgportal_crawler.cli` dispatches."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.lock import LockError, site_lock


class CommandError(Exception):
    """A user mistake or an unusable environment: one line on stderr, exit code 2."""

    exit_code = 2


class TryLater(CommandError):
    """The command cannot run now (site unreachable, the archive locked by another run); the
    same command may work later: one line on stderr, exit code 3."""

    exit_code = 3


@contextlib.contextmanager
def locked(where: SiteLayout | Path) -> Iterator[None]:
    """Hold the archive's writer lock for a command; a held lock is a :class:`CommandError`."""
    try:
        with site_lock(where):
            yield
    except LockError as exc:
        held = "another crawl" in str(exc)
        raise (TryLater if held else CommandError)(str(exc)) from None
