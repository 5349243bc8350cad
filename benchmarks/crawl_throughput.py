"""Crawl speed and memory: the whole dgportal pipeline (extraction, OpenCC, validation,
state, JSONL, WARC) against a bare Scrapy spider fetching the same pages, same run, same
replica, same concurrency. Also times the incremental re-run.

    .venv/bin/python benchmarks/crawl_throughput.py [--articles 3000]

Each crawl runs in its own process; peak memory is that process's max RSS (getrusage).
Prints ratios to the baseline, because these 2-core shared machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dgportal_crawler.replica import ReplicaServer

HERE = Path(__file__).resolve().parent


def timed(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args(argv)
    with ReplicaServer(articles=args.articles) as server, tempfile.TemporaryDirectory() as tmp:
        bare = timed([sys.executable, str(HERE / "bare_spider.py"), server.base_url])
        requests = server.stats()["total"]
        crawl = [sys.executable, "-m", "dgportal_crawler", "crawl", "houjie", "--base-url", server.base_url,
                 "--out", tmp, "--progress", "off"]
        ours = timed(crawl)
        lines = sum(p.read_bytes().count(b"\n") for p in Path(tmp).glob("houjie/articles/*/*.jsonl"))
        again = timed(crawl)
    print(f"replica: {args.articles} articles, {requests} requests per full crawl; lines stored: {lines}")
    print(f"{'run':<34} {'seconds':>8} {'pages/s':>8} {'× bare':>7} {'peak MiB':>9} {'× bare':>7}")
    for label, (secs, rss) in (("bare Scrapy fetch (baseline)", bare), ("dgportal crawl (full pipeline)", ours),
                               ("dgportal crawl again (incremental)", again)):
        print(f"{label:<34} {secs:8.2f} {requests / secs:8.1f} {bare[0] / secs:7.2f} {rss:9.1f} {rss / bare[1]:7.2f}")
    print("(× bare for speed: above 1 is faster than the baseline; for memory: above 1 uses more)")
    return 0 if lines == args.articles else 1


if __name__ == "__main__":
    sys.exit(main())
