"""One writer per archive folder: a crawl, ``scrapy crawl`` or ``rebuild-state``.

An advisory ``flock`` on the site's lock file holding the writer's pid. The kernel drops
the lock when the process dies, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from dgportal_crawler.store.layout import SiteLayout


class LockError(Exception):
    """The archive cannot be locked: another writer holds it, or the folder is unusable."""


@contextlib.contextmanager
def site_lock(where: SiteLayout | Path) -> Iterator[None]:
    layout = where if isinstance(where, SiteLayout) else SiteLayout(Path(where))
    site_dir = layout.site_dir
    try:
        site_dir.mkdir(parents=True, exist_ok=True)
        handle = layout.lock_file.open("a+")
    except OSError as exc:
        raise LockError(f"cannot write the archive at {site_dir}: {exc.strerror or exc}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise LockError(
                f"another crawl is writing to {site_dir} (pid {holder}); not starting a second one"
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
