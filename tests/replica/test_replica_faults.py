"""The fault-injecting replica on its own: deterministic by seed, every kind dealt, transient
faults spoil only the first attempts, and a bad ``--faults`` is one line."""

from __future__ import annotations

from collections import Counter

import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.fault_transport import FaultResponse
from dgportal_crawler.replica.faults import FAULTS, FaultSpec, FaultyReplica


def test_the_same_seed_gives_the_same_faults_and_another_seed_others() -> None:
    first = FaultyReplica(Replica(), FaultSpec.parse("rate=0.15,seed=3"))
    again = FaultyReplica(Replica(), FaultSpec.parse("seed=3,rate=0.15"))
    other = FaultyReplica(Replica(), FaultSpec.parse("rate=0.15,seed=4"))
    assert first.faults == again.faults
    assert first.faults != other.faults


def test_every_kind_is_dealt_once_enough_articles_are_chosen() -> None:
    faulty = FaultyReplica(Replica(), FaultSpec.parse("rate=0.15,seed=3,kinds=" + "+".join(FAULTS)))
    counts = Counter(faulty.faults.values())
    assert set(counts) == set(FAULTS)
    assert max(counts.values()) - min(counts.values()) <= 1  # round-robin


def test_a_burst_spoils_only_the_first_attempts() -> None:
    faulty = FaultyReplica(Replica(), FaultSpec.parse("rate=0.2,seed=1,kinds=server_error_burst"))
    path = next(iter(faulty.faults))
    assert [faulty.respond(path).status for _ in range(4)] == [503, 503, 200, 200]


def test_transport_faults_are_marked_for_the_server_and_heal_on_retry() -> None:
    faulty = FaultyReplica(Replica(), FaultSpec.parse("rate=0.2,seed=1,kinds=reset+truncated+slow"))
    transports = {"reset": "reset", "truncated": "truncate", "slow": "slow"}
    assert set(faulty.faults.values()) == set(transports)
    for path, kind in faulty.faults.items():
        first, second = faulty.respond(path), faulty.respond(path)
        assert isinstance(first, FaultResponse) and first.transport == transports[kind]
        assert not isinstance(second, FaultResponse) and second.status == 200


def test_a_loop_answers_both_of_its_hops() -> None:
    faulty = FaultyReplica(Replica(), FaultSpec.parse("rate=0.2,seed=1,kinds=redirect_loop"))
    path = next(iter(faulty.faults))
    hop = faulty.respond(path)
    assert (hop.status, hop.headers["Location"]) == (302, path + "?hop=1")
    back = faulty.respond(hop.headers["Location"])
    assert (back.status, back.headers["Location"]) == (302, path)


def test_robots_txt_disallows_the_chosen_articles_only() -> None:
    faulty = FaultyReplica(Replica(), FaultSpec.parse("rate=0.2,seed=1,kinds=robots_disallowed+challenge"))
    robots = faulty.respond("/robots.txt").body.decode()
    disallowed = {p for p, k in faulty.faults.items() if k == "robots_disallowed"}
    assert disallowed and {line.removeprefix("Disallow: ") for line in robots.splitlines()} >= disallowed
    assert not any(f"Disallow: {p}" in robots for p, k in faulty.faults.items() if k == "challenge")


@pytest.mark.parametrize(("spec", "message"), [
    ("rate=2", "fault rate 2.0 is not between 0 and 1"),
    ("kinds=reset+lightning", "unknown fault kind(s) lightning"),
    ("speed=3", "unknown fault setting 'speed' (rate, seed, kinds, delay)"),
])
def test_a_bad_fault_spec_is_one_line(capsys, spec: str, message: str) -> None:
    assert main(["replica", "serve", "--port", "0", "--faults", spec]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dgportal: error: --faults: {message}") and err.count("\n") == 1


def test_over_http_a_truncated_body_is_short_of_its_length_and_a_reset_is_a_reset() -> None:
    import http.client

    from dgportal_crawler.replica import ReplicaServer

    spec = "rate=0.2,seed=1,kinds=reset+truncated"
    faulty = FaultyReplica(Replica(), FaultSpec.parse(spec))
    truncated = next(p for p, k in faulty.faults.items() if k == "truncated")
    reset = next(p for p, k in faulty.faults.items() if k == "reset")
    with ReplicaServer(faults=spec) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", truncated)
        answer = connection.getresponse()
        with pytest.raises(http.client.IncompleteRead):
            answer.read()
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", reset)
        with pytest.raises(ConnectionResetError):
            connection.getresponse()
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", reset)  # the second attempt is answered
        assert connection.getresponse().status == 200
        connection.close()


def test_an_article_listed_twice_appears_under_a_second_url_on_its_list_page() -> None:
    replica = Replica()
    faulty = FaultyReplica(replica, FaultSpec.parse("rate=0.1,seed=2,kinds=listed_twice"))
    hjyw = [p for p in faulty.faults if p.startswith("/houjie/xwzx/hjyw/")]
    first_page = replica.respond("/houjie/xwzx/hjyw/index.html").body.decode()
    on_page = [p for p in hjyw if p.rsplit("/", 1)[1] in first_page]
    assert on_page, "the seed should put one on the first page"
    body = faulty.respond("/houjie/xwzx/hjyw/index.html").body.decode()
    name = on_page[0].rsplit("/", 1)[1]
    assert body.count(f'/{name}"') == 1 and body.count(f'/{name}?from=top"') == 1
    assert faulty.respond(on_page[0] + "?from=top").body == replica.respond(on_page[0]).body


def test_a_timeout_answers_late_by_the_specs_delay_every_time_and_once_only_the_first_time() -> None:
    faulty = FaultyReplica(Replica(), FaultSpec.parse("rate=0.3,seed=1,kinds=timeout+timeout_once,delay=1.5"))
    for path, kind in faulty.faults.items():
        answers = [faulty.respond(path) for _ in range(3)]
        late = [isinstance(a, FaultResponse) and (a.transport, a.delay) == ("slow", 1.5) for a in answers]
        assert late == ([True] * 3 if kind == "timeout" else [True, False, False])
    assert FaultSpec.parse("rate=0.1").delay > 30  # past the crawl's DOWNLOAD_TIMEOUT unless told


def test_a_list_page_late_every_time_or_once() -> None:
    always = FaultyReplica(Replica(), FaultSpec.parse("rate=1,seed=1,kinds=list_timeout,delay=1.5"))
    assert all(always.respond("/houjie/xwzx/hjyw/").transport == "slow" for _ in range(3))
    once = FaultyReplica(Replica(), FaultSpec.parse("rate=1,seed=1,kinds=list_timeout_once,delay=1.5"))
    assert [isinstance(once.respond("/houjie/xwzx/hjyw/"), FaultResponse) for _ in range(2)] == [True, False]


def test_a_delay_that_is_no_positive_number_is_refused() -> None:
    with pytest.raises(ValueError, match=r"fault delay 0\.0 is not a positive number of seconds"):
        FaultSpec.parse("delay=0")
