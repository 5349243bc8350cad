"""extract/kinds.py: the closed value sets, and that the code writing them stays inside them."""

from __future__ import annotations

import ast
import inspect
from typing import get_args

import pytest

from dgportal_crawler.extract import kinds
from dgportal_crawler.extract.decode import decode_html
from dgportal_crawler.extract.kinds import CharsetSource, DatePrecision, ExtractionMethod, Script
from dgportal_crawler.extract.metadata import parse_date
from dgportal_crawler.extract.normalise import detect_script


@pytest.mark.parametrize(
    ("literal", "values"),
    [
        (ExtractionMethod, {"template", "fallback", "capture"}),
        (DatePrecision, {"day", "minute", "second"}),
        (Script, {"hans", "hant", "mixed"}),
        (CharsetSource, {"bom", "header", "meta", "sniff"}),
    ],
)
def test_value_sets(literal: object, values: set[str]) -> None:
    assert set(get_args(literal)) == values


def test_kinds_imports_nothing_of_the_project() -> None:
    # items.py imports these names; a project import here would make a cycle
    tree = ast.parse(inspect.getsource(kinds))
    modules = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert modules == {"__future__", "typing"}


@pytest.mark.parametrize(
    ("key", "precision"),
    [("2023-02-27", "day"), ("2023-02-27 10:14", "minute"), ("2023-02-27 10:14:05", "second")],
)
def test_parsed_precisions_are_date_precisions(key: str, precision: str) -> None:
    found = parse_date(key)
    assert found is not None
    assert found.precision == precision
    assert found.precision in get_args(DatePrecision)


@pytest.mark.parametrize(
    ("text", "script"), [("厚街镇", "hans"), ("厚街鎮", "hant"), ("厚街镇 厚街鎮", "mixed")]
)
def test_detected_scripts_are_scripts(text: str, script: str) -> None:
    assert detect_script(text) == script
    assert detect_script(text) in get_args(Script)


@pytest.mark.parametrize(
    ("body", "headers", "source"),
    [
        (b"\xef\xbb\xbf<p>\xe5\x8e\x9a</p>", None, "bom"),
        (b"<p>\xe5\x8e\x9a</p>", {"Content-Type": "text/html; charset=utf-8"}, "header"),
        (b'<meta charset="utf-8"><p>\xe5\x8e\x9a</p>', None, "meta"),
        (b"<p>\xe5\x8e\x9a</p>", None, "sniff"),
    ],
)
def test_charset_sources_are_charset_sources(
    body: bytes, headers: dict[str, str] | None, source: str
) -> None:
    decided = decode_html(body, headers)
    assert decided.source == source
    assert decided.source in get_args(CharsetSource)
