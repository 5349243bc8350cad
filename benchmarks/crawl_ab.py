"""Head to head: another checkout's ``dgportal crawl`` against this one's, same replica,
alternated (before, after, before, after …); CPU seconds, wall seconds and peak RSS.

    git archive 45ce019 | tar -x -C /tmp/before
    .venv/bin/python benchmarks/crawl_ab.py /tmp/before [--articles 3000] [--rounds 3]

Both run with this virtualenv's Python; the other checkout's package comes first on
PYTHONPATH (and the child starts outside this checkout, so its folder does not shadow it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dgportal_crawler.replica import ReplicaServer

HERE = Path(__file__).resolve().parents[1]


def crawl(checkout: Path, base_url: str, out: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of one fresh crawl by the package in ``checkout``."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "dgportal_crawler", "crawl", "houjie", "--base-url", base_url,
                             "--out", str(out), "--progress", "off", "--quiet"], cwd=out.parent, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"crawl by {checkout} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="the other checkout (its folder holding dgportal_crawler/)")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    runs: dict[str, list[tuple[float, float, float]]] = {"before": [], "after": []}
    with ReplicaServer(articles=args.articles) as server, tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for label, checkout in (("before", args.before.resolve()), ("after", HERE)):
                runs[label].append(crawl(checkout, server.base_url, Path(tmp) / "archive"))
    for label, done in runs.items():
        print(f"{label:<6} wall {[round(r[0], 1) for r in done]} CPU {[round(r[1], 2) for r in done]} "
              f"peak MiB {[round(r[2]) for r in done]}")
    before, after = (statistics.median(r[1] for r in runs[k]) for k in ("before", "after"))
    print(f"median CPU: {before:.2f} -> {after:.2f} s ({after / before:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
