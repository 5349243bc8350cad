"""Every recipe of archive/README.md runs against a crawled archive and gives the replica's
numbers: the loader, pandas, DuckDB, polars, the export commands and the Parquet readers.

Each fenced python / sql / bash block of the README starts with a marker comment
(``# snippet: NAME`` or ``-- snippet: NAME``) and has a check here; a block without one fails.
The archives: while two articles are withdrawn; after they were restored, with an undated
article added; and with an empty ``events.jsonl``.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dataset_helpers import SITE, CrawledArchive, add_undated_article, copy_archive

from dgportal_crawler.cli import main
from dgportal_crawler.store.layout import SiteLayout

README = Path(__file__).resolve().parents[2] / "archive" / "README.md"
BLOCK = re.compile(r"^```(python|sql|bash)\n(.*?)^```", re.S | re.M)
MARKER = re.compile(r"^(?:#|--) snippet: ([a-z0-9-]+)\n")


@dataclass(frozen=True)
class Snippet:
    name: str
    language: str
    code: str


def readme_snippets() -> list[Snippet]:
    snippets = []
    for language, code in BLOCK.findall(README.read_text(encoding="utf-8")):
        marker = MARKER.match(code)
        assert marker, f"a {language} block of archive/README.md has no snippet marker:\n{code[:200]}"
        snippets.append(Snippet(marker.group(1), language, code))
    return snippets


@dataclass
class Expected:
    """The answer key of one archive, from the replica's ground truth."""

    articles: list[dict[str, Any]]  # the current view: id, column_name, day (None when undated)
    lines: int
    withdrawn_urls: set[str]

    @property
    def ids(self) -> set[str]:
        return {a["id"] for a in self.articles}

    def per_column(self) -> Counter[str]:
        return Counter(a["column_name"] for a in self.articles)

    def per_day(self) -> Counter[str | None]:
        return Counter(a["day"] for a in self.articles)


def _expected(truth: list[dict[str, Any]], lines: int, withdrawn: set[str],
              extra: Sequence[dict[str, Any]] = ()) -> Expected:
    current = [{"id": a["id"], "column_name": a["column_name"], "day": a["published_at"][:10]} for a in truth]
    current += [{"id": a["id"], "column_name": a["column_name"], "day": None} for a in extra]
    return Expected(current, lines, withdrawn)


def archive_variant(kind: str, crawled: CrawledArchive, cwd: Path) -> Expected:
    """Put ``archive/houjie`` under ``cwd``; the answer key for it."""
    if kind == "withdrawn":
        copy_archive(crawled.edition2, cwd / "archive")
        return _expected(crawled.truth2, 153, {a["url"] for a in crawled.removed})
    copy_archive(crawled.final, cwd / "archive")
    if kind == "restored-and-undated":
        undated = add_undated_article(cwd / "archive")
        return _expected(crawled.truth1, 157, set(), [undated])
    SiteLayout.of(cwd / "archive", SITE).events_file.write_bytes(b"")
    return _expected(crawled.truth1, 156, set())


# -- one check per snippet ------------------------------------------------------------------
def check_loader(ns: dict[str, Any], exp: Expected) -> None:
    assert set(ns["titles"]) == exp.ids
    assert ns["everything"] == exp.lines
    assert set(ns["withdrawn"]) == exp.withdrawn_urls
    since = Counter(a["column_name"] for a in exp.articles if a["day"] and a["day"] >= "2023-01-01")
    assert len(ns["df"]) == sum(since.values()) and ns["per_column"].to_dict() == since
    assert str(ns["df"]["published_at"].dtype) == "datetime64[us, Asia/Shanghai]"


def check_pandas(ns: dict[str, Any], exp: Expected) -> None:
    current = ns["current"]
    assert len(current) == len(exp.ids) and set(current["id"]) == exp.ids
    assert str(current["published_at"].dtype) == "datetime64[us, Asia/Shanghai]"
    assert all(str(current[c].dtype) == "string" for c in ("author", "editor", "reviewer", "source"))
    days = Counter(None if t is None or t != t else str(t.date()) for t in current["published_at"])
    assert days == exp.per_day()


def check_polars(ns: dict[str, Any], exp: Expected) -> None:
    current = ns["current"]
    assert current.height == len(exp.ids) and set(current["id"]) == exp.ids
    days = Counter(None if t is None else str(t.date()) for t in current["published_at"])
    assert days == exp.per_day()


def check_duckdb_views(result: Any, exp: Expected, con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM current").fetchone() == (len(exp.ids),) * 2
    assert {r[0] for r in con.execute("SELECT id FROM current").fetchall()} == exp.ids


def check_duckdb_per_column(result: Any, exp: Expected, con: duckdb.DuckDBPyConnection) -> None:
    assert dict(result.fetchall()) == exp.per_column()


def check_duckdb_per_day(result: Any, exp: Expected, con: duckdb.DuckDBPyConnection) -> None:
    got = {(None if day is None else day.isoformat()): n for day, n in result.fetchall()}
    assert got == exp.per_day()  # day-precision dates on their own day, not the day before


def check_cli(outputs: dict[str, int], exp: Expected, cwd: Path) -> None:
    assert set(outputs.values()) == {0}, outputs
    for name in ("houjie.parquet", "houjie.csv", "houjie-2023-all.jsonl", "houjie-per-month.png"):
        assert (cwd / name).stat().st_size > 0, name
    assert (cwd / "houjie.csv").read_bytes().startswith(b"\xef\xbb\xbfid,published_at,column_name,title,text")


def check_parquet(ns: dict[str, Any], exp: Expected) -> None:
    assert ns["table"].num_rows == ns["frame"].height == len(exp.ids)
    got = {(None if day is None else day.isoformat()): n for day, n in ns["per_day"]}
    assert got == exp.per_day()


PYTHON_CHECKS: dict[str, Callable[[dict[str, Any], Expected], None]] = {
    "loader": check_loader, "pandas": check_pandas, "polars": check_polars, "parquet": check_parquet,
}
SQL_CHECKS = {"duckdb-views": check_duckdb_views, "duckdb-per-column": check_duckdb_per_column,
              "duckdb-per-day": check_duckdb_per_day}
BASH_CHECKS = {"cli": check_cli}


def test_every_snippet_has_a_check():
    names = {(s.language, s.name) for s in readme_snippets()}
    checks = ({("python", n) for n in PYTHON_CHECKS} | {("sql", n) for n in SQL_CHECKS}
              | {("bash", n) for n in BASH_CHECKS})
    assert names == checks


def run_bash(code: str, cwd: Path) -> dict[str, int]:
    """Each ``dgportal …`` line, through ``main(argv)`` as the installed command would run it."""
    outputs = {}
    for line in code.splitlines()[1:]:
        argv = shlex.split(line, comments=True)
        if argv:
            assert argv[0] == "dgportal", line
            with contextlib.chdir(cwd), contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                outputs[line] = main(argv[1:])
    return outputs


@pytest.mark.parametrize("kind", ["withdrawn", "restored-and-undated", "empty-events"])
def test_the_readme_recipes_give_the_replica_numbers(kind: str, crawled: CrawledArchive, tmp_path: Path):
    expected = archive_variant(kind, crawled, tmp_path)
    con = duckdb.connect()
    with contextlib.chdir(tmp_path):
        for snippet in readme_snippets():
            if snippet.language == "python":
                namespace: dict[str, Any] = {"__name__": f"readme_{snippet.name}"}
                exec(compile(snippet.code, f"archive/README.md:{snippet.name}", "exec"), namespace)
                PYTHON_CHECKS[snippet.name](namespace, expected)
            elif snippet.language == "sql":
                SQL_CHECKS[snippet.name](con.execute(snippet.code), expected, con)
            else:
                BASH_CHECKS[snippet.name](run_bash(snippet.code, tmp_path), expected, tmp_path)
    con.close()
