"""Tables of articles: Arrow, pandas and polars, all typed by the one Arrow schema.

``pip install 'dgportal-crawler[analysis]'`` installs what these need.

- times are tz-aware: ``published_at`` in Asia/Shanghai, ``fetched_at`` in UTC;
- strings stay strings even in a column that is all null (pandas ``string`` dtype);
- integers are nullable integers in pandas (``Int64``); lists stay Python lists and nested
  objects Python dicts (``extraction.encoding`` included) in pandas.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dgportal_crawler.dataset.arrow_types import TIME_ZONES, arrow_schema, json_text_paths, record_batches
from dgportal_crawler.dataset.extras import require
from dgportal_crawler.dataset.loader import ArchiveReader, DateLike, View
from dgportal_crawler.store.jsonl import BadLine

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa


def load_arrow(
    root: str | Path, site: str | None = None, columns: Sequence[str] | None = None,
    since: DateLike = None, until: DateLike = None, view: View = "current",
    on_bad: Callable[[BadLine], None] | None = None,
) -> pa.Table:
    """The selected articles as an Arrow table of :func:`arrow_schema` (same arguments as
    :func:`~dgportal_crawler.dataset.iter_articles`)."""
    pa = require("pyarrow")
    reader = ArchiveReader(root, site, columns, since, until, view, on_bad)
    schema = arrow_schema(columns)
    return pa.Table.from_batches(list(record_batches(reader, schema)), schema=schema)


def load_polars(
    root: str | Path, site: str | None = None, columns: Sequence[str] | None = None,
    since: DateLike = None, until: DateLike = None, view: View = "current",
    on_bad: Callable[[BadLine], None] | None = None,
) -> pl.DataFrame:
    """The selected articles as a polars DataFrame (maps are polars ``Map``, times tz-aware)."""
    pl = require("polars")  # before the work, so a missing polars is said at once
    return pl.from_arrow(load_arrow(root, site, columns, since, until, view, on_bad))


def load_dataframe(
    root: str | Path, site: str | None = None, columns: Sequence[str] | None = None,
    since: DateLike = None, until: DateLike = None, view: View = "current",
    on_bad: Callable[[BadLine], None] | None = None,
) -> pd.DataFrame:
    """The selected articles as a pandas DataFrame with explicit dtypes (see the module)."""
    require("pandas")  # before the work, so a missing pandas is said at once
    return arrow_to_pandas(load_arrow(root, site, columns, since, until, view, on_bad))


def _pandas_dtype(arrow_type: pa.DataType) -> Any:
    """The pandas dtype of a flat Arrow type; None for nested types (kept as objects)."""
    pa, pd = require("pyarrow"), require("pandas")
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_floating(arrow_type):
        return "float64"
    if pa.types.is_timestamp(arrow_type):
        return pd.DatetimeTZDtype(unit=arrow_type.unit, tz=arrow_type.tz)
    return None


def _decode_json_text(value: Any, path: tuple[str, ...]) -> Any:
    """Turn the JSON text at ``path`` inside ``value`` (a dict or a list of them) back into data."""
    if value is None:
        return None
    if not path:
        return json.loads(value) if isinstance(value, str) else value
    if isinstance(value, list):
        return [_decode_json_text(v, path) for v in value]
    if isinstance(value, dict) and path[0] in value:
        return {**value, path[0]: _decode_json_text(value[path[0]], path[1:])}
    return value


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """A table of the archive schema (or read back from its Parquet) as a typed DataFrame."""
    pd = require("pandas")
    paths = json_text_paths()
    data: dict[str, pd.Series] = {}
    for field in table.schema:
        column = table.column(field.name)
        dtype = _pandas_dtype(field.type)
        if dtype is not None and (field.name,) not in paths:
            values = column.to_pandas(types_mapper=lambda _t, d=dtype: None if isinstance(d, str) else d)
            data[field.name] = values if values.dtype == dtype else values.astype(dtype)
            continue
        values = column.to_pylist(maps_as_pydicts="strict")  # pyarrow >= 20
        for path in paths:
            if path[0] == field.name:
                values = [_decode_json_text(v, path[1:]) for v in values]
        data[field.name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, index=pd.RangeIndex(table.num_rows))


def polars_schema(columns: Sequence[str] | None = None) -> pl.Schema:
    """The polars schema of :func:`load_polars` (and of the Parquet export)."""
    pl = require("polars")
    return pl.from_arrow(arrow_schema(columns).empty_table()).schema


def ndjson_polars_schema(columns: Sequence[str] | None = None) -> pl.Schema:
    """A schema for ``pl.read_ndjson`` over the JSONL files themselves: like
    :func:`polars_schema`, but the times are read as text, since polars would take a day-only
    date as UTC; parse them with ``str.to_datetime`` (archive/README.md shows how)."""
    pl = require("polars")
    schema = dict(polars_schema(columns))
    for name in TIME_ZONES:
        if name in schema:
            schema[name] = pl.String()
    return pl.Schema(schema)
