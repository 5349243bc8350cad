"""The health checks: each rule on hand-made counters and earlier run reports."""

from __future__ import annotations

import pytest

from dgportal_crawler.health import (
    CHECKS,
    Breach,
    RunFacts,
    Thresholds,
    check_challenges,
    check_failures,
    check_fallback,
    check_stale,
    evaluate,
    health_key,
)

LIMITS = Thresholds()


def facts(rows=None, totals=None, earlier=None) -> RunFacts:
    return RunFacts(rows or {}, totals or {}, earlier or [])


def report(new: int, reason: str = "finished", column: str = "czjs") -> dict:
    return {"finish_reason": reason, "columns": {column: {"new": new}}}


def test_the_default_thresholds():
    assert Thresholds() == Thresholds(fallback_rate=0.05, failure_rate=0.05, challenges=0, stale_runs=14)


@pytest.mark.parametrize(("fallback", "extracted", "breached"), [(2, 20, True), (1, 20, False), (0, 0, False)])
def test_fallback_rate_must_be_exceeded(fallback, extracted, breached):
    found = list(check_fallback(facts({"czjs": {"fallback": fallback, "extracted": extracted}}), LIMITS))
    if breached:
        assert found == [Breach("fallback_rate", "czjs", f"column czjs: {fallback} of {extracted} articles needed "
                                "the fallback extractor (> 5%); its template has probably changed")]
    else:
        assert found == []


@pytest.mark.parametrize(("failed", "listed", "breached"), [(2, 20, True), (1, 20, False), (3, 0, False)])
def test_failure_rate_of_listed_articles(failed, listed, breached):
    found = list(check_failures(facts({"sqdt": {"failed": failed, "listed": listed}}), LIMITS))
    expected = [Breach("failure_rate", "sqdt", f"column sqdt: {failed} of {listed} listed articles failed (> 5%)")]
    assert found == (expected if breached else [])


def test_challenge_answers_are_counted_over_every_failure_reason():
    totals = {"dgportal/failed/article/http_403": 1, "dgportal/failed/http_429": 1, "dgportal/failed/challenge": 1,
              "dgportal/failed/invalid": 3,
              "dgportal/failed/http_404": 5, "dgportal/failed/list/http_521": 1, "dgportal/failed": 9,
              "dgportal/stored/http_403": 7}
    (breach,) = check_challenges(facts(totals=totals), LIMITS)
    assert breach == Breach("challenges", None, "4 answer(s) looked like a crawler challenge, captcha or refusal; "
                            "slow down (-s DOWNLOAD_DELAY=5) and set --contact")
    assert list(check_challenges(facts(totals=totals), Thresholds(challenges=4))) == []
    assert list(check_challenges(facts(totals={"dgportal/failed/http_404": 5}), LIMITS)) == []


@pytest.mark.parametrize(
    ("earlier", "breached"),
    [
        ([report(5), report(0), report(0)], True),  # grew, then three runs in a row (with this one) without
        ([report(0), report(0), report(0)], False),  # never grew: a quiet column, not a moved one
        ([report(5), report(0), report(2)], False),  # grew in the last three runs
        ([report(5), report(0)], False),  # not three runs yet
        ([report(5), report(0), report(9, "shutdown"), report(0)], True),  # unfinished runs do not count
        ([report(5), report(0), report(0, column="sqdt"), report(0)], True),  # reports without the column neither
    ],
)
def test_a_column_that_stopped_growing(earlier, breached):
    found = list(check_stale(facts({"czjs": {"new": 0}}, earlier=earlier), Thresholds(stale_runs=3)))
    expected = [Breach("stale_column", "czjs", "column czjs: no new articles in 3 runs in a row, although it used "
                       "to grow; has the column moved?")]
    assert found == (expected if breached else [])


def test_a_column_with_new_articles_is_not_stale():
    earlier = [report(5), report(0), report(0)]
    assert list(check_stale(facts({"czjs": {"new": 1}}, earlier=earlier), Thresholds(stale_runs=3))) == []


def test_the_stale_check_can_be_switched_off():
    earlier = [report(5)] + [report(0)] * 20
    assert list(check_stale(facts({"czjs": {}}, earlier=earlier), Thresholds(stale_runs=0))) == []
    assert len(list(check_stale(facts({"czjs": {}}, earlier=earlier), Thresholds(stale_runs=14)))) == 1


def test_evaluate_runs_every_check_in_order():
    assert list(CHECKS) == ["fallback_rate", "failure_rate", "challenges", "stale_column"]
    run = facts({"czjs": {"fallback": 5, "extracted": 10, "failed": 5, "listed": 10}},
                {"dgportal/failed/http_403": 1})
    assert [b.check for b in evaluate(run, LIMITS)] == ["fallback_rate", "failure_rate", "challenges"]
    assert evaluate(facts({"czjs": {"extracted": 10, "listed": 10}}), LIMITS) == []


def test_breach_and_key():
    assert Breach("challenges", None, "m").to_dict() == {"check": "challenges", "column": None, "message": "m"}
    assert health_key("fallback_rate") == "dgportal/health/fallback_rate"
