"""``dgportal crawl``: everything it decides before a crawl starts, without starting one.

The exit code of a finished crawl is decided by :mod:`dgportal_crawler.outcome` (see
tests/test_outcome.py); the crawls themselves are in tests/test_crawl_e2e.py.
"""

from __future__ import annotations

import http.server
import socket
import sys
import threading
from collections.abc import Iterator

import pytest

from dgportal_crawler.cli import build_parser, main
from dgportal_crawler.commands import CommandError, TryLater
from dgportal_crawler.commands.crawl import (
    check_reachable,
    check_settings,
    crawl_settings,
    parse_overrides,
    preflight_archive,
    prepare_jobdir,
    quiet_unless_trouble,
)
from dgportal_crawler.profile import load_profile
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.lock import site_lock

RUN_ID = "20260101T000000Z-abcdef"


class Answer(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[http.server.HTTPServer]:
    """A real HTTP server on 127.0.0.1 answering every GET with ``server.status``."""
    server = http.server.HTTPServer(("127.0.0.1", 0), Answer)
    server.status = 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def base_url(server: http.server.HTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/houjie/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- -s NAME=VALUE ---------------------------------------------------------------------------
def test_parse_overrides():
    assert parse_overrides(["DOWNLOAD_DELAY=2", " LOG_LEVEL =DEBUG", "X=a=b", "EMPTY="]) == {
        "DOWNLOAD_DELAY": "2", "LOG_LEVEL": "DEBUG", "X": "a=b", "EMPTY": ""}
    assert parse_overrides([]) == {}


@pytest.mark.parametrize("pair", ["DOWNLOAD_DELAY", "=3", "  =3", ""])
def test_parse_overrides_refuses_what_is_not_name_value(pair):
    with pytest.raises(CommandError) as info:
        parse_overrides(["OK=1", pair])
    assert str(info.value) == f"-s expects NAME=VALUE, got {pair!r}"
    assert info.value.exit_code == 2


def test_check_settings_lists_every_unusable_value():
    check_settings({"DOWNLOAD_DELAY": "2.5", "DGPORTAL_MODE": "full",
                    "DGPORTAL_CLOCK": "fixed:2025-01-10T12:00:00+08:00"})
    with pytest.raises(CommandError) as info:
        check_settings({"DGPORTAL_RECHECK_DAYS": "soon", "DGPORTAL_PROGRESS": "loud"})
    assert str(info.value) == ("setting DGPORTAL_RECHECK_DAYS='soon' is not a whole number; "
                               "setting DGPORTAL_PROGRESS='loud' must be one of auto, on, off")
    with pytest.raises(CommandError, match=r"DGPORTAL_CLOCK 'fixed:yesterday': expected fixed:<ISO 8601 time>"):
        check_settings({"DGPORTAL_CLOCK": "fixed:yesterday"})


def test_a_bad_setting_is_exit_2_before_anything_is_touched(capsys, tmp_path):
    code = main(["crawl", "houjie", "--out", str(tmp_path), "-s", "DGPORTAL_MODE=sometimes"])
    err = capsys.readouterr().err
    assert (code, err) == (2, "dgportal: error: setting DGPORTAL_MODE='sometimes' must be one of "
                              "incremental, full, resume\n")
    assert not any(tmp_path.iterdir())


# -- JOBDIR ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("resume", "killed", "kept"),
    [(False, False, False), (False, True, False), (True, False, True), (True, True, False)],
)
def test_the_job_folder_is_kept_only_to_resume_a_clean_interruption(tmp_path, resume, killed, kept):
    layout = SiteLayout.of(tmp_path, "houjie")
    (layout.job_dir / "requests.queue").mkdir(parents=True)
    (layout.job_dir / "requests.seen").write_text("fingerprints\n", encoding="utf-8")
    if killed:
        layout.open_marker.write_text("20251231T000000Z-killed", encoding="utf-8")
    assert prepare_jobdir(layout, resume=resume) == tmp_path / "houjie" / "job"
    assert layout.job_dir.exists() is kept
    if kept:
        assert (layout.job_dir / "requests.seen").read_text(encoding="utf-8") == "fingerprints\n"


def test_no_job_folder_is_made_in_advance(tmp_path):
    layout = SiteLayout.of(tmp_path, "houjie")
    assert prepare_jobdir(layout, resume=True) == layout.job_dir
    assert not layout.job_dir.exists()


# -- the archive and the site, checked before the crawl ----------------------------------------
def test_preflight_refuses_a_state_that_cannot_be_opened(tmp_path):
    layout = SiteLayout.of(tmp_path, "houjie")
    preflight_archive(layout, "https://www.dg.gov.cn/houjie/")  # no state yet: fine
    layout.site_dir.mkdir()
    layout.state_file.write_bytes(b"garbage, not sqlite " * 50)
    with pytest.raises(CommandError, match=r"is not a usable state database.*rebuild-state"):
        preflight_archive(layout, "https://www.dg.gov.cn/houjie/")


def test_check_reachable(site):
    check_reachable(base_url(site), "dgportal-crawler/test")
    site.status = 404
    with pytest.raises(CommandError) as info:
        check_reachable(base_url(site), "dgportal-crawler/test")
    assert str(info.value) == (f"base URL {base_url(site)} answered HTTP 404 Not Found; check --base-url "
                               "or the profile's site.base_url")
    assert type(info.value) is CommandError  # exit 2: the URL is wrong, not the moment


def test_an_http_error_answer_is_closed(site):
    # left open, its socket would surface as a ResourceWarning in some later test
    site.status = 503
    with pytest.raises(CommandError) as info:
        check_reachable(base_url(site), "dgportal-crawler/test")
    answer = info.value.__context__  # the HTTPError, kept as the context of the one-line error
    try:
        assert answer.fp.closed
    finally:
        answer.close()


def test_an_unreachable_site_is_try_later():
    url = f"http://127.0.0.1:{free_port()}/houjie/"
    with pytest.raises(TryLater) as info:
        check_reachable(url, "dgportal-crawler/test")
    assert str(info.value).startswith(f"cannot reach base URL {url}: ")
    assert str(info.value).endswith("; try again later")
    assert info.value.exit_code == 3


def test_a_held_archive_is_exit_3_and_nothing_is_crawled(capsys, tmp_path, site):
    layout = SiteLayout.of(tmp_path, "houjie")
    with site_lock(layout):
        code = main(["crawl", "houjie", "--base-url", base_url(site), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith(f"dgportal: error: another crawl is writing to {layout.site_dir} (pid ")
    assert sorted(p.name for p in layout.site_dir.iterdir()) == ["crawl.lock"]


# -- the settings handed to Scrapy ---------------------------------------------------------------
def test_crawl_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("DGPORTAL_CONTACT", raising=False)
    args = build_parser().parse_args(["crawl", "houjie", "--full", "--no-warc", "--attachments", "--progress", "off",
                                      "--contact", "me@example.org", "--out", str(tmp_path)])
    layout = SiteLayout.of(tmp_path, "houjie")
    profile = load_profile("houjie")
    settings = crawl_settings(args, layout, profile, "http://127.0.0.1:8800/houjie/", RUN_ID,
                              {"DOWNLOAD_DELAY": "3", "DGPORTAL_MODE": "resume"})
    assert settings["DGPORTAL_ARCHIVE_ROOT"] == str(tmp_path)
    assert settings["DGPORTAL_PROFILE"] == profile.source
    assert settings["DGPORTAL_BASE_URL"] == "http://127.0.0.1:8800/houjie/"
    assert settings["DGPORTAL_RUN_ID"] == RUN_ID
    assert settings["DGPORTAL_CONTACT"] == "me@example.org"
    assert settings["DGPORTAL_PROGRESS"] == "off"
    assert settings["DGPORTAL_MODE"] == "resume"  # -s wins over --full
    assert settings.getbool("DGPORTAL_WARC") is False and settings.getbool("DGPORTAL_ATTACHMENTS") is True
    assert settings["LOG_FILE"] == str(tmp_path / "houjie" / "runs" / f"{RUN_ID}.log")
    assert settings.getbool("LOG_FILE_APPEND") is False
    assert settings.getbool("DGPORTAL_LOCK_HELD") is True
    assert settings.getfloat("DOWNLOAD_DELAY") == 3.0
    assert settings.getdict("ADDONS") == {"dgportal_crawler.addon.DgportalAddon": 0}
    assert layout.runs_dir.is_dir()  # the log has somewhere to go


@pytest.mark.parametrize(("flags", "mode"), [([], "incremental"), (["--full"], "full"), (["--resume"], "resume")])
def test_the_mode_follows_the_flags(tmp_path, flags, mode):
    args = build_parser().parse_args(["crawl", "houjie", *flags])
    settings = crawl_settings(args, SiteLayout.of(tmp_path, "houjie"), load_profile("houjie"),
                              "https://www.dg.gov.cn/houjie/", RUN_ID, {})
    assert settings["DGPORTAL_MODE"] == mode
    assert settings.getbool("DGPORTAL_WARC") is True


# -- --quiet -------------------------------------------------------------------------------------
def test_quiet_holds_stderr_back_for_a_clean_run(capsys):
    with quiet_unless_trouble(True) as held:
        print("noise", file=sys.stderr)
        held.show = False
    assert capsys.readouterr().err == ""


def test_quiet_lets_stderr_through_when_the_run_needs_a_look(capsys):
    with quiet_unless_trouble(True):
        print("WARNING: a list page failed", file=sys.stderr)
    assert capsys.readouterr().err == "WARNING: a list page failed\n"


def test_quiet_lets_stderr_through_when_something_raised(capsys):
    with pytest.raises(ValueError), quiet_unless_trouble(True) as held:
        print("what happened first", file=sys.stderr)
        held.show = False
        raise ValueError("boom")
    assert capsys.readouterr().err == ""  # the caller decided the run was clean before it raised


def test_without_quiet_nothing_is_held(capsys):
    with quiet_unless_trouble(False) as held:
        print("live", file=sys.stderr)
        held.show = False
    assert capsys.readouterr().err == "live\n"
