"""Every listed article ends in exactly one counted outcome, redirects or not: loops (A→B→A),
self-redirects and malformed ``Location`` headers are counted failures with their reason, a
redirect to another listed article is one stored line and one duplicate. A real crawl over
HTTP on 127.0.0.1 of the replica with a few answers replaced."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from scrapy import Request

from dgportal_crawler.replica import Replica
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.conftest import run_crawl
from tests.crawlers import make_crawler

ORIGIN = "https://www.dg.gov.cn"


class _Redirecting(http.server.BaseHTTPRequestHandler):
    """The replica, except the paths in ``MOVED``: answered 302 to the given Location."""

    replica: ClassVar[Replica]
    MOVED: ClassVar[dict[str, str]] = {}

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path in self.MOVED:
            self.send_response(302)
            self.send_header("Location", self.MOVED[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        answer = self.replica.respond(self.path, dict(self.headers.items()))
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Iterator[dict]:
    replica = Replica(seed=2023, articles=60)
    paths = [r["url"].removeprefix(ORIGIN) for r in replica.ground_truth(ORIGIN) if r["column"] == "hjyw"]
    a1, a2, a3, a4, a5, a6 = paths[:6]
    _Redirecting.replica = replica
    _Redirecting.MOVED = {
        a1: a2, a2: a1,  # A -> B -> A, both listed
        a3: a3,  # to itself
        a4: a5,  # to another listed article
        a6: "http://[::1",  # not a URL
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = tmp_path_factory.mktemp("redirects")
        result = run_crawl(out, "houjie", "--columns", "hjyw",
                           "--base-url", f"http://127.0.0.1:{server.server_address[1]}/houjie/")
    finally:
        server.shutdown()
        server.server_close()
    (report_file,) = (out / "houjie" / "runs").glob("*.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    yield {"report": report, "lines": result.lines(), "code": result.returncode, "paths": paths}


def test_every_listed_article_has_exactly_one_outcome(crawl) -> None:
    column, paths = crawl["report"]["columns"]["hjyw"], crawl["paths"]
    assert column["listed"] == len(paths)
    assert column["new"] + column["duplicate"] + column["failed"] == column["listed"]
    assert (column["failed"], column["duplicate"], column["new"]) == (4, 1, len(paths) - 5)
    assert crawl["code"] == 1  # failures: the run says so


def test_loops_and_bad_locations_are_failures_with_their_reason(crawl) -> None:
    totals = crawl["report"]["totals"]
    assert totals["dgportal/failed/article/redirect_loop"] == 3  # A->B->A twice, A->A once
    assert totals["dgportal/failed/article/bad_location"] == 1


def test_a_redirect_to_another_listed_article_stores_it_once(crawl) -> None:
    paths = crawl["paths"]
    ids = [line["id"] for line in crawl["lines"]]
    assert len(ids) == len(set(ids)) == len(paths) - 5
    post = {p: "houjie:" + p.rsplit("_", 1)[1].removesuffix(".html") for p in paths}
    assert post[paths[4]] in ids  # a5, reached twice, stored once
    assert not {post[p] for p in (paths[0], paths[1], paths[2], paths[3], paths[5])} & set(ids)


def test_an_article_request_the_duplicate_filter_drops_is_counted() -> None:
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_ARCHIVE_ROOT": ""})
    spider = crawler.spider
    column = spider.run.profile.column("hjyw")
    spider.request_dropped(spider.run.requests.article(ORIGIN + "/houjie/xwzx/hjyw/content/post_1.html", column))
    spider.request_dropped(Request(ORIGIN + "/houjie/xwzx/hjyw/index_2.html", meta={"dgportal_kind": "other"}))
    stats = crawler.stats.get_stats()
    assert (stats["dgportal/column/hjyw/duplicate"], stats["dgportal/duplicate"]) == (1, 1)


def test_a_next_page_link_back_to_a_page_read_is_a_failed_list_page_and_the_run_says_so() -> None:
    from scrapy.http import HtmlResponse

    from dgportal_crawler.outcome import ExitCode, decide

    crawler = make_crawler(HoujieSpider, {"DGPORTAL_ARCHIVE_ROOT": ""})
    spider = crawler.spider
    column = spider.run.profile.column("hjyw")
    replica = Replica(seed=2023, articles=150)
    first, second = (ORIGIN + "/houjie/xwzx/hjyw/" + name for name in ("index.html", "index_2.html"))
    page_1 = replica.respond(first.removeprefix(ORIGIN)).body
    # page 2 whose next-page link points back at page 1
    page_2 = replica.respond(second.removeprefix(ORIGIN)).body.replace(b"index_3.html", b"index.html")
    out_1 = list(spider.parse_list(HtmlResponse(first, body=page_1, encoding="utf-8"), column=column, page=1))
    assert [r.url for r in out_1 if r.meta["dgportal_kind"] == "list"] == [second]
    (next_request,) = [r for r in out_1 if r.meta["dgportal_kind"] == "list"]
    out_2 = list(spider.parse_list(HtmlResponse(second, body=page_2, encoding="utf-8", request=next_request),
                                   column=column, page=2))
    assert not [r for r in out_2 if r.meta["dgportal_kind"] == "list"]
    stats = crawler.stats.get_stats()
    assert (stats["dgportal/column/hjyw/list_failed"], stats["dgportal/failed/list/repeated"]) == (1, 1)
    assert decide({**stats, "finish_reason": "finished"}, ["hjyw"]).code == ExitCode.ATTENTION


def test_a_list_page_asked_for_again_without_a_redirect_is_resumes_restart() -> None:
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_ARCHIVE_ROOT": ""})
    spider = crawler.spider
    column = spider.run.profile.column("hjyw")
    spider.request_dropped(spider.list_request(ORIGIN + "/houjie/xwzx/hjyw/index_2.html", column, 2))
    assert not [k for k in crawler.stats.get_stats() if "list" in k]


def test_a_list_page_redirected_back_to_page_1_fails_the_column_with_exit_1(tmp_path) -> None:
    replica = Replica(seed=2023, articles=60)
    _Redirecting.replica = replica
    _Redirecting.MOVED = {"/houjie/xwzx/hjyw/index_2.html": "/houjie/xwzx/hjyw/index.html"}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_crawl(tmp_path, "houjie", "--columns", "hjyw",
                           "--base-url", f"http://127.0.0.1:{server.server_address[1]}/houjie/")
    finally:
        server.shutdown()
        server.server_close()
    (report_file,) = (tmp_path / "houjie" / "runs").glob("*.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["totals"]["dgportal/failed/list/redirect_loop"] == 1
    assert report["columns"]["hjyw"]["coverage"] != "complete"
    assert result.returncode == 1 and "was read already in this run" in result.stderr
