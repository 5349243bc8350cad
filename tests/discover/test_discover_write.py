"""Discovered columns → profile ids and list pages (pure)."""

from __future__ import annotations

from dgportal_crawler.discover.classify import folder_of
from dgportal_crawler.discover.model import Candidate
from dgportal_crawler.discover.write import column_ids, list_page

BASE = "https://www.dg.gov.cn/humen/"


def test_ids_are_the_folder_names_and_the_parent_joins_them_only_when_they_clash():
    cols = [Candidate(BASE + p, "") for p in ("xwzx/tzgg/", "zwgk/tzgg/index.html", "zwgk/c1507/", "Zw GK/")]
    assert column_ids(cols, BASE) == ["xwzx-tzgg", "zwgk-tzgg", "c1507", "zw-gk"]


def test_list_page_is_the_linked_file_or_the_bare_folder():
    assert list_page(Candidate(BASE + "xwzx/sqdt/list.shtml", "")) == "list.shtml"
    assert list_page(Candidate(BASE + "xwzx/c1471/", "")) == "./"


def test_folder_of_list_pages_and_bare_folders():
    assert folder_of(BASE + "zwgk/tzgg/index_2.html") == BASE + "zwgk/tzgg/"
    assert folder_of(BASE + "zwgk/tzgg") == BASE + "zwgk/tzgg/"
    assert folder_of(BASE + "zwgk/tzgg/") == BASE + "zwgk/tzgg/"
