"""The portal definition (sites/portal/towns.toml): the built-in file and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dgportal_crawler.portal import PortalError, load_portal


def test_builtin_portal_lists_the_32_towns_and_streets_once():
    portal = load_portal()
    assert len(portal.sites) == 32 and len(set(portal.site_ids)) == 32
    assert portal.site("houjie").name == "厚街镇"
    assert portal.site("hj").name == "黄江镇"  # /hj/ is Huangjiang, not Houjie
    assert portal.site("houjie").feeds == (9149,)
    assert portal.site("hj").gkmlpt == "dghjz"
    assert portal.site("humen").gkmlpt == ""  # not seen: left empty, not guessed


def test_site_url_joins_the_prefix_under_the_portal_or_a_replica():
    portal = load_portal()
    assert portal.site_url("humen") == "https://www.dg.gov.cn/humen/"
    assert portal.site_url("hj", "http://127.0.0.1:8800") == "http://127.0.0.1:8800/hj/"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portal.toml"
    path.write_text(text, encoding="utf-8")
    return path


HEAD = '[portal]\nname = "p"\nbase_url = "https://www.dg.gov.cn/"\n'


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[portal]\nname = "p"\n', "portal.base_url", "missing"),
        (HEAD, "sites", "need at least one [[sites]] entry"),
        (HEAD + '[[sites]]\nid = "Hou Jie"\nname = "x"\n', "sites[0].id",
         "'Hou Jie' must be lower-case letters, digits, - or _"),
        (HEAD + '[[sites]]\nid = "a"\nname = "x"\n[[sites]]\nid = "a"\nname = "y"\n', "sites[1].id",
         "duplicate site id 'a'"),
        (HEAD + '[[sites]]\nid = "a"\nname = "x"\nfeeds = ["9149"]\n', "sites[0].feeds",
         "must be a list of positive integers"),
        (HEAD + '[[sites]]\nid = "a"\nname = "x"\nfeeds = [true]\n', "sites[0].feeds",
         "must be a list of positive integers"),
        (HEAD + '[[sites]]\nid = "a"\nname = "x"\ngkmlpt = "dg/x"\n', "sites[0].gkmlpt",
         "'dg/x' must be lower-case letters and digits"),
        (HEAD + '[[sites]]\nid = "a"\nname = "x"\nfeed = 1\n', "sites[0].feed",
         "unknown key; expected one of feeds, gkmlpt, id, name"),
        ('[portal]\nname = "p"\nbase_url = "ftp://x/"\n', "portal.base_url", "'ftp://x/' is not an http(s) URL"),
    ],
)
def test_a_bad_definition_names_the_key_and_the_problem(tmp_path, text, key, problem):
    path = _write(tmp_path, text)
    with pytest.raises(PortalError) as caught:
        load_portal(path)
    assert str(caught.value) == f"{path}: {key}: {problem}"


def test_unreadable_and_invalid_toml_are_one_line_errors(tmp_path):
    with pytest.raises(PortalError, match=r"cannot read file \(No such file or directory\)$"):
        load_portal(tmp_path / "missing.toml")
    with pytest.raises(PortalError, match=r"not valid TOML"):
        load_portal(_write(tmp_path, "[portal\n"))
