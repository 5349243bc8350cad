"""What writing ``manifest.json`` costs an incremental run as the archive grows: the
incremental manifest (hash only new and changed files) against a full re-hash (what every
run used to do).

    .venv/bin/python benchmarks/manifest_growth.py [--counts 5,10,20] [--file-mb 20] [--repeat 7]

A synthetic site folder in a temporary directory: ``--counts`` WARC files of ``--file-mb`` MB
of random-ish bytes (the WARCs of past runs; their mtimes set a day back, as after earlier
nights), 24 month files of articles, run reports and ``events.jsonl``. At each size, an
incremental run is simulated ``--repeat`` times: one small new WARC file (256 KB), one line
appended to a month file and one run report, written just before the manifest, as a run
leaves them; its ``write_manifest`` is timed (fastest run counts), and so is
``write_manifest(full=True)``. Costs are printed as ratios against the first size: the
incremental cost should stay flat (about 1.0) while the full re-hash grows with the archive.
The big files were just written, so they are in the page cache: the full re-hash here is
sha256 at memory speed; read from disk it costs more still.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.manifest import write_manifest

BLOCK = 1 << 20
DAY_NS = 86_400 * 10**9
SMALL_WARC = 256 * 1024
MONTHS = [f"{year}-{month:02d}" for year in (2024, 2025) for month in range(1, 13)]
LINE = {"id": "houjie:{n}", "url": "https://www.dg.gov.cn/houjie/a/post_{n}.html", "revision": 1,
        "title": "厚街镇举行年度工作会议", "text": "会议总结了过去一年的工作。" * 40}


def random_bytes(size: int, seed: int) -> bytes:
    """``size`` bytes that do not compress and differ per ``seed`` (one urandom block reused)."""
    base = random_bytes.block if hasattr(random_bytes, "block") else os.urandom(BLOCK)
    random_bytes.block = base  # type: ignore[attr-defined]
    head = seed.to_bytes(8, "big")
    return (head + base)[:size] if size <= BLOCK else b"".join(
        (i.to_bytes(8, "big") + head + base)[:BLOCK] for i in range(size // BLOCK))


def write_file(path: Path, data: bytes, *, aged: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if aged:  # written on an earlier night
        old = time.time_ns() - DAY_NS
        os.utime(path, ns=(old, old))


def article_line(n: int) -> bytes:
    record = {k: v.format(n=n) if isinstance(v, str) else v for k, v in LINE.items()}
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


def seed_archive(layout: SiteLayout) -> None:
    """Month files, events and a first report: the part that is not WARC."""
    numbers = itertools.count()
    for month in MONTHS:
        lines = b"".join(article_line(next(numbers)) for _ in range(100))
        write_file(layout.article_file(f"{month}-15"), lines, aged=True)
    write_file(layout.events_file, b'{"event": "withdrawn", "id": "houjie:1"}\n', aged=True)
    write_file(layout.run_report("seed"), b'{"run_id": "seed"}\n', aged=True)


def add_big_warcs(layout: SiteLayout, start: int, stop: int, file_mb: int) -> None:
    for index in range(start, stop):
        write_file(layout.warc_file(f"past{index:04d}", 1), random_bytes(file_mb * BLOCK, index), aged=True)


class Nights:
    """The filesystem clock of the simulated runs: one run a night, starting tomorrow. A run's
    files are written a second before its manifest (so they count as just changed and get no
    mtime); by the next night they are a day old, and are hashed once more, as in real life."""

    def __init__(self) -> None:
        self.tonight = time.time_ns()

    def next(self) -> int:
        self.tonight += DAY_NS
        return self.tonight

    def now(self) -> int:
        return self.tonight


def incremental_run(layout: SiteLayout, run: int, nights: Nights) -> None:
    """What a small nightly run leaves behind just before its manifest is written."""
    written = nights.next() - 10**9
    run_id = f"night{run:05d}"
    month = layout.article_file(f"{MONTHS[-1]}-20")
    write_file(layout.warc_file(run_id, 1), random_bytes(SMALL_WARC, 10**6 + run), aged=False)
    with month.open("ab") as fh:
        fh.write(article_line(10**6 + run))
    write_file(layout.run_report(run_id), json.dumps({"run_id": run_id}).encode() + b"\n", aged=False)
    for path in (layout.warc_file(run_id, 1), month, layout.run_report(run_id)):
        os.utime(path, ns=(written, written))


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def archive_mb(layout: SiteLayout) -> float:
    return sum(p.stat().st_size for p in layout.site_dir.rglob("*") if p.is_file()) / BLOCK


def measure(layout: SiteLayout, repeat: int, runs: itertools.count, nights: Nights) -> tuple[float, float, int]:
    """(fastest incremental manifest, fastest full re-hash, files hashed by the last incremental)."""
    incremental, full = [], []
    hashed: list[str] = []
    for _ in range(repeat):
        incremental_run(layout, next(runs), nights)
        hashed.clear()
        incremental.append(timed(lambda: write_manifest(layout.site_dir, now_ns=nights.now, on_hash=hashed.append)))
        full.append(timed(lambda: write_manifest(layout.site_dir, full=True, now_ns=nights.now)))
    return min(incremental), min(full), len(hashed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="5,10,20", help="WARC files at each size (comma-separated, growing)")
    parser.add_argument("--file-mb", type=int, default=20, help="size of each big WARC file")
    parser.add_argument("--repeat", type=int, default=7, help="runs per size; the fastest counts")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",")]
    if counts != sorted(counts):
        parser.error("--counts must grow")
    print(f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
          f"python {platform.python_version()} ({sys.implementation.name}), {platform.machine()} "
          f"{platform.system()} {platform.release()}")
    print(f"archive: WARC files of {args.file_mb} MB + {len(MONTHS)} month files; each incremental run adds "
          f"a {SMALL_WARC // 1024} KB WARC, one line and one report; fastest of {args.repeat}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="dgportal-manifest-") as tmp:
        layout = SiteLayout.of(tmp, "houjie")
        seed_archive(layout)
        runs, nights = itertools.count(1), Nights()
        have = 0
        for count in counts:
            add_big_warcs(layout, have, count, args.file_mb)
            have = count
            write_manifest(layout.site_dir, now_ns=nights.now)  # the archive as the last run left it
            os.sync()  # the big files on disk: no writeback of them slows the manifest's fsync
            incremental, full, hashed = measure(layout, args.repeat, runs, nights)
            rows.append((count, archive_mb(layout), incremental, full, hashed))
    first_inc, first_full = rows[0][2], rows[0][3]
    print(f"{'big WARCs':>9} {'archive MB':>10} {'incremental':>12} {'ratio':>6} {'hashed':>6}"
          f" {'full re-hash':>13} {'ratio':>6} {'full/inc':>8}")
    for count, size, incremental, full, hashed in rows:
        print(f"{count:>9} {size:>10.0f} {incremental * 1000:>9.1f} ms {incremental / first_inc:>6.2f}"
              f" {hashed:>6} {full * 1000:>10.1f} ms {full / first_full:>6.2f} {full / incremental:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
