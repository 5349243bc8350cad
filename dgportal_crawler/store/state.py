"""What the crawler knows about each article between runs, in ``state.sqlite``.

The state says whether a fetched article is new, changed or unchanged
(:meth:`StateStore.classify`, read-only) and carries
the validators (ETag, Last-Modified) for conditional requests. It is a cache of the
archive, not the archive: if it is lost or corrupt, :func:`rebuild_state` recreates it
from the JSONL lines. Writes are committed in batches for speed; a crash loses at most
the last batch, which :meth:`StateStore.apply_lines` recovers from the archive tail.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from dgportal_crawler.store.state_schema import (
    COLUMNS,
    REBUILD_HINT,
    ArticleState,
    StateError,
    StateWriteError,
    open_state_db,
)

__all__ = ["REBUILD_HINT", "ArticleState", "Change", "ChangeKind", "StateError", "StateStore",
           "StateWriteError"]

ChangeKind = Literal["new", "updated", "unchanged"]
_SELECT_ONE = f"SELECT {', '.join(COLUMNS)} FROM articles WHERE id = ?"


@dataclass(frozen=True, slots=True)
class Change:
    """Outcome of one fetch: what to write to the archive line (``revision``, previous hash).

    ``previous_text_sha256`` is the text hash held before this fetch (None for a new
    article). ``restored`` is true when an article marked withdrawn was fetched again.
    """

    kind: ChangeKind
    revision: int
    previous_text_sha256: str | None
    restored: bool = False


class StateStore:
    """One row per article id; see the module docstring for the durability contract."""

    def __init__(self, path: Path, *, commit_every: int = 100) -> None:
        if commit_every < 1:
            raise ValueError("commit_every must be at least 1")
        self.path = Path(path)
        self.commit_every = commit_every
        self._pending = 0
        self._db = open_state_db(self.path)
        self.write_failure: str | None = None  # set by the first failed write; no more after it

    def get(self, article_id: str) -> ArticleState | None:
        row = self._db.execute(_SELECT_ONE, (article_id,)).fetchone()
        return ArticleState(*row) if row else None

    def classify(self, article_id: str, text_sha256: str) -> Change:
        """Read-only: is a fetched text new, changed or the same as the archived one?

        The one place this is decided; the pipeline writes the line the answer implies, then
        tells the state with :meth:`record_fetch`.
        """
        old = self.get(article_id)
        if old is None:
            return Change("new", 1, None)
        restored = old.withdrawn_at is not None
        if old.text_sha256 == text_sha256:
            return Change("unchanged", old.revision, old.text_sha256, restored)
        return Change("updated", old.revision + 1, old.text_sha256, restored)

    def record_fetch(
        self,
        article_id: str,
        url: str,
        *,
        text_sha256: str,
        revision: int,
        etag: str | None,
        last_modified: str | None,
        status: int,
        published_at: str | None,
        seen_at: str | datetime,
    ) -> None:
        """Write a successful fetch (of revision ``revision``): the article is present."""
        seen = _iso(seen_at)
        # One statement, no lookup first: a new id is inserted, a known one keeps first_seen.
        self._write(
            "INSERT INTO articles (id, url, first_seen, last_seen, text_sha256, revision, etag,"
            " last_modified, last_status, published_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET url = excluded.url, last_seen = excluded.last_seen,"
            " text_sha256 = excluded.text_sha256, revision = excluded.revision, etag = excluded.etag,"
            " last_modified = excluded.last_modified, last_status = excluded.last_status,"
            " published_at = excluded.published_at, withdrawn_at = NULL, withdrawn_location = NULL",
            (article_id, url, seen, seen, text_sha256, revision, etag, last_modified, status,
             published_at))

    def record_not_modified(self, article_id: str, seen_at: str | datetime,
                            status: int = 304) -> None:
        """A conditional request confirmed the article is still there, unchanged."""
        self._update_known(
            article_id, "UPDATE articles SET last_seen = ?, last_status = ? WHERE id = ?",
            (_iso(seen_at), status, article_id))

    def record_withdrawal(self, article_id: str, status: int, seen_at: str | datetime,
                          location: str | None = None) -> None:
        """The article is gone (404/410, or redirected to ``location``).

        ``last_seen`` stays the last time it was present; the first withdrawal time is kept
        when it is seen missing again.
        """
        self._update_known(
            article_id,
            "UPDATE articles SET last_status = ?, withdrawn_at = COALESCE(withdrawn_at, ?),"
            " withdrawn_location = ? WHERE id = ?",
            (status, _iso(seen_at), location, article_id))

    def apply_lines(self, lines: Iterable[Mapping[str, Any]]) -> int:
        """Bring rows up to date with archive lines (for rebuilds and after a crash).

        A line wins over the row when its revision is higher; first_seen becomes the
        earliest fetched_at seen. Returns the number of rows changed.
        """
        changed = 0
        for line in lines:
            article_id, revision = line.get("id"), line.get("revision")
            if not isinstance(article_id, str) or type(revision) is not int:
                continue  # not an archive line; `dgportal verify` reports it
            fetched = line.get("fetched_at")
            old = self.get(article_id)
            if old is None:
                if fetched is None:
                    continue  # a row needs a time it was seen; such lines carry none
                self._write(
                    "INSERT INTO articles (id, url, first_seen, last_seen, text_sha256, revision,"
                    " last_status, published_at) VALUES (?,?,?,?,?,?,?,?)",
                    (article_id, line.get("url") or "", fetched, fetched, line.get("text_sha256"),
                     revision, line.get("http_status"), line.get("published_at")))
                changed += 1
                continue
            first = _earliest(old.first_seen, fetched)
            last = _latest(old.last_seen, fetched)
            if revision > old.revision:
                # The validators belonged to the older text, so they are dropped.
                self._write(
                    "UPDATE articles SET url = ?, first_seen = ?, last_seen = ?, text_sha256 = ?,"
                    " revision = ?, etag = NULL, last_modified = NULL, last_status = ?,"
                    " published_at = ? WHERE id = ?",
                    (line.get("url") or old.url, first, last, line.get("text_sha256"), revision,
                     line.get("http_status"), line.get("published_at"), article_id))
                changed += 1
            elif (first, last) != (old.first_seen, old.last_seen):
                self._write("UPDATE articles SET first_seen = ?, last_seen = ? WHERE id = ?",
                            (first, last, article_id))
                changed += 1
        return changed

    def iter_states(self) -> Iterator[ArticleState]:
        """Every row, in id order (the incremental crawl re-checks the ones not listed).

        Read from the cursor as the caller goes, not fetched whole: on an archive of 100,000
        articles the whole table is ~70 MB of Python objects at the end of every run. So the
        caller must not write to the state before it has finished iterating."""
        query = f"SELECT {', '.join(COLUMNS)} FROM articles ORDER BY id"
        for row in self._db.execute(query):
            yield ArticleState(*row)

    def seen_urls(self) -> set[str]:
        return {url for (url,) in self._db.execute("SELECT url FROM articles")}

    def coverage(self, column_id: str) -> str | None:
        """How much of a column's list was read completely (see ``dgportal_crawler.coverage``):
        ``""`` for all of it, an ISO date for newest-back-to-that-day, None when unknown."""
        row = self._db.execute("SELECT complete_back_to FROM coverage WHERE column_id = ?",
                               (column_id,)).fetchone()
        return row[0] if row else None

    def record_coverage(self, column_id: str, complete_back_to: str, at: str) -> None:
        self._write("INSERT INTO coverage (column_id, complete_back_to, updated_at) VALUES (?,?,?)"
                    " ON CONFLICT(column_id) DO UPDATE SET complete_back_to = excluded.complete_back_to,"
                    " updated_at = excluded.updated_at", (column_id, complete_back_to, at))

    def is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None

    def known_ids(self) -> set[str]:
        return {aid for (aid,) in self._db.execute("SELECT id FROM articles")}

    def integrity_ok(self) -> bool:
        try:
            rows = self._db.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError:
            return False
        return rows == [("ok",)]

    def commit(self) -> None:
        self._check_writable()
        if self._db.in_transaction:
            with self._writing():
                self._db.execute("COMMIT")
        self._pending = 0

    def close(self) -> None:
        """Commit and close; the connection is closed even when the commit fails."""
        try:
            self.commit()
        finally:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _check_writable(self) -> None:
        if self.write_failure is not None:
            raise StateWriteError(self.write_failure)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Turn a failed write into :class:`StateWriteError` once, rolling the batch back so
        the file holds only whole batches."""
        try:
            yield
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
            self.write_failure = (f"the state {self.path} could not be written ({exc}); the archive "
                                  "lines are safe and the next run rebuilds the state from them")
            raise StateWriteError(self.write_failure) from exc

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        """Run one write in the current batch; returns the number of rows it changed."""
        self._check_writable()
        with self._writing():
            if not self._db.in_transaction:
                self._db.execute("BEGIN")
            changed = self._db.execute(sql, params).rowcount
        self._pending += 1
        if self._pending >= self.commit_every:
            self.commit()
        return changed

    def _update_known(self, article_id: str, sql: str, params: tuple[Any, ...]) -> None:
        # The UPDATE's own row count says whether the id was known: no lookup first.
        if self._write(sql, params) == 0:
            raise KeyError(f"no state for article {article_id!r}")

def _iso(moment: str | datetime) -> str:
    return moment.isoformat() if isinstance(moment, datetime) else moment


def _instant(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _earliest(current: str, other: str | None) -> str:
    return other if other is not None and _instant(other) < _instant(current) else current


def _latest(current: str, other: str | None) -> str:
    return other if other is not None and _instant(other) > _instant(current) else current
