"""profile_or_error: a profile, or a CommandError saying ``file: key: problem`` in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.commands import CommandError
from dgportal_crawler.commands.profiles import profile_or_error
from dgportal_crawler.profile import builtin_profile_path


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the built-in profile with one edit."""
    text = builtin_profile_path("houjie").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "edited.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_builtin_profile():
    profile = profile_or_error("houjie")
    assert (profile.name, profile.base_url) == ("houjie", "https://www.dg.gov.cn/houjie/")


def test_a_base_url_from_the_command_line():
    assert profile_or_error("houjie", "http://127.0.0.1:8800/houjie").base_url == "http://127.0.0.1:8800/houjie/"
    assert profile_or_error("houjie", "").base_url == "https://www.dg.gov.cn/houjie/"


@pytest.mark.parametrize(("option", "prefix"), [("--base-url", "--base-url"), ("--url", "--url")])
def test_a_bad_base_url_is_blamed_on_the_option(option, prefix):
    with pytest.raises(CommandError) as info:
        profile_or_error("houjie", "ftp://x/", option)
    assert str(info.value) == f"{prefix}: 'ftp://x/' is not an http(s) URL"


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[site]\nname = "houjie\n', encoding="utf-8")
    with pytest.raises(CommandError) as info:
        profile_or_error(str(path))
    assert str(info.value).startswith(f"{path}: not valid TOML (")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"', "site.timezone: unknown time zone 'Mars/Olympus'"),
        ('template = "legacy"', 'template = "retro"', "columns[4].template: unknown template 'retro'; "
                                                     "defined: current, legacy"),
        ('id = "czjs"', 'id = "hjyw"', "columns[2].id: duplicate column id 'hjyw'"),
        ('base_url = "https://www.dg.gov.cn/houjie/"', 'base_url = "www.dg.gov.cn"',
         "site.base_url: 'www.dg.gov.cn' is not an http(s) URL"),
    ],
)
def test_a_broken_profile_is_file_key_problem(tmp_path, old, new, message):
    path = edited(tmp_path, old, new)
    with pytest.raises(CommandError) as info:
        profile_or_error(str(path))
    assert str(info.value) == f"{path}: {message}"
    assert info.value.exit_code == 2


def test_through_the_command_line_it_is_one_line_and_exit_2(capsys, tmp_path):
    path = edited(tmp_path, 'timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"')
    assert main(["columns", str(path)]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"dgportal: error: {path}: site.timezone: unknown time zone 'Mars/Olympus'\n")


def test_a_missing_profile_file(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(CommandError) as info:
        profile_or_error(str(missing))
    assert str(info.value) == f"{missing}: cannot read file (No such file or directory)"
