"""FetchedPage.saved: a page read back from a file or a WARC record finds its column by URL."""

from __future__ import annotations

import pytest

from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import load_profile


@pytest.fixture(scope="module")
def profile():
    return load_profile("houjie")


def test_a_saved_page_finds_its_column_and_template(profile):
    url = "https://www.dg.gov.cn/houjie/xwzx/sqdt/content/post_2400311.html"
    page = FetchedPage.saved(profile, url, b"<html/>", status=200,
                             headers={"Content-Type": "text/html; charset=gbk", "ETag": '"x"'})
    assert (page.url, page.site, page.column, page.column_name, page.template) == (
        url, "houjie", "sqdt", "社区动态", "legacy")
    assert (page.status, page.body, page.fetched_at, page.meta) == (200, b"<html/>", None, {})
    assert page.headers == {"content-type": "text/html; charset=gbk", "etag": '"x"'}  # lower-cased


def test_a_page_outside_every_column_or_without_url(profile):
    for url in ("https://www.dg.gov.cn/houjie/index.html", None):
        page = FetchedPage.saved(profile, url, b"x")
        assert (page.url, page.column, page.column_name, page.template) == (url or "", None, None, None)
        assert (page.status, page.headers) == (0, {})
