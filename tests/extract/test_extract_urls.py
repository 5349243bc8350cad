"""extract/urls.py: links and image sources made absolute; links that lead nowhere refused."""

from __future__ import annotations

import pytest

from dgportal_crawler.extract.urls import absolute_url, link_url, without_fragment

PAGE = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_3950123.html"


@pytest.mark.parametrize(
    ("href", "url"),
    [
        # site-absolute: the fast path keeps scheme and host of the page
        ("/img/0/456/4561001.jpg", "https://www.dg.gov.cn/img/0/456/4561001.jpg"),
        ("  /attachment/0/416/416914/4547851.pdf\n", "https://www.dg.gov.cn/attachment/0/416/416914/4547851.pdf"),
        # relative to the page's folder
        ("./post_3950001.html", "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_3950001.html"),
        ("../index.html", "https://www.dg.gov.cn/houjie/tsjh/czjs/index.html"),
        ("post_3950002.html?from=list", "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_3950002.html?from=list"),
        # protocol-relative and absolute URLs go through urljoin, not the fast path
        ("//www.dg.gov.cn/houjie/", "https://www.dg.gov.cn/houjie/"),
        ("http://jtj.dg.gov.cn/a.html", "http://jtj.dg.gov.cn/a.html"),
    ],
)
def test_absolute_url(href: str, url: str) -> None:
    assert absolute_url(PAGE, href) == url


def test_site_absolute_path_on_an_ipv6_base_goes_through_urljoin() -> None:
    assert absolute_url("http://[::1]:8080/houjie/index.html", "/img/a.jpg") == "http://[::1]:8080/img/a.jpg"


def test_site_absolute_path_without_a_base_host_stays_a_path() -> None:
    assert absolute_url("content/post_1.html", "/img/a.jpg") == "/img/a.jpg"


@pytest.mark.parametrize("href", ["http://[x", "http://[::1/a.jpg"])
def test_malformed_host_is_none_not_an_error(href: str) -> None:
    assert absolute_url(PAGE, href) is None


@pytest.mark.parametrize(
    "href",
    [None, "", "   ", "javascript:window.print()", "JavaScript:void(0)", "mailto:hjzf@dg.gov.cn",
     "#top", "  #zoom", "http://[x"],
)
def test_link_url_refuses_links_to_no_page(href: str | None) -> None:
    assert link_url(href, PAGE) is None


@pytest.mark.parametrize(
    ("href", "url"),
    [
        ("/houjie/xwzx/hjyw/", "https://www.dg.gov.cn/houjie/xwzx/hjyw/"),
        # near misses of the refused prefixes: real file names
        ("javascript.html", "https://www.dg.gov.cn/houjie/tsjh/czjs/content/javascript.html"),
        ("mailto.pdf", "https://www.dg.gov.cn/houjie/tsjh/czjs/content/mailto.pdf"),
        # a fragment on another page is a link to that page (the fragment is kept here)
        ("post_3950001.html#p2", "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_3950001.html#p2"),
    ],
)
def test_link_url_follows_page_links(href: str, url: str) -> None:
    assert link_url(href, PAGE) == url


@pytest.mark.parametrize(
    ("url", "page"),
    [
        (PAGE + "#zoom", PAGE),
        (PAGE, PAGE),
        ("https://www.dg.gov.cn/houjie/index_2.html?t=1#list", "https://www.dg.gov.cn/houjie/index_2.html?t=1"),
        ("https://www.dg.gov.cn/houjie/#", "https://www.dg.gov.cn/houjie/"),
    ],
)
def test_without_fragment(url: str, page: str) -> None:
    assert without_fragment(url) == page
