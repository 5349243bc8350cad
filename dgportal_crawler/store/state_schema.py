"""The state database's shape: its tables, the row type, and opening a file as one.

Split from :mod:`dgportal_crawler.store.state` (the queries) so that what a state file must
look like, and the checks made before a crawl relies on it, read in one place.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

REBUILD_HINT = (
    "The state is only a cache of the archive: run `dgportal rebuild-state` for this site "
    "to rebuild it from the JSONL lines (the damaged file is kept as state.sqlite.bak)."
)

COLUMNS = (
    "id", "url", "first_seen", "last_seen", "text_sha256", "revision", "etag",
    "last_modified", "last_status", "published_at", "withdrawn_at", "withdrawn_location",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    text_sha256 TEXT,
    revision INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_status INTEGER,
    published_at TEXT,
    withdrawn_at TEXT,
    withdrawn_location TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS articles_url ON articles (url);
CREATE TABLE IF NOT EXISTS coverage (
    column_id TEXT PRIMARY KEY,
    complete_back_to TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
"""


class StateError(Exception):
    """The state file cannot be used; the message says how to recover."""


class StateWriteError(StateError):
    """A write or commit failed mid-run (disk full, I/O error): the batch was rolled back and
    the store takes no more writes. The archive lines are safe; replaying them into the
    state (as after a kill) brings it back."""


@dataclass(frozen=True, slots=True)
class ArticleState:
    id: str
    url: str
    first_seen: str
    last_seen: str
    text_sha256: str | None
    revision: int
    etag: str | None
    last_modified: str | None
    last_status: int | None
    published_at: str | None
    withdrawn_at: str | None
    withdrawn_location: str | None


def open_state_db(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the state file at ``path``, checked as writable.

    Raises :class:`StateError` with the recovery hint when the file cannot serve as the state.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: the store issues BEGIN/COMMIT itself to batch writes.
        db = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise StateError(f"cannot open state file {path}: {exc}. {REBUILD_HINT}") from exc
    try:
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is safe in WAL mode against process crashes; the archive covers the rest.
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        _check_columns(db)
        # A state that cannot be written would fail at every article (and, unrecorded,
        # make the next run write them again): find out now.
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM coverage WHERE column_id = ''")  # a write, undone
        db.execute("ROLLBACK")
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StateError(f"{path} is not a usable state database ({exc}). {REBUILD_HINT}") from exc
    return db


def _check_columns(db: sqlite3.Connection) -> None:
    found = tuple(row[1] for row in db.execute("PRAGMA table_info(articles)"))
    if found != COLUMNS:
        raise sqlite3.DatabaseError(f"unexpected articles table columns {found}")
