"""Fault schedules drawn by hypothesis (seed, rate, a subset of the kinds), checked against the
fault replica's own answer key without a crawler: one expected outcome per live article, the
answers each kind declares, transient faults gone after their ``attempts``, persistent ones
never, and the same schedule giving the same faults."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.fault_transport import FaultResponse
from dgportal_crawler.replica.faults import FAULTS, FaultSpec, FaultyReplica
from dgportal_crawler.replica.list_faults import LIST_FAULTS
from dgportal_crawler.replica.model import COLUMNS, PAGE_SIZE

REPLICA = Replica()  # 150 articles, 13 list pages; answers are pure functions of the path
ALL_KINDS = sorted((*FAULTS, *LIST_FAULTS))
#: Article kinds whose article answer is the page itself: the fault is elsewhere (a second
#: listing on the list page, a robots.txt rule).
FAULT_ELSEWHERE = {"listed_twice", "robots_disallowed"}

schedules = st.builds(
    lambda seed, rate, kinds: f"rate={rate},seed={seed},kinds={'+'.join(sorted(kinds))},delay=1.5",
    st.integers(0, 10_000),
    st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.5, 1.0]),
    st.sets(st.sampled_from(ALL_KINDS), min_size=1),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def spoiled(answer, clean) -> bool:
    return isinstance(answer, FaultResponse) or (answer.status, answer.headers, answer.body) != (
        clean.status, clean.headers, clean.body)


@SETTINGS
@given(schedules)
def test_every_live_article_has_exactly_one_expected_outcome(spec: str) -> None:
    faulty = FaultyReplica(REPLICA, FaultSpec.parse(spec))
    expected = faulty.expected()
    assert set(expected) == {r["id"] for r in REPLICA.ground_truth()}
    outcomes = Counter(outcome for outcome, _ in expected.values())
    assert outcomes["unlisted"] == len(faulty.unreached())
    assert outcomes["failed"] + outcomes["duplicate"] <= len(faulty.answer_key())
    assert not set(faulty.answer_key()) & faulty.unreached()  # a hidden article gets no fault
    for article_id, (outcome, reason) in expected.items():
        assert bool(reason) == (outcome == "failed"), article_id  # a failure always has its reason


@SETTINGS
@given(schedules)
def test_a_failed_list_page_hides_exactly_the_entries_from_it_to_the_end(spec: str) -> None:
    faulty = FaultyReplica(REPLICA, FaultSpec.parse(spec))
    failed = faulty.failed_list_pages()
    hidden: set[str] = set()
    for n, col in enumerate(COLUMNS):
        pages = [number for (column, number) in failed if column == col.id]
        assert len(pages) <= 1
        persistent = [number for (column, number), kind in faulty.lists.faults.items()
                      if column == col.id and LIST_FAULTS[kind].outcome == "failed"]
        assert pages == ([min(persistent)] if persistent else [])
        if pages:
            hidden |= {m.article_id for m in REPLICA.column_entries(n)[(pages[0] - 1) * PAGE_SIZE:]}
    assert faulty.unreached() == hidden


@SETTINGS
@given(schedules)
def test_every_list_page_has_exactly_one_expected_outcome_and_pages_are_read_up_to_the_failed_one(
        spec: str) -> None:
    faulty = FaultyReplica(REPLICA, FaultSpec.parse(spec))
    expected = faulty.lists.expected()
    assert len(expected) == 13
    for col in COLUMNS:
        outcomes = [expected[key][0] for key in sorted(k for k in expected if k[0] == col.id)]
        read = outcomes.count("read")
        # read, read, ..., then at most one failed page, then only pages never reached
        assert outcomes == ["read"] * read + (["failed"] + ["not_reached"] * (len(outcomes) - read - 1)
                                              if read < len(outcomes) else [])
    failed = {key: reason for key, (outcome, reason) in expected.items() if outcome == "failed"}
    assert failed == faulty.failed_list_pages()
    for key, (outcome, _) in expected.items():
        kind = faulty.lists.faults.get(key)
        if outcome == "read":
            assert kind is None or LIST_FAULTS[kind].outcome == "read"


@SETTINGS
@given(schedules)
def test_article_answers_match_their_kind(spec: str) -> None:
    faulty = FaultyReplica(REPLICA, FaultSpec.parse(spec))
    for path, kind in sorted(faulty.faults.items())[:6]:  # a few per schedule: a huge page is 10 MiB
        fault, clean = FAULTS[kind], REPLICA.respond(path)
        answers = [faulty.respond(path) for _ in range(fault.attempts + 2)]
        if kind in FAULT_ELSEWHERE:
            assert not any(spoiled(a, clean) for a in answers), kind
        elif fault.attempts:  # transient: spoiled exactly the first `attempts` times
            assert [spoiled(a, clean) for a in answers] == [True] * fault.attempts + [False, False], kind
        else:  # persistent: every time, the same way
            assert all(spoiled(a, clean) for a in answers), kind
            assert len({(a.status, a.body, tuple(a.headers.items())) for a in answers}) == 1, kind
        if fault.outcome == "stored" and not fault.attempts and kind not in FAULT_ELSEWHERE:
            assert answers[0].status == 200  # recoverable: the page is there, encoded differently


@SETTINGS
@given(schedules)
def test_list_page_answers_match_their_kind(spec: str) -> None:
    faulty = FaultyReplica(REPLICA, FaultSpec.parse(spec))
    for key, kind in faulty.lists.faults.items():
        fault, path = LIST_FAULTS[kind], faulty.lists.paths[key]
        n = next(i for i, c in enumerate(COLUMNS) if c.id == key[0])
        first = REPLICA.column_entries(n)[(key[1] - 1) * PAGE_SIZE]
        answers = [faulty.respond(path) for _ in range(fault.attempts + 2)]
        readable = [a.status == 200 and not isinstance(a, FaultResponse) and first.file_name.encode() in a.body
                    for a in answers]
        if fault.outcome == "read":  # the crawler's retries reach the page
            assert readable == [False] * fault.attempts + [True, True], kind
        else:
            assert not any(readable), kind
        assert key[1] >= fault.first_page


@SETTINGS
@given(schedules)
def test_the_same_schedule_deals_the_same_faults(spec: str) -> None:
    one, two = (FaultyReplica(REPLICA, FaultSpec.parse(spec)) for _ in range(2))
    assert (one.faults, one.lists.faults, one.expected()) == (two.faults, two.lists.faults, two.expected())
    kinds = set(FaultSpec.parse(spec).kinds)
    assert set(one.faults.values()) <= kinds and set(one.lists.faults.values()) <= kinds
