"""Is a change to extraction faster? The working tree's extraction against a git revision's,
in one process, rounds interleaved.

    .venv/bin/python benchmarks/extraction_ab.py [--base HEAD~1] [--subset rendered] [--rounds 15]

On these shared 2-core machines the same code measured in two processes differs by up to a
quarter, so before/after runs one after the other cannot show a change of a few percent. Here
the base revision's package is exported (``git archive``) into a temporary folder and imported
under another name beside ``dgportal_crawler``; both extract the same replica pages (template
pages, or rendered captures), alternating round by round, CPU time per page. The lines of the
two must be identical (the crawler version aside), or the run stops: a speed-up that changes
output is not a speed-up.
"""

from __future__ import annotations

import argparse
import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from dgportal_crawler.replica import Replica

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "https://www.dg.gov.cn"
SUBSETS = {"template": {"plain"}, "rendered": {"rendered", "hijacked"}}
BASE_NAME = "dgportal_base"


def export_base(revision: str, into: Path) -> None:
    """The revision's package, its imports renamed, as ``<into>/dgportal_base``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "dgportal_crawler"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    package = into / BASE_NAME
    (into / "dgportal_crawler").rename(package)
    for path in package.rglob("*.py"):
        path.write_text(path.read_text(encoding="utf-8").replace("dgportal_crawler", BASE_NAME), encoding="utf-8")


def extractor(package: str, raw: list[tuple[dict[str, Any], bytes]]) -> tuple[Any, list[Any], Any]:
    """``(article_from_page, pages, profile)`` of one package, over the same page bytes."""
    assemble = importlib.import_module(f"{package}.assemble")
    pages_module = importlib.import_module(f"{package}.pages")
    profile = importlib.import_module(f"{package}.profile").load_profile("houjie")
    pages = []
    for truth, body in raw:
        column = profile.column(truth["column"])
        pages.append(pages_module.FetchedPage(
            url=truth["url"], site="houjie", column=column.id, column_name=column.name,
            template=column.template, status=200, headers={"content-type": "text/html; charset=utf-8"},
            body=body, fetched_at="2026-01-01T00:00:00Z"))
    return assemble.article_from_page, pages, profile


def lines(job: tuple[Any, list[Any], Any]) -> list[dict[str, Any]]:
    extract, pages, profile = job
    found = [extract(page, profile, "ab").to_dict() for page in pages]
    for line in found:
        line.pop("crawler")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--subset", choices=sorted(SUBSETS), default="rendered")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    replica = Replica(seed=2023, articles=args.pages * 10)
    raw = [(t, replica.respond(t["url"].removeprefix(ORIGIN)).body)
           for t in replica.ground_truth(ORIGIN) if t["variant"] in SUBSETS[args.subset]][: args.pages]
    with tempfile.TemporaryDirectory() as tmp:
        export_base(args.base, Path(tmp))
        sys.path.insert(0, tmp)
        jobs = {args.base: extractor(BASE_NAME, raw), "working tree": extractor("dgportal_crawler", raw)}
        if lines(jobs[args.base]) != lines(jobs["working tree"]):
            print(f"the working tree's lines differ from {args.base}'s: not comparable", file=sys.stderr)
            return 1
        times: dict[str, list[float]] = {label: [] for label in jobs}
        for _ in range(args.rounds):
            for label, (extract, pages, profile) in jobs.items():
                start = time.process_time()
                for page in pages:
                    extract(page, profile, "ab").to_dict()
                times[label].append((time.process_time() - start) / len(pages) * 1000)
    base, new = (sorted(times[label]) for label in jobs)
    print(f"{len(raw)} {args.subset} pages, {args.rounds} interleaved rounds, CPU ms per page")
    print(f"{args.base:<14} min {base[0]:.3f}  median {base[len(base) // 2]:.3f}")
    print(f"{'working tree':<14} min {new[0]:.3f}  median {new[len(new) // 2]:.3f}")
    print(f"working tree / {args.base}: {new[0] / base[0]:.3f} (min), "
          f"{new[len(new) // 2] / base[len(base) // 2]:.3f} (median); below 1 is faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
