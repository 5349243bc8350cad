"""Speed of ``dgportal reextract`` against ``trafilatura.extract`` on the same pages, and on two
processes against one.

    .venv/bin/python benchmarks/reextract_speed.py [--articles 2000] [--rounds 3]

Two archives are built in a temporary folder from the replica, as a crawl leaves them (each page
captured in the WARC, its line in the JSONL): one of template pages, one of rendered captures
(traditional characters, toolbar anchors, hijacked mirrors). Each round times, interleaved so
that the noise of a shared machine hits all of them: trafilatura.extract over the pages' bytes,
then ``reextract --jobs 1`` and ``reextract --jobs 2`` over the archive (reading the WARC and the
JSONL, extracting, comparing). The fastest round of each is kept; ratios are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.cli import main as dgportal
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import load_profile
from dgportal_crawler.replica import Replica
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.site import ArchiveOptions, SiteArchive

ORIGIN = "https://www.dg.gov.cn"
SUBSETS = {"template": {"plain"}, "rendered": {"rendered", "hijacked"}}
HEADERS = {"content-type": "text/html; charset=utf-8"}


def build_archive(root: Path, pages: list[tuple[dict, bytes]]) -> Path:
    profile = load_profile("houjie")
    layout = SiteLayout.of(root, "houjie")
    site = SiteArchive.open(layout, "20260101T000000Z-bench0", lambda: datetime(2026, 1, 1, tzinfo=UTC),
                            ArchiveOptions(warc_info={}))
    for record, body in pages:
        ref = site.warc.write_exchange(record["url"], "GET", [], b"", 200, "OK", list(HEADERS.items()), body)
        column = profile.column(record["column"])
        page = FetchedPage(url=record["url"], site="houjie", column=column.id, column_name=column.name,
                           template=column.template, status=200, headers=HEADERS, body=body,
                           fetched_at="2026-01-01T00:00:00Z", meta={"dgportal_warc": ref.to_dict()})
        site.append(article_from_page(page, profile, "20260101T000000Z-bench0").to_dict())
    site.close()
    return layout.site_dir


def seconds(job: Callable[[], object]) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


def reextract(folder: Path, jobs: int) -> Callable[[], object]:
    def run() -> None:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = dgportal(["reextract", str(folder), "--show", "0", "--jobs", str(jobs)])
        if code != 0 or " 0 differ, 0 failed" not in out.getvalue():
            raise SystemExit(f"reextract --jobs {jobs} on {folder} failed: {out.getvalue()}")
    return run


def trafilatura_over(pages: list[tuple[dict, bytes]]) -> Callable[[], object]:
    def run() -> None:
        for record, body in pages:
            trafilatura.extract(body, url=record["url"])
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000, help="replica size (10%% are rendered captures)")
    parser.add_argument("--max-pages", type=int, default=400, help="pages per subset")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    replica = Replica(seed=2023, articles=args.articles)
    truth = replica.ground_truth(ORIGIN)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, variants in SUBSETS.items():
            chosen = [r for r in truth if r["variant"] in variants][: args.max_pages]
            pages = [(r, replica.respond(r["url"].removeprefix(ORIGIN)).body) for r in chosen]
            folder = build_archive(Path(tmp) / name, pages)
            jobs = {"trafilatura.extract": trafilatura_over(pages), "reextract --jobs 1": reextract(folder, 1),
                    "reextract --jobs 2": reextract(folder, 2)}
            best = dict.fromkeys(jobs, float("inf"))
            for _ in range(args.rounds):  # interleaved: a busy moment slows all three
                for label, job in jobs.items():
                    best[label] = min(best[label], seconds(job))
            rows.append((name, len(pages), best))
    print(f"{'subset':<9} {'pages':>5}  {'job':<20} {'pages/s':>8} {'× trafilatura':>14} {'× 1 job':>8}")
    for name, count, best in rows:
        for label, secs in best.items():
            print(f"{name:<9} {count:5d}  {label:<20} {count / secs:8.1f} "
                  f"{best['trafilatura.extract'] / secs:14.2f} {best['reextract --jobs 1'] / secs:8.2f}")
    print("(fastest of the rounds; above 1 is faster than the baseline in that column)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
