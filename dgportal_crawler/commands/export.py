"""``dgportal export archive/<site> --format parquet|csv|jsonl --out PATH``: a view of the
archive as one file for analysis tools and spreadsheets (see archive/README.md, "Loading")."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from dgportal_crawler.commands import CommandError
from dgportal_crawler.dataset.extras import MissingExtraError
from dgportal_crawler.dataset.loader import ArchiveReader, SelectionError
from dgportal_crawler.store.jsonl import BadLine

#: Below this many rows an export takes a moment: no progress bar even on a terminal.
PROGRESS_MIN_ROWS = 2000


def column_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c.strip() for c in value.split(",") if c.strip()]


def reader_from_args(args: argparse.Namespace) -> ArchiveReader:
    """An :class:`ArchiveReader` for ``folder --view --columns --since --until``."""
    if not Path(args.folder).is_dir():
        raise CommandError(f"{args.folder}: no such archive folder (expected e.g. archive/houjie)")
    try:
        return ArchiveReader(args.folder, columns=column_list(args.columns), since=args.since,
                             until=args.until, view=args.view, on_bad=lambda bad: None)
    except SelectionError as exc:
        raise CommandError(str(exc)) from None


def _wants_bar(mode: str, rows: int) -> bool:
    if mode == "off":
        return False
    return mode == "on" or (sys.stderr.isatty() and rows >= PROGRESS_MIN_ROWS)


@contextlib.contextmanager
def progress_bar(mode: str, rows: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr (a terminal and a big export only, unless ``on``)."""
    if not _wants_bar(mode, rows):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=False)
    task = bar.add_task(label, total=rows)
    with bar:
        yield lambda n: bar.advance(task, n)


def report_bad_lines(bad: list[BadLine]) -> int:
    """Damaged lines were skipped: say where on stderr, and exit 1 so a script notices."""
    for line in bad[:10]:
        print(f"{line.path}:{line.line}: skipped a damaged line ({line.problem})", file=sys.stderr)
    if bad:
        print(f"{len(bad)} damaged line(s) skipped; `dgportal verify` lists every problem", file=sys.stderr)
    return 1 if bad else 0


def run(args: argparse.Namespace) -> int:
    from dgportal_crawler.dataset.writers import WRITERS, export

    if args.format not in WRITERS:
        raise CommandError(f"--format {args.format!r}: unknown; the formats are {', '.join(sorted(WRITERS))}")
    out = Path(args.out)
    if out.is_dir():
        raise CommandError(f"--out {out}: is a folder; give a file name")
    if not out.parent.is_dir():
        raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
    reader = reader_from_args(args)
    try:
        rows = reader.plan()
        if rows == 0:
            raise CommandError(f"nothing to export: no {args.view} article in {args.folder}"
                               + _dates(args) + " (check --view, --since and --until)")
        with progress_bar(args.progress, rows, f"export {args.format}") as advance:
            result = export(reader, args.format, out, advance)
    except (SelectionError, MissingExtraError) as exc:
        raise CommandError(str(exc)) from None
    except ValueError as exc:  # a line that breaks the schema, e.g. a time that is not one
        raise CommandError(f"cannot export: {exc}; `dgportal verify {args.folder}` lists such lines") from None
    except OSError as exc:
        raise CommandError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    print(f"{result.path}: {result.rows} articles ({args.view} view, {args.format})")
    return report_bad_lines(result.bad_lines)


def _dates(args: argparse.Namespace) -> str:
    parts = [f"since {args.since}" if args.since else "", f"until {args.until}" if args.until else ""]
    return (" published " + " and ".join(p for p in parts if p)) if any(parts) else ""
