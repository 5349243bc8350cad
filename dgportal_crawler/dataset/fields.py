"""The archive line's JSON Schema, read once from the package, and its field names."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def json_schema() -> dict[str, Any]:
    """``dgportal_crawler/schema/article.schema.json`` (the same file as ``archive/schema``)."""
    path = resources.files("dgportal_crawler") / "schema" / "article.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def fields() -> tuple[str, ...]:
    """Every field of a line, in schema order."""
    return tuple(json_schema()["properties"])
