"""``dgportal stats archive/<site>``: a table per column × year (or month) of the current view,
``--json`` for machines, ``--plot FILE.png`` for a picture of articles per month."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dgportal_crawler.commands import CommandError
from dgportal_crawler.commands.export import report_bad_lines
from dgportal_crawler.dataset.extras import MissingExtraError
from dgportal_crawler.dataset.loader import SelectionError
from dgportal_crawler.dataset.stats import GroupStats, archive_stats, monthly_counts
from dgportal_crawler.store.jsonl import BadLine

#: Width of the table when stdout is not a terminal (a log, a pipe).
TABLE_WIDTH = 160
#: (header, field, format) of the table's numeric columns.
TABLE = (
    ("articles", "articles", "{:d}"),
    ("mean chars", "mean_chars", "{:.0f}"),
    ("time", "with_time", "{:.0%}"),
    ("source", "with_source", "{:.0%}"),
    ("images", "with_images", "{:.0%}"),
    ("attach.", "with_attachments", "{:.0%}"),
    ("fallback", "fallback", "{:.1%}"),
    ("revisions", "revisions", "{:d}"),
    ("withdrawals", "withdrawals", "{:d}"),
    ("withdrawn now", "withdrawn", "{:d}"),
)


def _cell(value: object, fmt: str) -> str:
    return "–" if value is None else fmt.format(value)


def print_table(rows: list[GroupStats], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column("column", no_wrap=True)
    table.add_column("period", no_wrap=True)
    for header, _, _ in TABLE:
        table.add_column(header, justify="right")
    for row in rows:
        name = f"{row.column_name} ({row.column})" if row.column_name else row.column
        table.add_row(name, row.period, *(_cell(getattr(row, f), fmt) for _, f, fmt in TABLE),
                      end_section=row is rows[-2] if len(rows) > 1 else False)
    Console(width=None if sys.stdout.isatty() else TABLE_WIDTH).print(table)


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        raise CommandError(f"{folder}: no such archive folder (expected e.g. archive/houjie)")
    bad: list[BadLine] = []
    try:
        rows = archive_stats(folder, by=args.by, since=args.since, until=args.until, view=args.view,
                             on_bad=bad.append)
        if rows[-1].articles == 0 and not args.json:
            print(f"{folder}: no {args.view} article" + (" in these dates" if args.since or args.until else ""),
                  file=sys.stderr)
        if args.json:
            print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
        else:
            print_table(rows, f"dgportal stats {folder} ({args.view} view, by {args.by})")
        if args.plot:
            _plot(args, folder)
    except (SelectionError, MissingExtraError) as exc:
        raise CommandError(str(exc)) from None
    return report_bad_lines(bad)


def _plot(args: argparse.Namespace, folder: Path) -> None:
    from dgportal_crawler.dataset.plot import plot_articles_per_month

    counts = monthly_counts(folder, since=args.since, until=args.until, view=args.view)
    if not counts:
        raise CommandError(f"--plot {args.plot}: nothing to draw, no dated {args.view} article")
    try:
        result = plot_articles_per_month(counts, args.plot)
    except OSError as exc:
        raise CommandError(f"--plot {args.plot}: cannot write ({exc.strerror or exc})") from None
    if result.note:
        print(f"note: {result.note}", file=sys.stderr)
    print(f"{result.path}: articles per month over {result.months} months", file=sys.stderr)
