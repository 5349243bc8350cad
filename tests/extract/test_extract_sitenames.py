"""extract/sitenames.py: the site's names in page titles and breadcrumbs, keyed to simplified."""

from __future__ import annotations

import pytest

from dgportal_crawler.extract.sitenames import (
    clean_title,
    column_path_from_title,
    page_site_names,
    site_names,
    title_strip_names,
)
from dgportal_crawler.profile import SiteProfile

SITE = "中国东莞厚街镇栏目"


def test_site_names_of_a_profile_are_simplified_keys(houjie: SiteProfile) -> None:
    # the traditional title suffix keys to the same name as the display name
    assert site_names(houjie) == {SITE}


def test_site_names_without_a_profile() -> None:
    assert site_names(None) == set()


@pytest.mark.parametrize(
    ("page_title", "names"),
    [
        ("口袋公园开放_城镇建设_中国东莞厚街镇栏目", {SITE}),
        ("口袋公園開放_城鎮建設_中國東莞厚街鎮欄目", {SITE}),  # keyed: simplified
        ("东莞市交通运输局", {"东莞市交通运输局"}),  # one segment: the whole title
    ],
)
def test_page_site_names_without_a_profile_take_the_last_title_segment(
    page_title: str, names: set[str]
) -> None:
    assert page_site_names(None, page_title) == names


def test_page_site_names_prefer_the_profile(houjie: SiteProfile) -> None:
    assert page_site_names(houjie, "口袋公园开放_城镇建设_东莞市交通运输局") == {SITE}


def test_title_strip_names_without_a_profile_are_the_extra_names() -> None:
    assert title_strip_names(None, ["城镇建设", "  ", "圖說厚街"]) == {"城镇建设", "图说厚街"}


def test_title_strip_names_of_a_profile(houjie: SiteProfile) -> None:
    columns = {"厚街要闻", "通知公告", "城镇建设", "访谈直播", "社区动态", "政策解读"}
    parents = {"新闻中心", "政务公开", "图说厚街", "互动交流"}
    assert title_strip_names(houjie, []) == {SITE} | columns | parents
    assert "走进厚街" in title_strip_names(houjie, ["走進厚街"])


@pytest.mark.parametrize(
    ("title", "clean", "spam"),
    [
        ("口袋公園開放_城鎮建設_中國東莞厚街鎮欄目", "口袋公園開放", 0),  # original script kept
        ("口袋公园开放 _ 城镇建设 ", "口袋公园开放", 0),  # spaces around segments
        ("厚街镇_新塘社区", "厚街镇_新塘社区", 0),  # the last segment is no name: kept whole
        ("城镇建设", "城镇建设", 0),  # a title equal to a column name is still the title
        ("口袋公园开放_日韩欧美综合_城镇建设", "口袋公园开放", 1),  # spam between the suffixes
        ("口袋公园开放_日韩欧美综合_新塘社区", "口袋公园开放_新塘社区", 1),  # a spam segment inside
        ("口袋公园开放_城镇建设日韩欧美综合", "口袋公园开放", 1),  # glued run, then the suffix
    ],
)
def test_clean_title(houjie: SiteProfile, title: str, clean: str, spam: int) -> None:
    assert clean_title(title, title_strip_names(houjie, [])) == (clean, spam)


def test_clean_title_strips_only_the_names_given() -> None:
    assert clean_title("口袋公园开放_城镇建设", set()) == ("口袋公园开放_城镇建设", 0)
    assert clean_title("口袋公园开放_城镇建设", {"城镇建设"}) == ("口袋公园开放", 0)


@pytest.mark.parametrize(
    ("page_title", "title", "path"),
    [
        ("口袋公园开放_城镇建设_图说厚街_中国东莞厚街镇栏目", "口袋公园开放", ["图说厚街", "城镇建设"]),
        # without the article title its segment cannot be told from a column
        ("口袋公园开放_城镇建设_图说厚街_中国东莞厚街镇栏目", "", ["图说厚街", "城镇建设", "口袋公园开放"]),
        ("城镇建设_中国东莞厚街镇栏目", "口袋公园开放", ["城镇建设"]),
        ("城镇建设__中国东莞厚街镇栏目", "", ["城镇建设"]),  # empty segments skipped
        ("城镇建设_图说厚街_东莞市交通运输局", "", []),  # not this site's title
        ("中国东莞厚街镇栏目", "", []),  # the site alone names no column
    ],
)
def test_column_path_from_title(page_title: str, title: str, path: list[str]) -> None:
    assert column_path_from_title(page_title, {SITE}, title) == path
