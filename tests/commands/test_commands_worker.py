"""``dgportal worker --redis URL`` (:mod:`dgportal_crawler.commands.worker`): what it refuses,
with one line and the project's exit codes, and which crawls it joins, against a real
redis-server. Workers fetching for a coordinator are in tests/distributed/test_distributed_crawl.py."""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from dgportal_crawler.cli import build_parser, main
from dgportal_crawler.commands import TryLater
from dgportal_crawler.commands import worker as worker_command
from dgportal_crawler.commands.worker import _crawls_to_join
from tests.distributed.distributed_helpers import free_port, houjie_info, redis_for_test


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_for_test(tmp_path / "redis") as url:
        yield url


@pytest.fixture
def server(redis_url: str) -> Redis:
    return Redis.from_url(redis_url)


def nobody() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def dgportal(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def one_error(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("dgportal: error: "), err
    assert "Traceback" not in err
    return err.removeprefix("dgportal: error: ").rstrip("\n")


def join_args(redis_url: str, *argv: str):
    return build_parser().parse_args(["worker", "--redis", redis_url, *argv])


def test_redis_is_required(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["worker"])
    assert caught.value.code == 2
    assert "the following arguments are required: --redis" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "says"), [
    (["-s", "DOWNLOAD_DELAY=abc"], "DOWNLOAD_DELAY"),
    (["-s", "NOEQUALS"], "-s expects NAME=VALUE, got 'NOEQUALS'"),
    (["-s", "DGPORTAL_CLOCK=no.such.module.clock"], "DGPORTAL_CLOCK"),
])
def test_a_bad_setting_is_a_usage_error_before_redis_is_asked(capsys, argv, says):
    code, err = dgportal(capsys, "worker", "--redis", nobody(), *argv)
    assert code == 2 and says in one_error(err)


@pytest.mark.parametrize(("url", "code", "says"), [
    ("http://not-redis/", 2, "--redis 'http://not-redis/': "),
    ("redis://127.0.0.1:6379/one", 2, "the database must be a number, not 'one'"),
    (None, 3, "cannot reach Redis at "),
])
def test_a_redis_that_cannot_be_used_is_one_line(capsys, url, code, says):
    got, err = dgportal(capsys, "worker", "--redis", url or nobody())
    assert got == code and says in one_error(err)


def test_with_no_crawl_running_and_no_wait_it_is_try_later(capsys, redis_url, server):
    code, err = dgportal(capsys, "worker", "--redis", redis_url, "--no-wait")
    assert code == 3 and one_error(err) == f"no crawl is running on {redis_url}"
    houjie_info().publish(server)
    code, err = dgportal(capsys, "worker", "--redis", redis_url, "--no-wait", "--site", "dongcheng")
    assert code == 3 and one_error(err) == f"no crawl of dongcheng is running on {redis_url}"


def test_a_worker_joins_every_running_crawl_or_only_its_sites(redis_url, server):
    houjie = houjie_info()
    other = dataclasses.replace(houjie, site="dongcheng")
    finished = dataclasses.replace(houjie, site="zhangmutou")
    for info in (houjie, other, finished):
        info.publish(server)
    finished.finish(server)
    assert _crawls_to_join(server, join_args(redis_url, "--no-wait")) == [other, houjie]
    assert _crawls_to_join(server, join_args(redis_url, "--no-wait", "--site", "houjie")) == [houjie]
    with pytest.raises(TryLater):
        _crawls_to_join(server, join_args(redis_url, "--no-wait", "--site", "zhangmutou"))


def test_without_a_crawl_it_says_once_that_it_waits_and_joins_the_first_to_start(redis_url, server, capsys,
                                                                                  monkeypatch):
    looks: list[float] = []

    def between_looks(seconds: float) -> None:  # instead of sleeping: a coordinator starts at the 3rd
        looks.append(seconds)
        if len(looks) == 3:
            houjie_info().publish(server)

    monkeypatch.setattr(worker_command, "time", types.SimpleNamespace(sleep=between_looks))
    assert _crawls_to_join(server, join_args(redis_url)) == [houjie_info()]
    assert looks == [worker_command.POLL_SECONDS] * 3
    assert capsys.readouterr().err == f"worker: waiting for a crawl on {redis_url}\n"
