"""ONE typed Arrow schema of an archive line, generated from its JSON Schema, and the
conversion of line dicts into Arrow record batches. pandas, polars and Parquet all use it.

JSON Schema → Arrow:

- ``string`` (nullable or not, ``enum`` of strings, ``oneOf`` of strings) → ``string``;
  the two times (:data:`TIME_ZONES`) → ``timestamp[us]`` in their zone;
- ``integer`` / ``const`` integer → ``int64``; ``boolean`` → ``bool``; ``number`` → ``float64``;
- ``array`` → ``list<item>``; an ``object`` with ``properties`` → ``struct``; an ``object``
  with only ``additionalProperties`` (``gov_meta``, ``extraction.removed``) → ``map<string, …>``;
- an ``object`` the schema leaves open (``extraction.encoding``) → its JSON text, a ``string``
  (nothing is dropped; :func:`json_text_paths` names those fields).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dgportal_crawler.dataset.extras import require
from dgportal_crawler.dataset.fields import fields, json_schema

if TYPE_CHECKING:
    import pyarrow as pa

#: Fields that are times, and the zone they are shown in (the site's, and UTC for fetches).
TIME_ZONES = {"published_at": "Asia/Shanghai", "fetched_at": "UTC"}
TIME_UNIT = "us"

Node = dict[str, Any]
Convert = Callable[[Any], Any]


def _resolve(node: Node) -> Node:
    ref = node.get("$ref")
    if ref is None:
        return node
    name = ref.removeprefix("#/$defs/")
    return _resolve(json_schema()["$defs"][name])


def _kind(node: Node) -> str:
    """The JSON type of a node, nulls aside: string, integer, number, boolean, array, object."""
    node = _resolve(node)
    if "const" in node:
        return _python_kind(node["const"])
    if "enum" in node:
        kinds = {_python_kind(v) for v in node["enum"] if v is not None}
        return kinds.pop() if len(kinds) == 1 else "string"
    for key in ("oneOf", "anyOf"):
        if key in node:
            kinds = {k for k in (_kind(n) for n in node[key]) if k != "null"}
            return kinds.pop() if len(kinds) == 1 else "string"
    types = node.get("type", "string")
    types = [t for t in ([types] if isinstance(types, str) else types) if t != "null"]
    return types[0] if len(types) == 1 else "string"


def _python_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", list: "array", dict: "object"}.get(type(value), "string")


def _is_open_object(node: Node) -> bool:
    node = _resolve(node)
    return "properties" not in node and not isinstance(node.get("additionalProperties"), dict)


def _arrow_type(node: Node, name: str = "") -> pa.DataType:
    pa = require("pyarrow")
    node = _resolve(node)
    if name in TIME_ZONES:
        return pa.timestamp(TIME_UNIT, tz=TIME_ZONES[name])
    kind = _kind(node)
    if kind == "array":
        return pa.list_(_arrow_type(node.get("items", {"type": "string"})))
    if kind == "object":
        if "properties" in node:
            return pa.struct([pa.field(k, _arrow_type(v)) for k, v in node["properties"].items()])
        if isinstance(node.get("additionalProperties"), dict):
            return pa.map_(pa.string(), _arrow_type(node["additionalProperties"]))
        return pa.string()  # an open object: JSON text
    simple = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    return simple.get(kind, pa.string())


def arrow_schema(columns: Sequence[str] | None = None) -> pa.Schema:
    """The Arrow schema of a line (or of the given columns, in that order)."""
    pa = require("pyarrow")
    props = json_schema()["properties"]
    names = fields() if columns is None else tuple(columns)
    return pa.schema([pa.field(n, _arrow_type(props[n], n)) for n in names])


def json_text_paths() -> list[tuple[str, ...]]:
    """Paths of the open objects kept as JSON text, e.g. ``("extraction", "encoding")``."""
    found: list[tuple[str, ...]] = []

    def walk(node: Node, path: tuple[str, ...]) -> None:
        node = _resolve(node)
        kind = _kind(node)
        if kind == "object" and _is_open_object(node):
            found.append(path)
        elif kind == "object":
            for key, child in node.get("properties", {}).items():
                walk(child, (*path, key))

    for key, node in json_schema()["properties"].items():
        walk(node, (key,))
    return found


# -- converting line values into what Arrow takes ------------------------------------------
def parse_time(value: Any, zone: str) -> dt.datetime | None:
    """An ISO time (``…+08:00``, ``…Z``) or a day (``2023-02-27``: midnight in ``zone``)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=ZoneInfo(zone))


def _converter(node: Node, name: str = "") -> Convert | None:
    """A function making a line value Arrow-ready, or None where it already is."""
    node = _resolve(node)
    if name in TIME_ZONES:
        zone = TIME_ZONES[name]
        return lambda v: parse_time(v, zone)
    kind = _kind(node)
    if kind == "object" and _is_open_object(node):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)
    if kind == "object" and "properties" in node:
        inner = {k: c for k, v in node["properties"].items() if (c := _converter(v)) is not None}
        if inner:
            return lambda v: v if not isinstance(v, dict) else {**v, **{k: c(v.get(k)) for k, c in inner.items()}}
    if kind == "array":
        item = _converter(node.get("items", {}))
        if item is not None:
            return lambda v: v if v is None else [item(x) for x in v]
    return None


def converters(columns: Iterable[str]) -> dict[str, Convert]:
    props = json_schema()["properties"]
    return {n: c for n in columns if (c := _converter(props[n], n)) is not None}


def record_batches(rows: Iterable[dict[str, Any]], schema: pa.Schema,
                   batch_size: int = 2048) -> Iterator[pa.RecordBatch]:
    """Rows (line dicts) as record batches of ``schema`` (any subset of the line's fields)."""
    pa = require("pyarrow")
    names = schema.names
    convert = converters(names)

    def batch(columns: dict[str, list[Any]]) -> pa.RecordBatch:
        return pa.RecordBatch.from_arrays([pa.array(columns[f.name], f.type) for f in schema], schema=schema)

    columns: dict[str, list[Any]] = {n: [] for n in names}
    count = 0
    for row in rows:
        for n in names:
            value = row.get(n)
            columns[n].append(convert[n](value) if n in convert else value)
        count += 1
        if count == batch_size:
            yield batch(columns)
            columns, count = {n: [] for n in names}, 0
    if count:
        yield batch(columns)
