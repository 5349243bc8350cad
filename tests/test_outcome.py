"""How a run ended, as one word and one exit code, from hand-made stats dicts."""

from __future__ import annotations

import signal

import pytest

from dgportal_crawler.outcome import ExitCode, Outcome, decide

COLUMNS = ["czjs", "sqdt"]
RESUME = "run the same command with --resume to continue where it stopped"
CLEAN = {"finish_reason": "finished", "dgportal/column/czjs/listed": 15, "dgportal/column/czjs/stored": 15,
         "dgportal/column/czjs/extracted": 15, "log_count/WARNING": 2}


def test_a_clean_finished_run_is_ok():
    outcome = decide(CLEAN, COLUMNS)
    assert (outcome.code, outcome.name, outcome.reasons) == (ExitCode.OK, "ok", [])
    assert outcome.to_dict() == {"outcome": "ok", "exit_code": 0, "reasons": []}


@pytest.mark.parametrize(
    ("extra", "reasons"),
    [
        ({"dgportal/column/czjs/article_failed": 2}, ["2 page(s) failed"]),
        ({"dgportal/column/sqdt/failed": 1, "dgportal/column/czjs/failed": 1}, ["2 page(s) failed"]),
        ({"dgportal/column/sqdt/list_failed": 1},
         ["1 page(s) failed", "list pages failed: the next run reads those columns to their end again"]),
        ({"log_count/ERROR": 3}, ["3 error(s) in the log"]),
        ({"dgportal/health/fallback_rate": 1, "dgportal/health/challenges": 2},
         ["health check(s) breached: challenges, fallback_rate (see the warnings above)"]),
        ({"finish_reason": "closespider_timeout"}, ["the run ended with 'closespider_timeout'"]),
        ({"finish_reason": "closespider_timeout", "log_count/ERROR": 1},
         ["the run ended with 'closespider_timeout'", "1 error(s) in the log"]),
    ],
)
def test_something_that_needs_a_look_is_attention(extra, reasons):
    outcome = decide({**CLEAN, **extra}, COLUMNS)
    assert (outcome.code, outcome.name, outcome.reasons) == (ExitCode.ATTENTION, "attention", reasons)
    assert int(outcome.code) == 1


def test_failures_of_columns_not_crawled_are_not_counted():
    assert decide({**CLEAN, "dgportal/column/hjyw/failed": 4}, COLUMNS).code == ExitCode.OK


@pytest.mark.parametrize(
    ("reason", "code", "name"),
    [("bad_arguments", 2, "bad_arguments"), ("archive_unusable", 2, "bad_arguments"), ("lock_held", 3, "try_later")],
)
def test_a_run_that_could_not_start(reason, code, name):
    outcome = decide({**CLEAN, "finish_reason": reason, "log_count/ERROR": 1}, COLUMNS)
    assert (int(outcome.code), outcome.name) == (code, name)
    assert outcome.reasons == [f"the run could not start ({reason})"]


@pytest.mark.parametrize(
    ("signum", "code", "name", "said"),
    [(signal.SIGINT, 130, "interrupted", "SIGINT"), (signal.SIGTERM, 143, "terminated", "SIGTERM"),
     (None, 130, "interrupted", "a signal")],
)
def test_a_run_stopped_by_a_signal_can_be_resumed(signum, code, name, said):
    stats = {**CLEAN, "finish_reason": "shutdown", "dgportal/column/czjs/article_failed": 3}
    if signum is not None:
        stats["dgportal/signal"] = int(signum)
    outcome = decide(stats, COLUMNS)
    assert (int(outcome.code), outcome.name) == (code, name)
    assert outcome.reasons == [f"stopped by {said}; {RESUME}"]


def test_under_a_scheduler_a_signal_is_a_cancel():
    stats = {**CLEAN, "finish_reason": "shutdown", "dgportal/signal": int(signal.SIGTERM)}
    outcome = decide(stats, COLUMNS, scheduled=True)
    assert (int(outcome.code), outcome.name) == (143, "cancelled")
    assert outcome.to_dict()["outcome"] == "cancelled"
    assert decide(CLEAN, COLUMNS, scheduled=True).name == "ok"  # only a signal is a cancel


def test_the_reason_given_wins_over_the_stats():
    assert decide(CLEAN, COLUMNS, "shutdown").code == ExitCode.INTERRUPTED
    assert decide({**CLEAN, "finish_reason": None}, COLUMNS, "finished").code == ExitCode.OK
    assert decide({}, COLUMNS).reasons == ["the run ended with None"]


def test_outcome_to_dict():
    assert Outcome(ExitCode.USAGE, ["x"]).to_dict() == {"outcome": "bad_arguments", "exit_code": 2, "reasons": ["x"]}
