"""``dgportal columns SITE``: one line per column with its list page, through ``main(argv)``."""

from __future__ import annotations

from pathlib import Path

from dgportal_crawler.cli import main
from dgportal_crawler.profile import builtin_profile_path

HOUJIE = [
    "hjyw\t新闻中心 > 厚街要闻\tcurrent\thttps://www.dg.gov.cn/houjie/xwzx/hjyw/index.html",
    "tzgg\t政务公开 > 通知公告\tcurrent\thttps://www.dg.gov.cn/houjie/zwgk/tzgg/index.html",
    "czjs\t图说厚街 > 城镇建设\tcurrent\thttps://www.dg.gov.cn/houjie/tsjh/czjs/index.html",
    "fttd\t互动交流 > 访谈直播\tcurrent\thttps://www.dg.gov.cn/houjie/hdjl/fttd/index.html",
    "sqdt\t新闻中心 > 社区动态\tlegacy\thttps://www.dg.gov.cn/houjie/xwzx/sqdt/list.shtml",
    "zcjd\t政务公开 > 政策解读\tcurrent\thttps://www.dg.gov.cn/houjie/zwgk/zcjd/index.html",
]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_builtin_site(capsys):
    assert run(capsys, "columns", "houjie") == (0, "\n".join(HOUJIE) + "\n", "")


def test_under_another_base_url(capsys):
    code, out, _ = run(capsys, "columns", "houjie", "--base-url", "http://127.0.0.1:8800/houjie")
    assert code == 0
    assert out.splitlines() == [line.replace("https://www.dg.gov.cn/", "http://127.0.0.1:8800/") for line in HOUJIE]


def test_a_profile_file(capsys, tmp_path: Path):
    text = builtin_profile_path("houjie").read_text(encoding="utf-8")
    text = text.replace('name = "社区动态"', 'name = "社区新闻"')
    text = text.replace('list_page = "list.shtml"', 'list_page = "l.shtml"')
    profile = tmp_path / "mine.toml"
    profile.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "columns", str(profile))
    assert code == 0
    assert out.splitlines()[4] == "sqdt\t新闻中心 > 社区新闻\tlegacy\thttps://www.dg.gov.cn/houjie/xwzx/sqdt/l.shtml"


def test_an_unknown_site(capsys):
    assert run(capsys, "columns", "nosuch") == (
        2, "", "dgportal: error: nosuch: no such site; built-in sites: houjie\n")
