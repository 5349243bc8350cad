"""``dgportal_crawler.dataset.fields``: the archive line's JSON Schema, read from the package,
and its field names in schema order."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from dataset_helpers import article_line

from dgportal_crawler.dataset.fields import fields, json_schema

REPO = Path(__file__).resolve().parents[2]


def test_the_schema_is_the_one_documented_beside_the_archive():
    published = json.loads((REPO / "archive" / "schema" / "article.schema.json").read_text(encoding="utf-8"))
    assert json_schema() == published


def test_the_schema_is_read_once():
    assert json_schema() is json_schema()


def test_fields_are_the_properties_in_schema_order_and_all_required():
    schema = json_schema()
    assert fields() == tuple(schema["properties"])
    # every field is required, and the schema lists them in the same order both times
    assert fields() == tuple(schema["required"])
    assert (len(fields()), fields()[0], fields()[-1]) == (30, "id", "schema_version")


def test_a_full_line_validates_and_has_exactly_the_fields():
    line = article_line(3)
    assert not list(jsonschema.Draft202012Validator(json_schema()).iter_errors(line))
    assert tuple(line) == fields()


def test_a_line_with_a_field_more_or_less_breaks_the_schema():
    validator = jsonschema.Draft202012Validator(json_schema())
    extra = {**article_line(3), "score": 1}
    missing = {k: v for k, v in article_line(3).items() if k != "text_sha256"}
    assert [e.validator for e in validator.iter_errors(extra)] == ["additionalProperties"]
    assert [e.validator for e in validator.iter_errors(missing)] == ["required"]
