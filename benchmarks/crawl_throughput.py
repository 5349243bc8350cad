"""Crawl speed and memory: the whole dgportal pipeline (extraction, OpenCC, validation,
state, JSONL, WARC) against a bare Scrapy spider fetching the same pages, same run, same
replica, same concurrency. Also times the incremental re-run of the unchanged site.

    .venv/bin/python benchmarks/crawl_throughput.py [--articles 3000] [--rounds 2]

Each crawl runs in its own process; peak memory is that process's max RSS (getrusage), CPU
its user + system seconds. The runs are interleaved (bare, ours, bare, ours …) so that the
noise of a shared machine hits both; the fastest of each is compared. Prints ratios to the
baseline, because these 2-core shared machines are noisy.

``--inline`` adds a third crawl, ``DGPORTAL_EXTRACT_PROCESSES=0``: extraction in the crawl's own
process, as before the extraction worker (CPU seconds always include the workers').

"CPU beyond requests" of the incremental run: its CPU seconds minus what the bare spider
spends on as many requests (its CPU per request, start-up included, times the requests the
incremental run made), so it counts our start-up and the state, list and end-of-run work.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from dgportal_crawler.replica import ReplicaServer

HERE = Path(__file__).resolve().parent


@dataclass
class Run:
    seconds: float
    cpu: float
    rss_mib: float
    requests: int


def timed(cmd: list[str], server: ReplicaServer) -> Run:
    """Wall and CPU seconds, peak RSS and requests answered of one child process."""
    server.reset_stats()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, server.stats()["total"])


def fastest(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2, help="bare/ours pairs, interleaved")
    parser.add_argument("--inline", action="store_true",
                        help="also crawl with extraction in the crawl's process (no worker)")
    parser.add_argument("--memory-only", action="store_true",
                        help="one crawl of ours, no baseline: peak RSS at a size too big to repeat")
    args = parser.parse_args(argv)
    bare_runs: list[Run] = []
    our_runs: list[Run] = []
    inline_runs: list[Run] = []
    again_runs: list[Run] = []
    with ReplicaServer(articles=args.articles) as server, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "archive"
        crawl = [sys.executable, "-m", "dgportal_crawler", "crawl", "houjie", "--base-url", server.base_url,
                 "--out", str(out), "--progress", "off", "--quiet",
                 # 100,000 articles make columns of ~1,100 list pages: past the default budget.
                 "-s", f"DGPORTAL_MAX_LIST_PAGES={max(1000, args.articles)}"]
        for _ in range(1 if args.memory_only else args.rounds):
            if not args.memory_only:
                bare_runs.append(timed([sys.executable, str(HERE / "bare_spider.py"), server.base_url], server))
            if args.inline:
                shutil.rmtree(out, ignore_errors=True)
                inline_runs.append(timed([*crawl, "-s", "DGPORTAL_EXTRACT_PROCESSES=0"], server))
            shutil.rmtree(out, ignore_errors=True)
            our_runs.append(timed(crawl, server))
        lines = sum(p.read_bytes().count(b"\n") for p in out.glob("houjie/articles/*/*.jsonl"))
        if not args.memory_only:
            for _ in range(args.rounds):  # the archive of the last full crawl, unchanged site
                again_runs.append(timed(crawl, server))
    print(f"replica: {args.articles} articles; lines stored: {lines}")
    if args.memory_only:
        run = our_runs[0]
        print(f"dgportal crawl: {run.seconds:.1f} s, {run.requests} requests, peak RSS {run.rss_mib:.1f} MiB")
        return 0 if lines == args.articles else 1
    bare, ours, again = fastest(bare_runs), fastest(our_runs), fastest(again_runs)
    print(f"{'run':<34} {'requests':>8} {'seconds':>8} {'pages/s':>8} {'× bare':>7} {'CPU s':>7} "
          f"{'peak MiB':>9} {'× bare':>7}")
    rows = [("bare Scrapy fetch (baseline)", bare), ("dgportal crawl (full pipeline)", ours)]
    if inline_runs:
        rows.append(("  … extracting in its own process", fastest(inline_runs)))
    for label, run in (*rows, ("dgportal crawl again (incremental)", again)):
        rate = run.requests / run.seconds
        print(f"{label:<34} {run.requests:8d} {run.seconds:8.2f} {rate:8.1f} "
              f"{rate / (bare.requests / bare.seconds):7.2f} {run.cpu:7.2f} {run.rss_mib:9.1f} "
              f"{run.rss_mib / bare.rss_mib:7.2f}")
    for label, run in rows[1:]:
        per_cpu = (run.requests / run.cpu) / (bare.requests / bare.cpu)
        print(f"{label.strip(' …')} per CPU second: {per_cpu:.2f}× the bare spider's pages (the wall-clock "
              "ratio above is bounded by the replica, which shares the machine's cores)")
    beyond = again.cpu - bare.cpu / bare.requests * again.requests
    print(f"incremental run: {again.cpu:.2f} CPU s for {again.requests} requests; "
          f"{beyond:.2f} CPU s beyond what the bare spider spends on as many requests")
    print(f"all rounds (s): bare {[round(r.seconds, 1) for r in bare_runs]}, "
          f"ours {[round(r.seconds, 1) for r in our_runs]}, inline {[round(r.seconds, 1) for r in inline_runs]}, "
          f"again {[round(r.seconds, 1) for r in again_runs]}")
    print("(× bare for speed: pages/s over the baseline's, above 1 is faster; for memory: above 1 uses more)")
    return 0 if lines == args.articles else 1


if __name__ == "__main__":
    sys.exit(main())
