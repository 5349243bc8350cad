"""Reading and exporting speed and memory of ``dgportal_crawler.dataset`` on a 20,000-article
archive, against plain ``json.loads`` over the same files, same run.

    .venv/bin/python benchmarks/dataset_throughput.py [--articles 20000] [--repeat 3]

The archive is written once into a temporary folder in the archive's own line format, from the
replica's ground truth (real titles, texts, dates, columns, images, government metadata), with
5% of the articles edited (a second revision) and 1% withdrawn (``events.jsonl``). Each
measurement runs in its own process; peak memory is that process's peak RSS (VmHWM).
Each job runs ``--repeat`` times, interleaved, and its fastest run counts; ratios to the
baseline are printed, because these 2-core shared machines are noisy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dgportal_crawler.replica import Replica
from dgportal_crawler.store.jsonl import encode_line
from dgportal_crawler.store.layout import SiteLayout

SITE = "houjie"
EDITED_EVERY = 20  # 5% of the articles get a second revision
WITHDRAWN_EVERY = 100  # 1% are withdrawn


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def archive_line(truth: dict[str, Any], n: int, revision: int = 1, previous: str | None = None) -> dict[str, Any]:
    text = "\n".join(truth["paragraphs"]) + ("\n（更新）" if revision > 1 else "")
    return {
        "id": truth["id"], "url": truth["url"], "site": SITE, "column": truth["column"],
        "column_name": truth["column_name"], "column_path": truth["column_path"], "title": truth["title"],
        "title_original": truth["title"], "published_at": truth["published_at"],
        "published_precision": truth["published_precision"], "source": truth["source"],
        "author": truth["author"], "editor": truth["editor"], "reviewer": truth["reviewer"],
        "gov_meta": truth["gov_meta"], "text": text, "text_original": text, "script_original": "hans",
        "images": truth["images"], "attachments": truth["attachments"],
        "fetched_at": f"2026-01-{1 + revision:02d}T03:{n // 60 % 60:02d}:{n % 60:02d}Z", "http_status": 200,
        "content_sha256": _sha(f"{truth['id']}:{revision}"), "text_sha256": _sha(text), "revision": revision,
        "previous_text_sha256": previous,
        "extraction": {"method": "template", "template": truth["template"], "removed": {"share_bar": 1},
                       "encoding": {"charset": "utf-8", "source": "header", "declared": {"bom": None},
                                    "conflict": False, "undecodable_bytes": 0}, "warnings": []},
        "crawler": {"version": "0.1.0", "run_id": f"run-{revision}"},
        "warc": {"file": f"warc/run-{revision}-00001.warc.gz", "offset": n * 4096, "record_id": f"<urn:uuid:{n}>"},
        "schema_version": 1,
    }


def build_archive(root: Path, articles: int) -> None:
    """Write the synthetic archive."""
    layout = SiteLayout.of(root, SITE)
    truth = Replica(articles=articles).ground_truth("http://127.0.0.1:8800")
    by_file: dict[Path, list[bytes]] = {}
    events = []
    for n, article in enumerate(truth):
        first = archive_line(article, n)
        path = layout.article_file(article["published_at"])
        by_file.setdefault(path, []).append(encode_line(first))
        if n % EDITED_EVERY == 0:
            by_file[path].append(encode_line(archive_line(article, n, 2, first["text_sha256"])))
        if n % WITHDRAWN_EVERY == 1:
            events.append(encode_line({"at": "2026-02-01T00:00:00Z", "run_id": "run-3", "event": "withdrawn",
                                       "id": article["id"], "url": article["url"], "status": 404, "location": None}))
    for path, lines in by_file.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(lines))
    layout.events_file.write_bytes(b"".join(events))


# -- the measured jobs, each run in a child process -----------------------------------------
def job_baseline(root: Path, out: Path) -> int:
    count = 0
    for path in SiteLayout.of(root, SITE).article_files():
        with path.open("rb") as handle:
            for raw in handle:
                count += len(json.loads(raw))
    return count


def job_iter_current(root: Path, out: Path) -> int:
    from dgportal_crawler.dataset import iter_articles

    return sum(len(a) for a in iter_articles(root))


def job_iter_all(root: Path, out: Path) -> int:
    from dgportal_crawler.dataset import iter_articles

    return sum(len(a) for a in iter_articles(root, view="all"))


def job_import_arrow(root: Path, out: Path) -> int:
    """What importing pyarrow and writing an empty Parquet file costs, with no archive at all."""
    import pyarrow.parquet as pq

    from dgportal_crawler.dataset import arrow_schema

    pq.write_table(arrow_schema().empty_table(), out / "empty.parquet")
    return 0


def job_parquet(root: Path, out: Path) -> int:
    from dgportal_crawler.dataset import ArchiveReader, export

    return export(ArchiveReader(root), "parquet", out / "houjie.parquet").rows


def job_csv(root: Path, out: Path) -> int:
    from dgportal_crawler.dataset import ArchiveReader, export

    return export(ArchiveReader(root), "csv", out / "houjie.csv").rows


JOBS: dict[str, tuple[str, Callable[[Path, Path], int]]] = {
    "baseline": ("json.loads of every line (baseline)", job_baseline),
    "iter-current": ("iter_articles, current view", job_iter_current),
    "iter-all": ("iter_articles, view all", job_iter_all),
    "import-arrow": ("pyarrow imported, no data (floor)", job_import_arrow),
    "parquet": ("export parquet, current view", job_parquet),
    "csv": ("export csv, current view", job_csv),
}


def peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM: unlike getrusage, not inherited from the parent)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def timed(job: str, root: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one job in a child process."""
    cmd = [sys.executable, __file__, "--job", job, str(root), str(out)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"job {job} failed: {proc.stderr[-2000:]}")
    return elapsed, float(proc.stdout.split()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each job; the fastest counts")
    parser.add_argument("--job", choices=sorted(JOBS), help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:  # in a child process, so that the measuring parent stays small
        build_archive(Path(args.paths[0]), args.articles)
        return 0
    if args.job:  # in a child process
        JOBS[args.job][1](Path(args.paths[0]), Path(args.paths[1]))
        print(peak_rss_mib())
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root, out = Path(tmp) / "archive", Path(tmp) / "out"
        out.mkdir()
        subprocess.run([sys.executable, __file__, "--build", "--articles", str(args.articles), str(root)],
                       check=True, stdin=subprocess.DEVNULL)
        files = SiteLayout.of(root, SITE).article_files()
        lines = sum(p.read_bytes().count(b"\n") for p in files)
        size = sum(p.stat().st_size for p in files)
        timed("baseline", root, out)  # a first pass warms the page cache for everyone
        runs: dict[str, list[tuple[float, float]]] = {job: [] for job in JOBS}
        for _ in range(args.repeat):  # interleaved, so a busy moment hits every job alike
            for job in JOBS:
                runs[job].append(timed(job, root, out))
        results = {job: (min(t for t, _ in r), max(m for _, m in r)) for job, r in runs.items()}
        parquet_size = (out / "houjie.parquet").stat().st_size
    base_secs, base_rss = results["baseline"]
    print(f"archive: {args.articles} articles, {lines} lines, {size / 2**20:.1f} MiB of JSONL "
          f"(Parquet export: {parquet_size / 2**20:.1f} MiB)")
    print(f"{'job':<38} {'seconds':>8} {'lines/s':>9} {'× base':>7} {'peak MiB':>9} {'× base':>7}")
    for job, (label, _) in JOBS.items():
        secs, rss = results[job]
        speed = f"{'-':>9} {'-':>7}" if job == "import-arrow" else f"{lines / secs:9.0f} {base_secs / secs:7.2f}"
        print(f"{label:<38} {secs:8.2f} {speed} {rss:9.1f} {rss / base_rss:7.2f}")
    print("(× base for speed: above 1 is faster than the baseline; for memory: above 1 uses more. "
          "Times include starting Python and importing the libraries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
