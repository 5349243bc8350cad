"""CPU per page of what the crawl does to an article besides fetching it, in this process:
extraction (``article_from_page`` and the line's ``to_dict``) and validation (``judge``: the
checks and the page classifiers), with the classifiers' early exit against full scoring of
every signal as the baseline measured in the same run.

    .venv/bin/python benchmarks/page_costs.py [--articles 300] [--rounds 5]

Pages come from the replica (template pages and rendered captures alike). Rounds are
interleaved; the fastest of each is kept. The crawl's budget per page is in
``crawl_throughput.py`` (the bare spider's CPU per page); this says where ours goes.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from unittest import mock

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.extract import signals
from dgportal_crawler.items import Article
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import SiteProfile, load_profile
from dgportal_crawler.replica import Replica
from dgportal_crawler.validate import PageContext, judge

ORIGIN = "https://www.dg.gov.cn"


def pages(articles: int, profile: SiteProfile) -> list[FetchedPage]:
    replica = Replica(seed=2023, articles=articles)
    found = []
    for truth in replica.ground_truth(ORIGIN):
        answer = replica.respond(truth["url"].removeprefix(ORIGIN))
        column = profile.column(truth["column"])
        found.append(FetchedPage(url=truth["url"], site="houjie", column=column.id, column_name=column.name,
                                 template=column.template, status=200, headers={}, body=answer.body,
                                 fetched_at="2026-01-01T00:00:00Z"))
    return found


def per_page(job: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    job()
    return (time.perf_counter() - start) / count


def full_scoring(kind: str, table: signals.SignalTable, facts: signals.PageFacts,
                 threshold: int) -> signals.Verdict | None:
    """The baseline: every signal read, as before the early exit."""
    verdict = signals.score(kind, table, facts)
    return verdict if verdict.score >= threshold else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    profile = load_profile("houjie")
    fetched = pages(args.articles, profile)
    extracted: list[tuple[Article, PageContext]] = [
        (article_from_page(p, profile, None), PageContext.of(p.url, p.body)) for p in fetched]

    def extract() -> None:
        for page in fetched:
            article_from_page(page, profile, None).to_dict()

    def validate() -> None:
        for article, context in extracted:
            judge(article, profile, context)

    def validate_fully() -> None:
        with mock.patch.object(signals, "score_if_reaching", full_scoring):
            validate()

    jobs = {"extraction": extract, "judge, full scoring (baseline)": validate_fully, "judge": validate}
    best = {name: float("inf") for name in jobs}
    for _ in range(args.rounds):
        for name, job in jobs.items():
            best[name] = min(best[name], per_page(job, len(fetched)))
    print(f"{len(fetched)} replica pages, fastest of {args.rounds} rounds")
    for name, seconds in best.items():
        print(f"{name:34s} {seconds * 1e6:8.1f} µs/page")
    print(f"judge × full scoring: {best['judge'] / best['judge, full scoring (baseline)']:.2f} (below 1 is faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
