"""``dgportal crawl SITE --redis URL`` (:mod:`dgportal_crawler.commands.coordinate`): what it
refuses, in what order, with one line and the project's exit codes; and how it starts a new
crawl in Redis or continues the unfinished one, against a real redis-server. The coordinated
crawls themselves are in tests/distributed/test_distributed_crawl.py."""

from __future__ import annotations

import argparse
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from scrapy.settings import Settings

from dgportal_crawler.cli import build_parser, main
from dgportal_crawler.commands import CommandError, TryLater
from dgportal_crawler.commands.coordinate import _start_or_continue
from dgportal_crawler.commands.crawl import check_arguments, crawl_settings
from dgportal_crawler.distributed import crawlinfo
from dgportal_crawler.distributed.keys import CrawlKeys
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.lock import site_lock
from tests.distributed.distributed_helpers import free_port, redis_for_test

KEYS = CrawlKeys("houjie")
REPLICA_URL = "http://127.0.0.1:8800/houjie/"
RUN_A, RUN_B = "20260101T000000Z-aaaaaa", "20260102T000000Z-bbbbbb"


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_for_test(tmp_path / "redis") as url:
        yield url


@pytest.fixture
def server(redis_url: str) -> Redis:
    return Redis.from_url(redis_url)


def nobody() -> str:
    """A Redis URL where nothing listens: a check that fails first never gets there."""
    return f"redis://127.0.0.1:{free_port()}/0"


def dgportal(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def one_error(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("dgportal: error: "), err
    assert "Traceback" not in err
    return err.removeprefix("dgportal: error: ").rstrip("\n")


# -- refused before anything is touched --------------------------------------------------------
def test_attachments_are_refused_with_redis(capsys, tmp_path):
    code, err = dgportal(capsys, "crawl", "houjie", "--out", str(tmp_path / "a"), "--redis", nobody(),
                         "--attachments")
    assert code == 2
    assert one_error(err) == "--attachments is not available with --redis yet; crawl without it"
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize(("argv", "says"), [
    (["--columns", "nope"], "nope"),
    (["--since", "2024-13-01"], "2024-13-01"),
    (["-s", "DOWNLOAD_DELAY=abc"], "DOWNLOAD_DELAY"),
    (["-s", "NOEQUALS"], "-s expects NAME=VALUE, got 'NOEQUALS'"),
])
def test_a_usage_error_is_found_before_redis_is_asked(capsys, tmp_path, argv, says):
    code, err = dgportal(capsys, "crawl", "houjie", "--out", str(tmp_path / "a"), "--redis", nobody(), *argv)
    assert code == 2, err
    assert says in one_error(err)
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize(("url", "code", "says"), [
    ("http://not-redis/", 2, "--redis 'http://not-redis/': "),
    ("redis://127.0.0.1:6379/zero", 2, "the database must be a number, not 'zero'"),
    (None, 3, "cannot reach Redis at "),
])
def test_a_redis_that_cannot_be_used_is_one_line(capsys, tmp_path, url, code, says):
    got, err = dgportal(capsys, "crawl", "houjie", "--base-url", REPLICA_URL, "--out", str(tmp_path / "a"),
                        "--redis", url or nobody())
    assert got == code
    assert says in one_error(err)
    assert not (tmp_path / "a").exists()


def test_an_unreachable_site_is_try_later_and_redis_is_left_alone(capsys, tmp_path, redis_url, server):
    gone = f"http://127.0.0.1:{free_port()}/houjie/"
    code, err = dgportal(capsys, "crawl", "houjie", "--base-url", gone, "--out", str(tmp_path / "a"),
                         "--redis", redis_url)
    assert code == 3 and one_error(err).endswith("; try again later")
    assert server.keys("*") == []


def test_a_held_archive_is_try_later_and_redis_is_left_alone(capsys, tmp_path, redis_url, server, replica_server):
    layout = SiteLayout.of(tmp_path, "houjie")
    with site_lock(layout):
        code, err = dgportal(capsys, "crawl", "houjie", "--base-url", replica_server.base_url,
                             "--out", str(tmp_path), "--redis", redis_url)
    assert code == 3
    assert one_error(err).startswith(f"another crawl is writing to {layout.site_dir}")
    assert server.keys("*") == []


def test_an_unfinished_crawl_with_other_arguments_is_one_line_naming_the_keys(capsys, tmp_path, redis_url,
                                                                           server, replica_server):
    held = start(tmp_path, redis_url, server, RUN_A, "--base-url", replica_server.base_url)[0]
    crawlinfo.stop_beating(server, "houjie")  # its coordinator died
    code, err = dgportal(capsys, "crawl", "houjie", "--base-url", replica_server.base_url, "--out", str(tmp_path),
                         "--redis", redis_url, "--columns", "czjs")
    assert code == 2
    message = one_error(err)
    assert message.startswith("Redis holds an unfinished crawl of houjie with other arguments")
    assert message.endswith("(redis-cli --scan --pattern 'dgportal:houjie:*')")
    assert crawlinfo.read(server, "houjie") == (crawlinfo.RUNNING, held), "the held crawl is untouched"
    assert not server.exists(KEYS.coordinator), "and no coordinator claims it"


# -- a new crawl or the unfinished one ---------------------------------------------------------
def start(tmp_path: Path, redis_url: str, server: Redis, run_id: str,
          *argv: str) -> tuple[crawlinfo.CrawlInfo, bool, Settings]:
    """What ``coordinate.run`` does up to the crawl: the arguments checked, the settings made,
    then a new crawl started in Redis or the unfinished one continued."""
    args: argparse.Namespace = build_parser().parse_args(
        ["crawl", "houjie", "--out", str(tmp_path), "--redis", redis_url, *argv])
    profile, _, overrides, layout = check_arguments(args)
    settings = crawl_settings(args, layout, profile, profile.base_url, run_id, overrides)
    info, resumed = _start_or_continue(server, settings, profile, profile.base_url, run_id, args)
    return info, resumed, settings


def test_a_new_crawl_empties_the_sites_earlier_work_and_publishes_itself(tmp_path, redis_url, server):
    for key in KEYS.work_keys():
        server.set(key, "left by an earlier crawl")
    info, resumed, _ = start(tmp_path, redis_url, server, RUN_A, "--base-url", REPLICA_URL)
    assert not resumed
    assert (info.site, info.run_id, info.crawl_id, info.base_url) == ("houjie", RUN_A, RUN_A, REPLICA_URL)
    assert info.arguments == {"columns": None, "since": None, "until": None, "mode": "incremental"}
    assert info.lease_seconds == 30.0 and info.warc is True
    assert info.fetch_settings["DOWNLOAD_DELAY"] == 0.0, "the replica: unthrottled"
    assert server.exists(*KEYS.work_keys()) == 0
    assert crawlinfo.read(server, "houjie") == (crawlinfo.RUNNING, info)
    assert crawlinfo.live_coordinator(server, "houjie") == {"host": socket.gethostname(), "pid": os.getpid(),
                                                            "run_id": RUN_A}


def test_the_lease_the_warc_and_the_scope_come_from_the_command_line(tmp_path, redis_url, server):
    info, _, _ = start(tmp_path, redis_url, server, RUN_A, "--base-url", REPLICA_URL, "--no-warc",
                       "--columns", "czjs", "--since", "2024-01-01", "-s", "DGPORTAL_REDIS_LEASE_SECONDS=5")
    assert info.lease_seconds == 5.0 and info.warc is False
    assert (info.arguments["columns"], info.arguments["since"]) == ("czjs", "2024-01-01")


def test_a_second_coordinator_is_refused_naming_the_live_one(tmp_path, redis_url, server):
    start(tmp_path, redis_url, server, RUN_A, "--base-url", REPLICA_URL)
    with pytest.raises(TryLater) as caught:
        start(tmp_path, redis_url, server, RUN_B, "--base-url", REPLICA_URL)
    assert str(caught.value) == (f"another coordinator (pid {os.getpid()} on {socket.gethostname()}) is running "
                                 "the crawl of houjie on this Redis; try again when it ends")
    assert crawlinfo.read(server, "houjie")[1].run_id == RUN_A


def test_the_same_command_after_a_crash_continues_the_crawl_as_resume(tmp_path, redis_url, server):
    start(tmp_path, redis_url, server, RUN_A, "--base-url", REPLICA_URL)
    server.zadd(KEYS.requests, {b"a queued request": 0})
    crawlinfo.stop_beating(server, "houjie")  # killed
    info, resumed, settings = start(tmp_path, redis_url, server, RUN_B, "--base-url", REPLICA_URL)
    assert resumed
    assert (info.run_id, info.crawl_id) == (RUN_B, RUN_A), "a new run of the same crawl"
    assert settings.get("DGPORTAL_MODE") == "resume" and info.arguments["mode"] == "resume"
    assert server.zcard(KEYS.requests) == 1, "its queue carries on"
    assert crawlinfo.read(server, "houjie") == (crawlinfo.RUNNING, info)


def test_continued_with_full_it_stays_a_full_crawl(tmp_path, redis_url, server):
    start(tmp_path, redis_url, server, RUN_A, "--base-url", REPLICA_URL, "--full")
    crawlinfo.stop_beating(server, "houjie")
    info, resumed, settings = start(tmp_path, redis_url, server, RUN_B, "--base-url", REPLICA_URL, "--full")
    assert resumed and settings.get("DGPORTAL_MODE") == "full" and info.arguments["mode"] == "full"


def test_a_finished_crawl_is_not_continued(tmp_path, redis_url, server):
    first, _, _ = start(tmp_path, redis_url, server, RUN_A, "--base-url", REPLICA_URL)
    first.finish(server)
    crawlinfo.stop_beating(server, "houjie")
    info, resumed, _ = start(tmp_path, redis_url, server, RUN_B, "--base-url", REPLICA_URL)
    assert not resumed and info.crawl_id == RUN_B


def test_other_arguments_are_refused_while_an_unfinished_crawl_waits(tmp_path, redis_url, server):
    start(tmp_path, redis_url, server, RUN_A, "--base-url", REPLICA_URL)
    crawlinfo.stop_beating(server, "houjie")
    with pytest.raises(CommandError) as caught:
        start(tmp_path, redis_url, server, RUN_B, "--base-url", "http://127.0.0.1:9999/houjie/")
    assert type(caught.value) is CommandError and "http://127.0.0.1:8800/houjie/" in str(caught.value)
    assert not server.exists(KEYS.coordinator)
