"""IncrementalMiddleware on its own: a real archive state on tmp_path, the spider's own requests,
list responses built by hand, no engine. The clock is fixed at 2026-01-01, DGPORTAL_RECHECK_DAYS
is 30, so an article published on 2025-12-02 or later is "young" and one before it is "old"."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from dgportal_crawler.coverage import COMPLETE
from dgportal_crawler.extensions.archive import ArchiveSession
from dgportal_crawler.incremental import IncrementalMiddleware
from dgportal_crawler.runcontext import crawl_run
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler

BASE = "https://www.dg.gov.cn/houjie/"
LIST_URL = BASE + "tsjh/czjs/index.html"
NEXT_URL = BASE + "tsjh/czjs/index_2.html"
OLD, YOUNG = "2024-01-01T09:00:00+08:00", "2025-12-20T09:00:00+08:00"
ETAG, LAST_MODIFIED = '"5f3c-2"', "Sat, 20 Dec 2025 01:00:00 GMT"


def article_url(n: int, column_path: str = "tsjh/czjs") -> str:
    return f"{BASE}{column_path}/content/post_{n}.html"


def settings(tmp_path: Path, mode: str = "incremental", **extra: Any) -> dict[str, Any]:
    return {
        "DGPORTAL_ARCHIVE_ROOT": str(tmp_path),
        "DGPORTAL_WARC": False,
        "DGPORTAL_CLOCK": "fixed:2026-01-01T00:00:00Z",
        "DGPORTAL_MODE": mode,
        "EXTENSIONS": {"dgportal_crawler.extensions.archive.ArchiveSession": 100},
        **extra,
    }


class Harness:
    """A crawler, its middleware and its open archive, plus the spider's own request makers."""

    def __init__(self, tmp_path: Path, mode: str = "incremental", spider_kwargs: dict | None = None,
                 **extra: Any) -> None:
        self.crawler = make_crawler(HoujieSpider, settings(tmp_path, mode, **extra), **(spider_kwargs or {}))
        self.run = crawl_run(self.crawler)
        self.archive = self.crawler.get_extension(ArchiveSession).ensure_open()
        self.mw = IncrementalMiddleware.from_crawler(self.crawler)

    def know(self, n: int, published_at: str | None, *, column_path: str = "tsjh/czjs", etag: str | None = None,
             last_modified: str | None = None, withdrawn: bool = False) -> None:
        article_id = f"houjie:{n}"
        self.archive.state.record_fetch(article_id, article_url(n, column_path), text_sha256="0" * 64,
                                        revision=1, etag=etag, last_modified=last_modified, status=200,
                                        published_at=published_at, seen_at="2025-12-31T00:00:00Z")
        if withdrawn:
            self.archive.state.record_withdrawal(article_id, 404, "2025-12-31T12:00:00Z")

    def read_whole_list(self, *columns: str) -> None:
        """Record that an earlier run read these columns' lists to the end."""
        for column in columns:
            self.archive.state.record_coverage(column, COMPLETE, "2025-12-31T00:00:00Z")

    def article(self, n: int, column: str = "czjs") -> Request:
        col = self.run.profile.column(column)
        return self.run.requests.article(article_url(n, col.path.rstrip("/")), col)

    def next_page(self, column: str = "czjs", page: int = 2) -> Request:
        col = self.run.profile.column(column)
        return self.crawler.spider.list_request(NEXT_URL, col, page)

    def list_page(self, outputs: list[Any], column: str = "czjs", kind: str = "list") -> list[Any]:
        request = Request(LIST_URL, meta={"dgportal_kind": kind, "dgportal_column": column})
        response = HtmlResponse(LIST_URL, body=b"<html></html>", request=request)

        async def source():
            for out in outputs:
                yield out

        async def collect() -> list[Any]:
            return [out async for out in self.mw.process_spider_output(response, source())]

        return asyncio.run(collect())

    def stat(self, key: str) -> Any:
        return self.crawler.stats.get_value(key)


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = Harness(tmp_path)
    yield h
    h.archive.close()


@pytest.fixture
def make(tmp_path: Path) -> Iterator:
    made: list[Harness] = []

    def build(mode: str = "incremental", **kwargs: Any) -> Harness:
        made.append(Harness(tmp_path, mode, **kwargs))
        return made[-1]

    yield build
    for h in made:
        h.archive.close()


def conditional_headers(request: Request) -> dict[str, str | None]:
    return {name: request.headers.to_unicode_dict().get(name) for name in ("If-None-Match", "If-Modified-Since")}


def test_unknown_kept_old_known_skipped_young_known_rechecked(harness: Harness) -> None:
    harness.know(2, OLD)
    harness.know(3, YOUNG, etag=ETAG, last_modified=LAST_MODIFIED)
    unknown, old, young, next_page = harness.article(1), harness.article(2), harness.article(3), harness.next_page()
    kept = harness.list_page([unknown, old, young, next_page])

    assert [r.url for r in kept] == [article_url(1), article_url(3), NEXT_URL]
    assert kept[0] is unknown and conditional_headers(kept[0]) == {"If-None-Match": None, "If-Modified-Since": None}
    assert conditional_headers(kept[1]) == {"If-None-Match": ETAG, "If-Modified-Since": LAST_MODIFIED}
    # the re-check is still the spider's article request
    assert kept[1].callback == harness.crawler.spider.parse_article
    assert kept[1].meta["dgportal_kind"] == "article" and kept[1].meta["dgportal_column"] == "czjs"
    assert kept[2] is next_page  # not every entry was known: page on
    assert harness.stat("dgportal/column/czjs/skipped_known") == 1
    assert harness.stat("dgportal/skipped_known") == 1
    assert harness.stat("dgportal/column/czjs/stopped_early") is None


@pytest.mark.parametrize(
    ("published_at", "rechecked"),
    [("2025-12-02T23:59:00+08:00", True),  # 30 days before the clock's day: still young
     ("2025-12-01T00:00:00+08:00", False),  # 31 days: old
     (None, True)],  # unknown age: re-checked rather than an edit missed
)
def test_young_means_within_the_recheck_days(harness: Harness, published_at, rechecked) -> None:
    harness.know(5, published_at, etag=ETAG)
    kept = harness.list_page([harness.article(5)])
    assert len(kept) == int(rechecked)
    assert harness.stat("dgportal/column/czjs/skipped_known") == (None if rechecked else 1)


def test_a_known_article_without_validators_is_rechecked_plainly(harness: Harness) -> None:
    harness.know(3, YOUNG)
    (kept,) = harness.list_page([harness.article(3)])
    assert conditional_headers(kept) == {"If-None-Match": None, "If-Modified-Since": None}
    assert kept.url == article_url(3)


def test_a_withdrawn_article_is_fetched_again_and_does_not_count_as_known(harness: Harness) -> None:
    harness.know(2, OLD)
    harness.know(4, OLD, etag=ETAG, withdrawn=True)
    withdrawn = harness.article(4)
    kept = harness.list_page([harness.article(2), withdrawn, harness.next_page()])
    assert kept == [withdrawn, kept[1]] and kept[1].url == NEXT_URL
    assert conditional_headers(withdrawn) == {"If-None-Match": None, "If-Modified-Since": None}


def test_a_page_of_known_articles_stops_paging_a_complete_column(harness: Harness) -> None:
    harness.read_whole_list("czjs")
    harness.know(2, OLD)
    harness.know(3, YOUNG, etag=ETAG)
    kept = harness.list_page([harness.article(2), harness.article(3), harness.next_page()])
    assert [r.url for r in kept] == [article_url(3)]  # the young one is still re-checked
    assert harness.stat("dgportal/column/czjs/stopped_early") == 1


def test_a_feeds_next_child_feed_is_no_next_page_and_survives_a_known_page(harness: Harness) -> None:
    # a feed tree's next feed may list new articles however known this one's are
    harness.read_whole_list("czjs")
    harness.know(2, OLD)
    walk_on = Request(BASE.split("/houjie/")[0] + "/postmeta/i/20.json",
                      meta={"dgportal_kind": "list", "dgportal_column": "czjs", "dgportal_feed_walk": True})
    kept = harness.list_page([harness.article(2), walk_on, harness.next_page()])
    assert kept == [walk_on]
    assert harness.stat("dgportal/column/czjs/stopped_early") == 1  # the next page only


@pytest.mark.parametrize("coverage", [None, "2024-06-01"])
def test_a_column_not_read_to_its_end_is_paged_on(harness: Harness, coverage) -> None:
    # older pages of a partial column may hold articles never fetched: known ones cost no request
    if coverage is not None:
        harness.archive.state.record_coverage("czjs", coverage, "2025-12-31T00:00:00Z")
    harness.read_whole_list("sqdt")  # another column's coverage does not count
    harness.know(2, OLD)
    next_page = harness.next_page()
    assert harness.list_page([harness.article(2), next_page]) == [next_page]
    assert harness.stat("dgportal/column/czjs/skipped_known") == 1
    assert harness.stat("dgportal/column/czjs/stopped_early") is None


def test_stop_after_counts_all_known_pages_in_a_row_per_column(make) -> None:
    h = make(DGPORTAL_STOP_AFTER_SEEN_PAGES=2)
    h.read_whole_list("czjs", "sqdt")
    for n in (1, 2, 3, 4):
        h.know(n, OLD)
    h.know(11, OLD, column_path="xwzx/sqdt")

    def page_goes_on(*ns: int, column: str = "czjs") -> bool:
        kept = h.list_page([*(h.article(n, column) for n in ns), h.next_page(column)], column=column)
        return any(r.meta["dgportal_kind"] == "list" for r in kept)

    assert page_goes_on(1)  # first all-known page
    assert page_goes_on(9)  # an unknown entry: the count starts again
    assert page_goes_on(2)
    assert page_goes_on(11, column="sqdt")  # another column counts on its own
    assert not page_goes_on(3)  # second all-known page in a row
    assert h.stat("dgportal/column/czjs/stopped_early") == 1
    assert h.stat("dgportal/column/sqdt/stopped_early") is None


def test_a_page_without_articles_does_not_count_as_known(harness: Harness) -> None:
    next_page = harness.next_page()
    assert harness.list_page([next_page]) == [next_page]


@pytest.mark.parametrize("mode", ["full", "resume"])
def test_full_and_resume_read_every_list_page(make, mode: str) -> None:
    h = make(mode)
    h.read_whole_list("czjs")
    h.know(2, OLD, etag=ETAG)
    h.know(3, OLD)
    kept = h.list_page([h.article(2), h.article(3), h.next_page()])
    if mode == "full":  # every known article re-checked, conditionally where it can be
        assert [r.url for r in kept] == [article_url(2), article_url(3), NEXT_URL]
        assert conditional_headers(kept[0])["If-None-Match"] == ETAG
        assert h.stat("dgportal/skipped_known") is None
    else:  # resume: old known ones skipped
        assert [r.url for r in kept] == [NEXT_URL]
        assert h.stat("dgportal/skipped_known") == 2
    assert h.stat("dgportal/column/czjs/stopped_early") is None


def test_only_list_responses_are_filtered(harness: Harness) -> None:
    harness.know(2, OLD)
    outputs = [harness.article(2), {"an": "item"}]
    assert harness.list_page(outputs, kind="article") == outputs


def test_full_mode_rechecks_known_articles_the_lists_no_longer_show(make) -> None:
    h = make("full", spider_kwargs={"columns": "czjs", "since": "2023-01-01"},
             DGPORTAL_BASE_URL="http://127.0.0.1:8800/houjie/")
    h.know(1, OLD)  # listed below: not re-checked a second time
    h.know(2, OLD, etag=ETAG, last_modified=LAST_MODIFIED)  # unlisted: re-checked on the replica's host
    h.know(3, OLD, withdrawn=True)  # already known to be gone
    h.know(4, OLD, column_path="xwzx/hjyw")  # a column not crawled
    h.know(5, "2022-06-01T09:00:00+08:00")  # before --since
    h.know(6, None)  # undated: in range
    h.archive.state.record_fetch("houjie:url:/houjie/other.html", BASE + "other.html", text_sha256="0" * 64,
                                 revision=1, etag=None, last_modified=None, status=200, published_at=OLD,
                                 seen_at="2025-12-31T00:00:00Z")  # in no column
    listed = h.run.requests.article("http://127.0.0.1:8800/houjie/tsjh/czjs/content/post_1.html",
                                    h.run.profile.column("czjs"))
    h.list_page([listed])
    rechecks = list(h.mw._unlisted_rechecks())
    replica = "http://127.0.0.1:8800/houjie/tsjh/czjs/content/post_{}.html"
    assert [r.url for r in rechecks] == [replica.format(2), replica.format(6)]
    assert conditional_headers(rechecks[0]) == {"If-None-Match": ETAG, "If-Modified-Since": LAST_MODIFIED}
    assert all(r.meta["dgportal_column"] == "czjs" and r.callback == h.crawler.spider.parse_article
               for r in rechecks)


def test_incremental_mode_rechecks_only_young_unlisted_articles(make) -> None:
    h = make()
    h.know(2, OLD)
    h.know(3, YOUNG)
    assert [r.url for r in h.mw._unlisted_rechecks()] == [article_url(3)]


def test_resume_mode_rechecks_nothing_unlisted(make) -> None:
    h = make("resume")
    h.know(3, YOUNG)
    assert list(h.mw._unlisted_rechecks()) == []


def test_a_known_article_this_run_reached_by_a_redirect_is_a_duplicate_when_listed_later(harness: Harness) -> None:
    """An article listed early redirects to one listed on a later page, which this run stores
    first: by the time that page is read the state knows it, and it must count as the
    duplicate it is (one line, one duplicate), not as an article known from an earlier run."""
    hop = harness.article(5)  # what an article's redirect yields
    assert harness.list_page([hop], kind="article") == [hop]
    harness.know(5, OLD)  # stored by this run
    harness.know(6, OLD)  # stored by an earlier run
    assert harness.list_page([harness.article(5), harness.article(6)]) == []
    assert harness.stat("dgportal/column/czjs/duplicate") == harness.stat("dgportal/duplicate") == 1
    assert harness.stat("dgportal/column/czjs/skipped_known") == 1
