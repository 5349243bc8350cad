"""``dgportal crawl`` over several towns, without a crawl running: when a crawl is a portal
crawl, the user mistakes it refuses, sites it cannot crawl (no profile, discovery failing), the
options each site's crawl gets, and the combined table. (Real crawls: tests/test_multicrawl_e2e.py.)"""

from __future__ import annotations

import argparse
import socket

import pytest

from dgportal_crawler.cli import build_parser
from dgportal_crawler.commands import CommandError
from dgportal_crawler.commands.multicrawl import (
    Pacer,
    SiteRun,
    combined_rows,
    passed_on,
    print_combined,
    run,
    wanted,
)


def crawl_args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["crawl", *argv])


@pytest.mark.parametrize(("argv", "portal_crawl"), [
    (["houjie"], False),  # a reviewed profile: one ordinary crawl
    (["houjie.toml"], False),
    (["nosuchtown"], False),  # a typo stays the profile loader's error
    (["houjie,humen"], True),
    (["humen"], True),  # a town of the portal without a reviewed profile
    (["--all"], True),
    (["houjie", "--discover"], True),
    (["houjie", "--portal-url", "http://127.0.0.1:9/"], True),
])
def test_which_crawls_are_portal_crawls(argv: list[str], portal_crawl: bool) -> None:
    assert wanted(crawl_args(*argv)) is portal_crawl


@pytest.mark.parametrize(("argv", "message"), [
    (["houjie,humen", "--demo"], "--demo crawls one profile; for towns of the portal use --portal-url"),
    (["houjie,humen", "--base-url", "http://127.0.0.1:9/"], "--base-url crawls one profile"),
    (["humen", "--all"], "give sites or --all, not both"),
    (["houjie,humen", "--columns", "tzgg"], "--columns names one profile's columns; crawl that profile alone"),
    (["houjie,nowhere"], "unknown site 'nowhere'; the portal's sites: guancheng, dongcheng"),
    ([",", "--discover"], "no site given; the portal's sites: guancheng"),
    (["houjie,humen", "--portal-url", "ftp://x/"], "--portal-url: 'ftp://x/' is not an http(s) URL"),
])
def test_user_mistakes_are_one_line_errors(tmp_path, argv: list[str], message: str) -> None:
    with pytest.raises(CommandError) as raised:
        run(crawl_args(*argv, "--out", str(tmp_path)))
    assert str(raised.value).startswith(message) and raised.value.exit_code == 2


def test_a_town_without_any_profile_is_a_usage_error_in_the_table(tmp_path, capsys) -> None:
    assert run(crawl_args("humen,hj", "--out", str(tmp_path), "--quiet")) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "dgportal crawl: 2 sites"
    assert err[1].split() == ["site", "profile", "columns", "listed", "stored", "failed", "outcome", "exit"]
    note = "no profile: add --discover (or dgportal discover humen --write FILE)"
    assert err[2].split() == ["humen", "-", "0", "0", "0", "0", *note.split(), "2"]
    assert err[3].startswith("hj ")
    assert not (tmp_path / "humen").exists()


def test_a_discovery_that_cannot_reach_the_town_is_an_attention_row(tmp_path, capsys) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = run(crawl_args("humen", "--discover", "--portal-url", f"http://127.0.0.1:{port}/",
                          "--out", str(tmp_path), "--quiet"))
    assert code == 1
    row = capsys.readouterr().err.splitlines()[2]
    assert row.startswith("humen  discovered") and f"http://127.0.0.1:{port}/humen/: unreachable" in row
    assert row.endswith("  1")


def test_every_sites_crawl_gets_the_shared_options() -> None:
    args = crawl_args("houjie,humen", "--since", "2024-01-01", "--contact", "ops@example.org", "--resume",
                      "--no-warc", "--quiet", "--progress", "off", "-s", "DOWNLOAD_DELAY=2", "-s", "X=1")
    assert passed_on(args) == ["--progress=off", "--since", "2024-01-01", "--contact", "ops@example.org",
                               "--resume", "--no-warc", "--quiet", "-s", "DOWNLOAD_DELAY=2", "-s", "X=1"]
    assert passed_on(crawl_args("houjie,humen")) == ["--progress=auto"]


def test_combined_rows_sum_the_columns_of_each_sites_report() -> None:
    report = {"outcome": "attention", "columns": {
        "a": {"listed": 10, "new": 3, "updated": 1, "failed": 2}, "b": {"listed": 5, "new": 4}}}
    rows = combined_rows([SiteRun("houjie", "reviewed", 1, report=report)])
    assert rows == [("houjie", "reviewed", "2", "15", "8", "2", "attention", "1")]


def test_a_site_without_a_report_shows_its_note_or_its_exit_codes_name() -> None:
    rows = combined_rows([SiteRun("a", "-", 2, "no profile"), SiteRun("b", "saved", 3),
                          SiteRun("c", "saved", 130), SiteRun("d", "saved", 99)])
    assert [r[6] for r in rows] == ["no profile", "try_later", "interrupted", "exit 99"]
    assert rows[0][2:6] == ("0", "0", "0", "0")


def test_the_combined_table_pads_names_left_and_numbers_right(capsys) -> None:
    print_combined([SiteRun("hj", "discovered", 0, report={"outcome": "ok", "columns": {"x": {"listed": 12}}})])
    assert capsys.readouterr().err.splitlines() == [
        "dgportal crawl: 1 sites",
        "site  profile     columns  listed  stored  failed  outcome  exit",
        "hj    discovered        1      12       0       0  ok  0",
    ]


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_pacer_keeps_the_delay_between_one_step_and_the_next() -> None:
    clock = FakeTime()
    pacer = Pacer(1.0, sleep=clock.sleep, clock=lambda: clock.now)
    with pacer.step():  # the first step waits for nothing
        clock.now += 30  # a crawl of 30 s
    with pacer.step():  # started at once: waits the whole delay
        clock.now += 0.25
    clock.now += 0.5  # half a second already passed: waits the rest
    with pacer.step():
        pass
    clock.now += 2
    with pacer.step():  # longer than the delay ago: no wait
        pass
    assert clock.slept == [1.0, 0.5]


@pytest.mark.parametrize(("portal_url", "overrides", "delay"), [
    (None, {}, 1.0),  # the real portal: the crawl's polite default
    ("https://www.dg.gov.cn/", {}, 1.0),
    ("http://127.0.0.1:8800/", {}, 0.0),  # the replica: none, as for a loopback crawl
    ("http://127.0.0.1:8800/", {"DOWNLOAD_DELAY": "2.5"}, 2.5),  # the user's, on any host
])
def test_the_pacer_takes_the_users_delay_or_the_crawls_default(portal_url, overrides, delay) -> None:
    assert Pacer.for_run(portal_url, overrides).delay == delay
