"""Export a selection of an archive to one file: Parquet, CSV or JSON Lines.

The format is a dispatch table, :data:`WRITERS` (format name → writer). A writer takes the
rows, the column names and an open binary file and returns how many rows it wrote; it knows
nothing of views, progress or atomic renames. Another format lives in its own module (say
``dataset/wacz.py`` with ``write_wacz``, importing its libraries inside the function so that
this module stays light) and takes one line in the table below; ``dgportal export --format``
accepts every name of the table. Code outside the package can add one at run time with
:func:`register_writer`.

The file is written beside its destination under a temporary name and renamed over it once
complete, so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from dgportal_crawler.dataset.arrow_types import arrow_schema, record_batches
from dgportal_crawler.dataset.extras import require
from dgportal_crawler.dataset.fields import fields
from dgportal_crawler.dataset.loader import ArchiveReader, SelectionError
from dgportal_crawler.dataset.outfile import atomic_output
from dgportal_crawler.dataset.wacz import write_wacz
from dgportal_crawler.store.jsonl import BadLine, encode_line

Rows = Iterable[dict[str, Any]]
Writer = Callable[[Rows, Sequence[str], IO[bytes]], int]

#: Rows per Parquet row group: bigger groups hold more Python rows and Arrow buffers at once.
PARQUET_BATCH_ROWS = 1024
PARQUET_COMPRESSION = "zstd"
#: Excel reads a CSV as UTF-8 (and shows Chinese) only when it starts with a BOM.
CSV_ENCODING = "utf-8-sig"


def write_parquet(rows: Rows, columns: Sequence[str], sink: IO[bytes]) -> int:
    """Parquet with the typed Arrow schema: times as timestamps, nested fields as structs,
    lists and maps."""
    pq = require("pyarrow.parquet")
    schema = arrow_schema(columns)
    written = 0
    with pq.ParquetWriter(sink, schema, compression=PARQUET_COMPRESSION) as writer:
        for batch in record_batches(rows, schema, PARQUET_BATCH_ROWS):
            writer.write_batch(batch)
            written += batch.num_rows
    return written


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_csv(rows: Rows, columns: Sequence[str], sink: IO[bytes]) -> int:
    """CSV for spreadsheets: UTF-8 with a BOM, a header row, lists and objects as JSON text,
    times as written in the archive (ISO 8601 with their offset)."""
    text = io.TextIOWrapper(sink, encoding=CSV_ENCODING, newline="")
    try:
        out = csv.writer(text)
        out.writerow(columns)
        written = 0
        for row in rows:
            out.writerow([_cell(row.get(c)) for c in columns])
            written += 1
        text.flush()
    finally:
        text.detach()  # the sink belongs to the caller
    return written


def write_jsonl(rows: Rows, columns: Sequence[str], sink: IO[bytes]) -> int:
    """JSON Lines exactly as the archive writes them (only the selected fields)."""
    written = 0
    for row in rows:
        sink.write(encode_line({c: row.get(c) for c in columns}))
        written += 1
    return written


WRITERS: dict[str, Writer] = {
    "parquet": write_parquet,
    "csv": write_csv,
    "jsonl": write_jsonl,
    "wacz": write_wacz,
}


def register_writer(name: str, writer: Writer) -> None:
    """Add (or replace) an export format."""
    WRITERS[name] = writer


@dataclass
class ExportResult:
    rows: int
    path: Path
    bad_lines: list[BadLine] = field(default_factory=list)


#: Rows between two updates of a progress bar.
PROGRESS_STEP = 256


def _counted(rows: Rows, advance: Callable[[int], None] | None) -> Iterator[dict[str, Any]]:
    if advance is None:
        yield from rows
        return
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending == PROGRESS_STEP:
            advance(pending)
            pending = 0
    if pending:
        advance(pending)


def export(reader: ArchiveReader, fmt: str, out: str | Path,
           advance: Callable[[int], None] | None = None) -> ExportResult:
    """Write the reader's selection to ``out`` in format ``fmt``.

    Raises :class:`SelectionError` for an unknown format or an empty selection (before any
    file is created) and ``OSError`` when ``out`` cannot be written.
    """
    writer = WRITERS.get(fmt)
    if writer is None:
        raise SelectionError(f"unknown format {fmt!r}; the formats are: {', '.join(sorted(WRITERS))}")
    if reader.plan() == 0:
        raise SelectionError("the selection is empty: no article matches")
    columns = tuple(reader.columns) if reader.columns is not None else fields()
    with atomic_output(Path(out)) as sink:
        rows = writer(reader if getattr(writer, "needs_archive", False) else _counted(reader, advance), columns, sink)
    return ExportResult(rows, Path(out), reader.bad_lines)
