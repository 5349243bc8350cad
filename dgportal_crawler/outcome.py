"""How a run ended, as one word and one exit code, the same for ``dgportal crawl``, ``scrapy
crawl`` and scrapyd jobs (the word is logged and written into the run report).

====  ==============  ===================================================================
code  outcome         meaning
====  ==============  ===================================================================
0     ok              finished, nothing failed, no health check breached
1     attention       finished, but pages failed, errors were logged or a check breached
2     bad_arguments   a usage or configuration error; nothing was crawled
3     try_later       could not run now: site unreachable, another run holds the lock
130   interrupted     Ctrl-C (SIGINT); ``--resume`` continues
143   terminated      SIGTERM (systemd stop, kill); ``--resume`` continues
====  ==============  ===================================================================

Under scrapyd (the run has a job id) a run stopped by a signal is ``cancelled``: that is what
``cancel.json`` does (SIGINT by default, ``signal=TERM`` on request).
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from dgportal_crawler.stats import LIST_BUDGET_SPENT, LIST_FAILED, PREFIX, summary_rows

if TYPE_CHECKING:
    from scrapy.crawler import Crawler, CrawlerProcess

#: Stats key holding the number of the signal that stopped the run.
SIGNAL_KEY = PREFIX + "signal"
HEALTH_PREFIX = PREFIX + "health/"


class ExitCode(IntEnum):
    OK = 0
    ATTENTION = 1
    USAGE = 2
    TRY_LATER = 3
    INTERRUPTED = 130
    TERMINATED = 143


NAMES = {ExitCode.OK: "ok", ExitCode.ATTENTION: "attention", ExitCode.USAGE: "bad_arguments",
         ExitCode.TRY_LATER: "try_later", ExitCode.INTERRUPTED: "interrupted",
         ExitCode.TERMINATED: "terminated"}


#: Finish reasons set by our own components when a run could not start.
REASON_CODES = {
    "bad_arguments": ExitCode.USAGE,
    "archive_unusable": ExitCode.USAGE,
    "lock_held": ExitCode.TRY_LATER,
}
RESUME_HINT = "run the same command with --resume to continue where it stopped"


@dataclass(slots=True)
class Outcome:
    code: ExitCode
    reasons: list[str] = field(default_factory=list)
    cancelled: bool = False  # stopped by a signal under scrapyd

    @property
    def name(self) -> str:
        return "cancelled" if self.cancelled else NAMES[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.name, "exit_code": int(self.code), "reasons": self.reasons}


def decide(stats: dict[str, Any], columns: list[str], reason: str | None = None, *,
           scheduled: bool = False) -> Outcome:
    """The outcome of a crawl from its stats (``finish_reason`` unless ``reason`` is given)."""
    reason = reason or stats.get("finish_reason")
    if reason in REASON_CODES:
        return Outcome(REASON_CODES[reason], [f"the run could not start ({reason})"])
    signum = stats.get(SIGNAL_KEY)
    if signum is not None or reason == "shutdown":
        code = ExitCode.TERMINATED if signum == signal.SIGTERM else ExitCode.INTERRUPTED
        name = signal.Signals(signum).name if signum else "a signal"
        return Outcome(code, [f"stopped by {name}; {RESUME_HINT}"], cancelled=scheduled)
    reasons = []
    if reason != "finished":
        reasons.append(f"the run ended with {reason!r}")
    total = summary_rows(stats, columns)[-1]
    if total["failed"]:
        reasons.append(f"{total['failed']} page(s) failed")
    if total[LIST_FAILED]:
        # coverage: a column with a failure is not complete, so the next plain run pages it to its end
        reasons.append("list pages failed: the next run reads those columns to their end again")
    budget = sorted(k.split("/")[-2] for k in stats if k.endswith("/" + LIST_BUDGET_SPENT))
    if budget:
        reasons.append(f"column(s) {', '.join(budget)} stopped at DGPORTAL_MAX_LIST_PAGES list pages")
    if stats.get("log_count/ERROR"):
        reasons.append(f"{stats['log_count/ERROR']} error(s) in the log")
    breached = sorted(k.removeprefix(HEALTH_PREFIX) for k in stats if k.startswith(HEALTH_PREFIX))
    if breached:
        reasons.append(f"health check(s) breached: {', '.join(breached)} (see the warnings above)")
    return Outcome(ExitCode.ATTENTION if reasons else ExitCode.OK, reasons)


def watch_signals(process: CrawlerProcess, crawler: Crawler) -> None:
    """Record in the crawl's stats which signal stopped it (SIGINT or SIGTERM), so the outcome
    can tell Ctrl-C from scrapyd's cancel. Scrapy installs ``process._signal_shutdown`` as its
    handler when the process starts; this wraps it before that happens."""
    original = process._signal_shutdown

    def record(signum: int, frame: Any) -> None:
        if crawler.stats is not None:
            crawler.stats.set_value(SIGNAL_KEY, signum)
        original(signum, frame)

    process._signal_shutdown = record  # type: ignore[method-assign]
