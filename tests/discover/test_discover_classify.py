"""Pure readings of one page for discovery: navigation links, list pages and their template,
the site's name, a column's breadcrumb, the feed id, a list URL's folder."""

from __future__ import annotations

import datetime as dt

from dgportal_crawler.discover.catalogue import load_catalogue
from dgportal_crawler.discover.classify import (
    ListReading,
    category_id,
    column_names,
    feed_refs,
    folder_of,
    nav_links,
    read_list,
    site_name,
    stub_profile,
)

BASE = "https://www.dg.gov.cn/humen/"
PROFILE = stub_profile("humen", BASE, load_catalogue())


def _page(body: str, head: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def test_a_stub_profile_has_the_catalogue_and_no_columns_and_knows_post_ids() -> None:
    assert (PROFILE.name, PROFILE.base_url, PROFILE.columns) == ("humen", BASE, ())
    assert list(PROFILE.templates)[:3] == ["current", "legacy", "department"]
    assert PROFILE.post_id(BASE + "zwgk/c1502/content/post_3129114.html") is not None
    assert PROFILE.post_id(BASE + "zwgk/c1502/") is None


def test_nav_links_keeps_folders_and_list_pages_of_the_site_in_page_order() -> None:
    body = _page(
        '<a href="xwzx/c1471/">虎门要闻</a>'
        '<a href="/humen/zwgk/c1502/index.html#top">通知公告</a>'
        '<a href="/humen/xwzx/c1471/">重复</a>'  # first text wins
        f'<a href="{BASE}">首页</a>'  # the home page itself
        '<a href="/humen/zwgk/c1502/content/post_3129114.html">文章</a>'
        '<a href="/humen/files/a.PDF">附件</a>'
        '<a href="/humen/search/?q=1">搜索</a>'
        '<a href="https://www.dg.gov.cn/houjie/">厚街</a>'  # another site
        '<a>没有地址</a>')
    assert nav_links(body, BASE, BASE, PROFILE) == {
        BASE + "xwzx/c1471/": "虎门要闻", BASE + "zwgk/c1502/index.html": "通知公告"}


def test_nav_links_of_an_empty_page_is_empty() -> None:
    assert nav_links(b"  ", BASE, BASE, PROFILE) == {}


CURRENT_LIST = _page(
    '<ul class="news-list">'
    '<li><a href="content/post_1.html">一</a><span class="date">2024-05-01</span></li>'
    '<li><a href="content/post_2.html">二</a><span class="date">2024-06-02</span></li>'
    '<li><a href="content/post_3.html">三</a><span class="date">2023-01-09</span></li></ul>')


def test_a_list_in_the_current_template_is_read_with_its_count_and_newest_date() -> None:
    assert read_list(CURRENT_LIST, BASE + "zwgk/c1502/", PROFILE) == ListReading(
        "current", 3, dt.date(2024, 6, 2), 0)


def test_a_list_in_the_department_template_is_named_department() -> None:
    body = _page('<ul class="xxgk-list"><li><a href="content/post_9.html">九</a><em>2022-02-03</em></li></ul>')
    assert read_list(body, BASE + "bm/", PROFILE) == ListReading("department", 1, dt.date(2022, 2, 3), 0)


def test_article_links_outside_any_template_are_counted_but_name_no_template() -> None:
    body = _page('<div><a href="content/post_1.html">一</a><a href="content/post_2.html">二</a>'
                 '<a href="other.html">别的</a></div>')
    assert read_list(body, BASE + "zwgk/c1502/", PROFILE) == ListReading("", 0, None, 2)


def test_site_name_prefers_the_sitename_meta_then_the_titles_last_part() -> None:
    head = '<title>首页_虎门镇</title><meta name="SiteName" content="中国东莞虎门">'
    assert site_name(_page("", head)) == "中国东莞虎门"
    assert site_name(_page("", "<title>首页_ 虎门镇 </title>")) == "虎门镇"
    assert site_name(_page("", "<title>虎门镇</title>")) == "虎门镇"
    assert site_name(b"") == ""


def test_column_names_are_the_last_two_crumbs_after_the_portals_and_the_sites() -> None:
    body = _page('<div class="location">您当前的位置：首页 / 街镇 / 虎门镇 / 政务公开 / 通知公告</div>')
    assert column_names(body, PROFILE, "current", "虎门镇") == ("政务公开", "通知公告")
    one = _page('<div class="location">当前位置: 首页 &gt; 虎门镇 &gt; 通知公告</div>')
    assert column_names(one, PROFILE, "current", "虎门镇") == ("", "通知公告")


def test_column_names_fall_back_to_the_column_meta_tags() -> None:
    head = '<meta name="ColumnType" content="政务公开"><meta name="ColumnName" content="政策解读">'
    body = _page('<div class="location">首页 / 虎门镇</div>', head)
    assert column_names(body, PROFILE, "current", "虎门镇") == ("政务公开", "政策解读")
    assert column_names(_page("正文"), PROFILE, "no-such-template", "虎门镇") == ("", "")
    assert column_names(b"", PROFILE, "current", "虎门镇") == ("", "")


def test_category_id_is_the_nfcms_cat_id_of_the_pages_script() -> None:
    assert category_id(b"<script>var NFCMS_CAT_ID = '9312';</script>") == 9312
    assert category_id(b'<script>NFCMS_CAT_ID="10271"</script>') == 10271
    assert category_id(b"<script>var NFCMS_SITE_ID = 1;</script>") is None


def test_feed_refs_are_the_feeds_a_pages_scripts_load_once_each_in_order() -> None:
    body = (b'<script>loadFeed("/postmeta/i/10280.json", "ztzl");</script>'
            b"<script>$.get('https://www.dg.gov.cn/postmeta/i/9149.json'); load('/postmeta/i/10280.json')</script>"
            b'<a href="/postmeta/i/abc.json">x</a>')
    assert feed_refs(body) == [10280, 9149]
    assert feed_refs(b"<html>no feed</html>") == []


def test_folder_of_keeps_a_folder_and_drops_a_file() -> None:
    assert folder_of(BASE + "xwzx/zcdt/list.shtml") == BASE + "xwzx/zcdt/"
    assert folder_of(BASE + "xwzx/zcdt/") == BASE + "xwzx/zcdt/"
    assert folder_of(BASE + "xwzx/zcdt") == BASE + "xwzx/zcdt/"
