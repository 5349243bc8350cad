"""The state file's shape and the checks made when it is opened (store/state_schema.py)."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from dgportal_crawler.store.state_schema import (
    COLUMNS,
    REBUILD_HINT,
    ArticleState,
    StateError,
    open_state_db,
)


def test_a_new_file_gets_both_tables_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "site" / "state.sqlite"  # missing folders are made
    db = open_state_db(path)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"articles", "coverage"}
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert tuple(r[1] for r in db.execute("PRAGMA table_info(articles)")) == COLUMNS
    finally:
        db.close()


def test_the_row_type_has_one_field_per_column_in_order() -> None:
    assert tuple(f.name for f in dataclasses.fields(ArticleState)) == COLUMNS


def test_reopening_keeps_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    db = open_state_db(path)
    db.execute("INSERT INTO coverage VALUES ('hjyw', '2020-01-01', '2026-01-01T00:00:00+08:00')")
    db.close()
    db = open_state_db(path)
    try:
        assert db.execute("SELECT complete_back_to FROM coverage").fetchall() == [("2020-01-01",)]
    finally:
        db.close()


def test_a_file_that_is_not_sqlite_is_refused_with_the_rebuild_hint(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"this is not a database, just text " * 200)
    with pytest.raises(StateError) as info:
        open_state_db(path)
    assert str(path) in str(info.value) and REBUILD_HINT in str(info.value)


def test_an_articles_table_of_another_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, url TEXT)")
    old.close()
    with pytest.raises(StateError, match="unexpected articles table columns"):
        open_state_db(path)


def test_the_hint_names_the_command_that_rebuilds_the_state() -> None:
    assert "dgportal rebuild-state" in REBUILD_HINT
