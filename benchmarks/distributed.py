"""Distributed crawl speed: one coordinator with 1 and with 2 worker processes, against the
single-process crawl, same replica, same run, printed as ratios to the single process.

    .venv/bin/python benchmarks/distributed.py [--articles 2000]

Needs ``redis-server`` on the PATH (started here on a free loopback port). Each run writes a
fresh archive; its time is the ``dgportal crawl`` command's, start to exit (workers are
started first and wait for the crawl, as a standing pool would). On one 2-core machine the
workers, the coordinator, the replica and Redis share the same cores, so this measures the
overhead of distribution more than its gain; on several machines the workers' share of the
work (fetching and extraction) runs in parallel.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from dgportal_crawler.replica import ReplicaServer

DGPORTAL = [sys.executable, "-m", "dgportal_crawler"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(folder: str) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", folder],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Redis(port=port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if client.ping():
                return proc, f"redis://127.0.0.1:{port}/0"
        except RedisError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("redis-server did not start")


def run(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def distributed(base_url: str, redis_url: str, out: Path, workers: int) -> float:
    logs = [out.parent / f"worker-{workers}-{i}.log" for i in range(1, workers + 1)]
    pool = []
    for i, log in enumerate(logs, start=1):
        with log.open("wb") as sink:
            pool.append(subprocess.Popen([*DGPORTAL, "worker", "--redis", redis_url, "--name", f"w{i}",
                                          "-s", "LOG_LEVEL=WARNING"], stdin=subprocess.DEVNULL,
                                         stdout=sink, stderr=sink))
    try:
        # a standing pool: every worker started and waiting for a crawl
        while not all(b"waiting for a crawl" in log.read_bytes() for log in logs):
            time.sleep(0.05)
        return run([*DGPORTAL, "crawl", "houjie", "--base-url", base_url, "--out", str(out),
                    "--progress", "off", "--redis", redis_url])
    finally:
        for proc in pool:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def lines(out: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in out.glob("houjie/articles/*/*.jsonl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args(argv)
    results: dict[str, tuple[float, int, int]] = {}
    with ReplicaServer(articles=args.articles) as server, tempfile.TemporaryDirectory() as tmp:
        redis_proc, redis_url = start_redis(tmp)
        try:
            for label, workers in (("single process (baseline)", 0), ("coordinator + 1 worker", 1),
                                   ("coordinator + 2 workers", 2)):
                out = Path(tmp) / f"out-{workers}"
                server.reset_stats()
                seconds = (run([*DGPORTAL, "crawl", "houjie", "--base-url", server.base_url, "--out", str(out),
                                "--progress", "off"]) if workers == 0
                           else distributed(server.base_url, redis_url, out, workers))
                results[label] = (seconds, server.stats()["total"], lines(out))
        finally:
            redis_proc.terminate()
            redis_proc.wait()
    base_seconds, base_pages, _ = results["single process (baseline)"]
    print(f"replica: {args.articles} articles; {base_pages} requests per full crawl")
    print(f"{'run':<28} {'seconds':>8} {'pages':>6} {'pages/s':>8} {'× single':>9} {'lines':>6}")
    for label, (seconds, pages, stored) in results.items():
        print(f"{label:<28} {seconds:8.2f} {pages:6d} {pages / seconds:8.1f} "
              f"{(pages / seconds) / (base_pages / base_seconds):9.2f} {stored:6d}")
    print("(× single: pages/s as a ratio to the single-process crawl of the same run; above 1 is faster)")
    return 0 if all(stored == args.articles for _, _, stored in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
