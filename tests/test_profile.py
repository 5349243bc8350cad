import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from dgportal_crawler.profile import ProfileError, builtin_profile_path, load_profile, parse_profile


def houjie_data() -> dict:
    return tomllib.loads(builtin_profile_path("houjie").read_text(encoding="utf-8"))


def test_builtin_houjie_profile_has_the_six_columns_and_both_templates():
    profile = load_profile("houjie")
    assert profile.name == "houjie"
    assert profile.base_url == "https://www.dg.gov.cn/houjie/"
    assert profile.column_ids == ["hjyw", "tzgg", "czjs", "fttd", "sqdt", "zcjd"]
    assert set(profile.templates) == {"current", "legacy"}
    czjs = profile.column("czjs")
    assert (czjs.parent, czjs.name, czjs.column_path) == ("图说厚街", "城镇建设", ["图说厚街", "城镇建设"])
    assert profile.list_url(czjs) == "https://www.dg.gov.cn/houjie/tsjh/czjs/index.html"
    assert profile.list_url(profile.column("sqdt")) == "https://www.dg.gov.cn/houjie/xwzx/sqdt/list.shtml"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_3950123.html", "houjie:3950123"),
        ("http://127.0.0.1:8800/houjie/xwzx/sqdt/content/post_0000042.html?x=1", "houjie:0000042"),
        ("https://www.dg.gov.cn/houjie/about.html", "houjie:url:/houjie/about.html"),
    ],
)
def test_article_id(url, expected):
    assert load_profile("houjie").article_id(url) == expected


def test_base_url_override_adds_the_trailing_slash():
    profile = load_profile("houjie").with_base_url("http://127.0.0.1:9/houjie")
    assert profile.list_url(profile.column("hjyw")) == "http://127.0.0.1:9/houjie/xwzx/hjyw/index.html"


def test_a_copied_profile_file_loads_by_path(tmp_path: Path):
    path = tmp_path / "mine.toml"
    path.write_text(builtin_profile_path("houjie").read_text(encoding="utf-8").replace(
        'path = "tsjh/czjs/"', 'path = "tsjh/czjs2/"'), encoding="utf-8")
    profile = load_profile(path)
    assert profile.source == str(path)
    assert profile.column("czjs").path == "tsjh/czjs2/"


def _broken(mutate) -> ProfileError:
    data = houjie_data()
    mutate(data)
    with pytest.raises(ProfileError) as info:
        parse_profile(data, "x.toml")
    return info.value


@pytest.mark.parametrize(
    ("mutate", "key", "fragment"),
    [
        (lambda d: d.pop("site"), "site", "missing table"),
        (lambda d: d["site"].pop("base_url"), "site.base_url", "missing"),
        (lambda d: d["site"].update(base_url="ftp://x/"), "site.base_url", "not an http(s) URL"),
        (lambda d: d["site"].update(timezone="Mars/Olympus"), "site.timezone", "unknown time zone"),
        (lambda d: d["site"].update(article_id_pattern="post_(\\d+"), "site.article_id_pattern", "invalid regex"),
        (lambda d: d["site"].update(article_id_pattern="post_\\d+"), "site.article_id_pattern", "(?P<id>"),
        (lambda d: d["templates"]["current"].update(list_entry="ul..x"), "templates.current.list_entry",
         "invalid selector"),
        (lambda d: d["templates"]["legacy"].update(list_date="xpath://["), "templates.legacy.list_date",
         "invalid selector"),
        (lambda d: d["templates"]["current"].update(list_entri="ul"), "templates.current.list_entri", "unknown key"),
        (lambda d: d["templates"]["current"].pop("article_body"), "templates.current.article_body", "missing"),
        (lambda d: d["columns"][2].update(template="v3"), "columns[2].template", "unknown template 'v3'"),
        (lambda d: d["columns"][1].update(id="hjyw"), "columns[1].id", "duplicate column id"),
        (lambda d: d["columns"][0].update(id="Bad Id"), "columns[0].id", "lower-case"),
        (lambda d: d["columns"][0].update(path=3), "columns[0].path", "must be a string, not int"),
        (lambda d: d.update(columns=[]), "columns", "at least one"),
        (lambda d: d["site"].update(name="../x"), "site.name", "lower-case letters"),
        (lambda d: d["site"].update(base_url="http://[::1"), "site.base_url", "not a valid URL"),
    ],
)
def test_invalid_profiles_name_file_key_and_problem(mutate, key, fragment):
    error = _broken(mutate)
    assert error.source == "x.toml"
    assert error.key == key
    assert fragment in error.problem
    assert str(error).startswith(f"x.toml: {key}: ")


def test_unreadable_and_malformed_files(tmp_path: Path):
    with pytest.raises(ProfileError, match="cannot read file"):
        load_profile(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[site\nname = 1", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="no such site; built-in sites: houjie"):
        load_profile("nosuchtown")


@pytest.mark.parametrize(
    ("url", "column"),
    [
        ("https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_3950123.html", "czjs"),
        ("http://127.0.0.1:5/houjie/xwzx/sqdt/list_2.shtml", "sqdt"),
        ("https://www.dg.gov.cn/houjie/other/content/post_1.html", None),
        (None, None),
    ],
)
def test_column_for_url(url, column):
    found = load_profile("houjie").column_for_url(url)
    assert (found.id if found else None) == column


def test_column_for_url_takes_the_deepest_folder_and_follows_the_base_url():
    houjie = load_profile("houjie")
    outer, inner = (replace(houjie.columns[0], id=i, path=p) for i, p in (("outer", "xwzx/"), ("inner", "xwzx/hjyw/")))
    for columns in ((outer, inner), (inner, outer)):  # the deeper folder wins in either file order
        profile = replace(houjie, columns=columns)
        assert profile.column_for_url("https://www.dg.gov.cn/houjie/xwzx/hjyw/content/post_1.html").id == "inner"
        assert profile.column_for_url("https://www.dg.gov.cn/houjie/xwzx/sqdt/content/post_1.html").id == "outer"
    moved = houjie.with_base_url("http://127.0.0.1:5/mirror/houjie/")
    assert moved.column_for_url("http://127.0.0.1:5/mirror/houjie/xwzx/hjyw/content/post_1.html").id == "hjyw"
    assert moved.column_for_url("http://127.0.0.1:5/houjie/xwzx/hjyw/content/post_1.html") is None
