"""List pages: every live article linked once, newest first, next links chained to the end."""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
import pytest

from dgportal_crawler.replica import Replica


def crawl_column(replica: Replica, start: str) -> tuple[list[str], list[str], list[str]]:
    """Follow next links from ``start``; returns (pages, article paths, dates) in order."""
    pages, links, dates = [], [], []
    url: str | None = start
    while url is not None:
        assert url not in pages, "next links must not loop"
        response = replica.respond(url)
        assert response.status == 200 and response.kind == "list", url
        doc = lxml.html.fromstring(response.body)
        pages.append(url)
        entries = doc.cssselect("ul.news-list li a") or doc.cssselect(
            "div.list_div div.list-right_title.fon_1 a")
        assert 1 <= len(entries) <= 15
        links += [urljoin(url, a.get("href")) for a in entries]
        dates += [d.text_content()[-10:] for d in (
            doc.cssselect("ul.news-list li span.date") or doc.xpath("//td[@align='left']"))]
        nexts = [a for a in doc.cssselect("div.page a") if a.text == "下一页"]
        assert len(nexts) <= 1
        url = urljoin(url, nexts[0].get("href")) if nexts else None
    return pages, links, dates


@pytest.mark.parametrize("edition", [1, 2])
def test_lists_link_every_live_article_exactly_once(edition: int) -> None:
    replica = Replica(edition=edition)
    linked: list[str] = []
    for col in replica.columns:
        pages, links, dates = crawl_column(replica, col.url_path + col.page_name(1))
        assert pages[1:] == [col.url_path + col.page_name(n) for n in range(2, len(pages) + 1)]
        assert dates == sorted(dates, reverse=True), "newest first"
        assert 15 * (len(pages) - 1) < len(links) <= 15 * len(pages), "15 per page"
        linked += links
    expected = sorted(r["url"][len("https://www.dg.gov.cn"):] for r in replica.ground_truth())
    assert sorted(linked) == expected
    assert len(expected) == (150 if edition == 1 else 148)


def test_next_link_markup_per_template(replica: Replica) -> None:
    current = lxml.html.fromstring(replica.respond("/houjie/xwzx/hjyw/index.html").body)
    assert current.cssselect("div.page a.next")[0].get("href") == "index_2.html"
    legacy = lxml.html.fromstring(replica.respond("/houjie/xwzx/sqdt/list.shtml").body)
    nxt = next(a for a in legacy.cssselect("div.page a") if a.text == "下一页")
    assert nxt.get("href") == "list_2.shtml" and nxt.get("class") is None
    assert legacy.cssselect("div.cen-div-1 > div.con-right > div.list_div")
    # the folder URL is page one too
    assert replica.respond("/houjie/xwzx/sqdt/").body == replica.respond(
        "/houjie/xwzx/sqdt/list.shtml").body


@pytest.mark.parametrize("path", [
    "/houjie/xwzx/hjyw/index_1.html", "/houjie/xwzx/hjyw/index_99.html",
    "/houjie/xwzx/sqdt/index.html", "/houjie/xwzx/hjyw/list.shtml", "/houjie/nosuch/index.html",
    "/houjie/search/index.html", "/other/",
])
def test_unknown_list_paths_are_404(replica: Replica, path: str) -> None:
    assert replica.respond(path).status == 404


def test_home_page_links_columns_and_latest_articles(replica: Replica) -> None:
    assert replica.respond("/houjie").headers["Location"] == "/houjie/"
    home = replica.respond("/houjie/")
    assert home.body == replica.respond("/houjie/index.html").body
    doc = lxml.html.fromstring(home.body)
    hrefs = {urljoin("/houjie/", a.get("href")) for a in doc.cssselect("div.col-block a")}
    for col in replica.columns:
        assert col.url_path + col.page_name(1) in hrefs
        newest = replica.column_entries(replica.columns.index(col))[0]
        assert newest.path in hrefs
