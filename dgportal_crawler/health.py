"""Health checks after each run: small, explicit rules over the run's counters and the reports
of earlier runs. A breach is logged, recorded in the run report and makes the exit code 1.

Why not Spidermon: its monitors would need the archive's earlier run reports anyway (for the
"stopped growing" rule), and it brings its own result/action framework and dependencies for
four comparisons; a table of named checks with settings for thresholds does the job here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dgportal_crawler.stats import EXTRACTED, FAILED, FALLBACK, LISTED, NEW, PREFIX, fallback_rate

#: Failure reasons that mean the site answered a crawler challenge instead of a page.
CHALLENGE_REASONS = ("http_403", "http_412", "http_429", "http_521", "challenge")


@dataclass(frozen=True, slots=True)
class Thresholds:
    fallback_rate: float = 0.05  # DGPORTAL_FALLBACK_WARN_RATE
    failure_rate: float = 0.05  # DGPORTAL_HEALTH_FAILURE_RATE
    challenges: int = 0  # DGPORTAL_HEALTH_CHALLENGES: more challenge answers than this
    stale_runs: int = 14  # DGPORTAL_HEALTH_STALE_RUNS: runs in a row without new articles; 0 = off


@dataclass(frozen=True, slots=True)
class Breach:
    check: str
    column: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "column": self.column, "message": self.message}


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What the checks look at: this run's per-column rows and totals, earlier reports."""

    rows: Mapping[str, Mapping[str, int]]
    totals: Mapping[str, Any]
    earlier: list[Mapping[str, Any]]  # earlier run reports of this site, oldest first


def check_fallback(facts: RunFacts, limits: Thresholds) -> Iterable[Breach]:
    for column, row in facts.rows.items():
        if fallback_rate(row) > limits.fallback_rate:
            yield Breach("fallback_rate", column,
                         f"column {column}: {row.get(FALLBACK, 0)} of {row.get(EXTRACTED, 0)} articles "
                         f"needed the fallback extractor (> {limits.fallback_rate:.0%}); its template "
                         "has probably changed")


def check_failures(facts: RunFacts, limits: Thresholds) -> Iterable[Breach]:
    for column, row in facts.rows.items():
        listed, failed = row.get(LISTED, 0), row.get(FAILED, 0)
        if listed and failed / listed > limits.failure_rate:
            yield Breach("failure_rate", column,
                         f"column {column}: {failed} of {listed} listed articles failed "
                         f"(> {limits.failure_rate:.0%})")


def check_challenges(facts: RunFacts, limits: Thresholds) -> Iterable[Breach]:
    seen = sum(int(v) for k, v in facts.totals.items()
               if k.startswith(f"{PREFIX}{FAILED}/") and k.rsplit("/", 1)[-1] in CHALLENGE_REASONS)
    if seen > limits.challenges:
        yield Breach("challenges", None,
                     f"{seen} answer(s) looked like a crawler challenge, captcha or refusal; slow "
                     "down (-s DOWNLOAD_DELAY=5) and set --contact")


def check_stale(facts: RunFacts, limits: Thresholds) -> Iterable[Breach]:
    """A column that used to grow and got nothing new in ``stale_runs`` runs in a row."""
    if limits.stale_runs <= 0:
        return
    for column, row in facts.rows.items():
        if row.get(NEW, 0):
            continue
        history = [r["columns"][column].get(NEW, 0) for r in facts.earlier
                   if isinstance(r.get("columns"), dict) and column in r["columns"]
                   and r.get("finish_reason") == "finished"]
        recent = history[-(limits.stale_runs - 1):] if limits.stale_runs > 1 else []
        grew_before = any(history[:len(history) - len(recent)])
        if len(recent) == limits.stale_runs - 1 and not any(recent) and grew_before:
            yield Breach("stale_column", column,
                         f"column {column}: no new articles in {limits.stale_runs} runs in a row, "
                         "although it used to grow; has the column moved?")


CHECKS: dict[str, Callable[[RunFacts, Thresholds], Iterable[Breach]]] = {
    "fallback_rate": check_fallback,
    "failure_rate": check_failures,
    "challenges": check_challenges,
    "stale_column": check_stale,
}


def evaluate(facts: RunFacts, limits: Thresholds) -> list[Breach]:
    return [breach for check in CHECKS.values() for breach in check(facts, limits)]


def health_key(check: str) -> str:
    return f"{PREFIX}health/{check}"
