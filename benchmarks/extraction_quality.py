"""Extraction quality and speed: our extractor against trafilatura, on the replica.

    .venv/bin/python benchmarks/extraction_quality.py [--articles 150] [--seed 2023] [--repeat 3]

Every page and its answer key come from the bundled replica (no network). Subsets:
  template  plain pages of both template generations (what the profile's selectors match)
  rendered  rendered captures: traditional characters, toolbar anchors, some hijacked (spam)
  degraded  the same articles with every template class renamed: only a fallback can work
Baseline, measured in the same run on the same pages: trafilatura.extract with its defaults,
and with favor_precision=True. Speeds are printed as ratios to the baseline because these
machines are noisy; the quality numbers are deterministic.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura

from dgportal_crawler.extract import ExtractionError, extract_article
from dgportal_crawler.normalise import to_simplified
from dgportal_crawler.profile import SiteProfile, load_profile
from dgportal_crawler.replica import Replica

DEFINITION = (
    "character P/R/F1: each text (truth: the body paragraphs; output: the body text) is NFKC-"
    "normalised, converted to simplified with OpenCC t2s, and stripped of all whitespace; P = "
    "|bag(out) ∩ bag(truth)| / |bag(out)|, R = … / |bag(truth)|, summed over all pages of the "
    "subset (micro-average); F1 = 2PR/(P+R)"
)
TARGETS = {"template": 0.995, "degraded": 0.97}
SPEED_TARGET = 5.0  # our pages/s over trafilatura's (default), on template pages


@dataclass
class Page:
    url: str
    body: bytes
    template: str
    truth: str


def bag(text: str) -> Counter[str]:
    text = to_simplified(unicodedata.normalize("NFKC", text))
    return Counter(ch for ch in text if not ch.isspace())


@dataclass
class Score:
    overlap: int = 0
    out: int = 0
    truth: int = 0

    def add(self, output: str, truth: str) -> None:
        got, want = bag(output), bag(truth)
        self.overlap += sum((got & want).values())
        self.out += sum(got.values())
        self.truth += sum(want.values())

    @property
    def p(self) -> float:
        return self.overlap / self.out if self.out else 0.0

    @property
    def r(self) -> float:
        return self.overlap / self.truth if self.truth else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


def pages_of(replica: Replica, variants: set[str]) -> list[Page]:
    pages = []
    for record in replica.ground_truth():
        if record["variant"] not in variants:
            continue
        path = urlsplit(record["url"]).path
        response = replica.respond(path)
        pages.append(Page(record["url"], response.body, record["template"], "\n".join(record["paragraphs"])))
    return pages


def ours(profile: SiteProfile) -> Callable[[Page], str]:
    def run(page: Page) -> str:
        try:
            return extract_article(page.body, url=page.url, profile=profile, template=page.template).text
        except ExtractionError:
            return ""
    return run


def trafilatura_with(**options: object) -> Callable[[Page], str]:
    def run(page: Page) -> str:
        return trafilatura.extract(page.body, url=page.url, **options) or ""
    return run


def measure(extractor: Callable[[Page], str], pages: list[Page], repeat: int) -> tuple[Score, float]:
    score = Score()
    outputs = [extractor(p) for p in pages]  # warm-up, and the outputs scored
    for page, output in zip(pages, outputs, strict=True):
        score.add(output, page.truth)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for page in pages:
            extractor(page)
        best = min(best, time.perf_counter() - start)
    return score, len(pages) / best if best > 0 else float("inf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds; the best is kept")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # trafilatura and lxml chatter is not the subject here
    profile = load_profile("houjie")
    plain = Replica(seed=args.seed, articles=args.articles)
    degraded = Replica(seed=args.seed, articles=args.articles, degraded=1.0)
    subsets = {
        "template": pages_of(plain, {"plain"}),
        "rendered": pages_of(plain, {"rendered", "hijacked"}),
        "degraded": pages_of(degraded, {"degraded"}),
    }
    extractors = {
        "dgportal": ours(profile),
        "trafilatura": trafilatura_with(),
        "trafilatura-precision": trafilatura_with(favor_precision=True),
    }
    print(DEFINITION)
    print(f"replica seed {args.seed}, {args.articles} articles; timing: best of {args.repeat}\n")
    print(f"{'subset':<10} {'pages':>5}  {'extractor':<22} {'P':>7} {'R':>7} {'F1':>7} {'pages/s':>9} {'× base':>7}")
    failures: list[str] = []
    for name, pages in subsets.items():
        results = {label: measure(fn, pages, args.repeat) for label, fn in extractors.items()}
        base_speed = results["trafilatura"][1]
        for label, (score, speed) in results.items():
            print(f"{name:<10} {len(pages):>5}  {label:<22} {score.p:7.4f} {score.r:7.4f} {score.f1:7.4f} "
                  f"{speed:9.1f} {speed / base_speed:7.2f}")
        mine = results["dgportal"][0].f1
        if name in TARGETS and mine < TARGETS[name]:
            failures.append(f"{name}: F1 {mine:.4f} < {TARGETS[name]}")
        best_other = max(results[k][0].f1 for k in results if k != "dgportal")
        if mine < best_other:
            failures.append(f"{name}: F1 {mine:.4f} below trafilatura's {best_other:.4f}")
        if name == "template" and results["dgportal"][1] / base_speed < SPEED_TARGET:
            failures.append(f"template: speed ratio {results['dgportal'][1] / base_speed:.2f} < {SPEED_TARGET}")
        print()
    print("targets: F1 ≥ 0.995 template, ≥ 0.97 degraded, ≥ trafilatura on every subset, "
          f"≥ {SPEED_TARGET}× trafilatura's pages/s on template pages")
    print("result: " + ("all targets met" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
