"""The dgportal command's handling of user mistakes: one line, exit code 2, no traceback.

These run ``main(argv)`` in-process: every check happens before a reactor would start.
"""

import socket
from pathlib import Path

import pytest

from dgportal_crawler.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unknown_column_lists_valid_ones(capsys, tmp_path):
    code, _, err = run(capsys, "crawl", "houjie", "--columns", "czjs,nosuch", "--out", str(tmp_path))
    assert code == 2
    assert err.startswith("dgportal: error: unknown column 'nosuch'; valid columns: hjyw (厚街要闻)")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not any(tmp_path.iterdir())  # nothing crawled, nothing written


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--since", "2023-02-30", "--since '2023-02-30' is not a date; use YYYY-MM-DD"),
        ("--until", "02/27/2023", "--until '02/27/2023' is not a date; use YYYY-MM-DD"),
    ],
)
def test_bad_date(capsys, tmp_path, flag, value, expected):
    code, _, err = run(capsys, "crawl", "houjie", flag, value, "--out", str(tmp_path))
    assert code == 2
    assert expected in err and "Traceback" not in err


def test_unreadable_profile(capsys, tmp_path: Path):
    missing = tmp_path / "nope.toml"
    code, _, err = run(capsys, "crawl", str(missing), "--out", str(tmp_path))
    assert (code, err.strip()) == (2, f"dgportal: error: {missing}: cannot read file (No such file or directory)")


def test_invalid_profile_names_key(capsys, tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[site]\nname = "x"\n', encoding="utf-8")
    code, _, err = run(capsys, "crawl", str(bad), "--out", str(tmp_path))
    assert code == 2 and err.strip() == f"dgportal: error: {bad}: templates: missing table"


def test_unreachable_base_url(capsys, tmp_path):
    port = free_port()
    code, _, err = run(capsys, "crawl", "houjie", "--base-url", f"http://127.0.0.1:{port}/houjie/",
                       "--out", str(tmp_path))
    assert code == 3  # try later, not a usage error
    assert not (tmp_path / "houjie").exists()  # nothing created by a run that could not start
    assert err.startswith(f"dgportal: error: cannot reach base URL http://127.0.0.1:{port}/houjie/: ")
    assert "Connection refused" in err


def test_bad_base_url_scheme(capsys, tmp_path):
    code, _, err = run(capsys, "crawl", "houjie", "--base-url", "ftp://x/", "--out", str(tmp_path))
    assert code == 2 and "--base-url: 'ftp://x/' is not an http(s) URL" in err


def test_bad_setting_override(capsys, tmp_path):
    code, _, err = run(capsys, "crawl", "houjie", "-s", "DOWNLOAD_DELAY", "--out", str(tmp_path))
    assert code == 2 and "-s expects NAME=VALUE, got 'DOWNLOAD_DELAY'" in err


def test_columns_command_lists_list_urls(capsys):
    code, out, _ = run(capsys, "columns", "houjie")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 6
    assert lines[2] == "czjs\t图说厚街 > 城镇建设\tcurrent\thttps://www.dg.gov.cn/houjie/tsjh/czjs/index.html"


def test_usage_errors_exit_2(capsys):
    # the site is optional on the command line (--all), so the command itself says it is missing
    code, _, err = run(capsys, "crawl")
    assert code == 2
    assert err == "dgportal: error: give a site (houjie, a profile .toml, towns like houjie,humen) or --all\n"


def test_bad_base_url_is_blamed_on_the_option_not_the_profile(capsys, tmp_path):
    code, _, err = run(capsys, "crawl", "houjie", "--base-url", "not-a-url", "--out", str(tmp_path))
    assert (code, err.strip()) == (2, "dgportal: error: --base-url: 'not-a-url' is not an http(s) URL")


def test_demo_and_base_url_together_are_refused(capsys, tmp_path):
    code, _, err = run(capsys, "crawl", "houjie", "--demo", "--base-url", "http://127.0.0.1:1/houjie/",
                       "--out", str(tmp_path))
    assert code == 2 and "--demo crawls its own replica" in err


def test_columns_under_another_base_url(capsys):
    code, out, _ = run(capsys, "columns", "houjie", "--base-url", "http://127.0.0.1:8800/houjie/")
    assert code == 0 and out.splitlines()[0].endswith("\thttp://127.0.0.1:8800/houjie/xwzx/hjyw/index.html")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["crawl", "houjie", "--base-url", "http://[::1"], "--base-url: 'http://[::1' is not a valid URL"),
        (["crawl", "houjie", "--demo", "--demo-articles", "0"], "--demo-articles must be at least 1"),
        (["crawl", "houjie", "--out", "/proc/no/such/dir"], "cannot write the archive at /proc/no/such/dir/houjie"),
        (["clean", "README.md", "--url", "http://[::1"], "--url: 'http://[::1' is not a valid URL"),
        (["verify", "/nonexistent/houjie"], "/nonexistent/houjie: no such archive folder"),
    ],
)
def test_odd_input_is_one_line_not_a_traceback(capsys, argv, expected):
    code, _, err = run(capsys, *argv)
    assert code == 2 and expected in err and "Traceback" not in err


def test_rebuild_state_waits_for_no_crawl(capsys, tmp_path):
    from dgportal_crawler.store.lock import site_lock

    site = tmp_path / "houjie"
    (site / "articles").mkdir(parents=True)
    with site_lock(site):
        code, _, err = run(capsys, "rebuild-state", str(site))
    assert code == 3 and "another crawl is writing to" in err  # try later
    code, out, _ = run(capsys, "rebuild-state", str(site))
    assert code == 0 and "rebuilt from the archive, 0 articles" in out
