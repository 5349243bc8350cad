"""The downloader middlewares on their own: fetch time from a fixed clock, WARC capture into a real
archive on tmp_path, read back with the WARC reader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response

from dgportal_crawler.extensions.archive import ArchiveSession
from dgportal_crawler.middlewares import FetchTimeMiddleware, SiteBoundsMiddleware, WarcCaptureMiddleware
from dgportal_crawler.spiders.houjie import HoujieSpider
from dgportal_crawler.store.warc_read import iter_records, read_record
from tests.crawlers import make_crawler

RUN_ID = "20260101T000000Z-abcdef"
URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_1.html?from=list"
BODY = "<html><body><p>厚街镇完成新一批道路提升工程</p></body></html>".encode()
ARCHIVE = {"dgportal_crawler.extensions.archive.ArchiveSession": 100}


def archive_settings(tmp_path: Path, **extra: Any) -> dict[str, Any]:
    return {"DGPORTAL_ARCHIVE_ROOT": str(tmp_path), "DGPORTAL_CLOCK": "fixed:2026-01-01T00:00:00Z",
            "DGPORTAL_RUN_ID": RUN_ID, "EXTENSIONS": ARCHIVE, **extra}


@pytest.fixture
def capture(tmp_path: Path) -> Iterator[tuple[WarcCaptureMiddleware, Any]]:
    crawler = make_crawler(HoujieSpider, archive_settings(tmp_path))
    yield WarcCaptureMiddleware.from_crawler(crawler), crawler
    session = crawler.get_extension(ArchiveSession)
    if session.archive is not None:
        session.archive.close()


@pytest.mark.parametrize(
    ("clock", "expected"),
    [("fixed:2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
     ("fixed:2026-01-01T08:00:00.750+08:00", "2026-01-01T00:00:00Z"),  # to UTC, to the second
     ("fixed:2025-06-30T23:59:59", "2025-06-30T23:59:59Z")],  # no zone: taken as UTC
)
def test_fetch_time_is_stamped_from_the_clock(clock: str, expected: str) -> None:
    mw = FetchTimeMiddleware.from_crawler(make_crawler(HoujieSpider, {"DGPORTAL_CLOCK": clock}))
    request = Request(URL)
    response = HtmlResponse(URL, body=BODY, request=request)
    assert mw.process_response(request, response) is response
    assert request.meta["dgportal_fetched_at"] == expected
    assert response.meta["dgportal_fetched_at"] == expected


def test_the_exchange_is_captured_and_read_back(capture, tmp_path: Path) -> None:
    mw, _ = capture
    request = Request(URL, headers={"User-Agent": "dgportal-crawler/test", "Accept": "text/html"})
    response = HtmlResponse(URL, status=200, body=BODY, request=request,
                            headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"5f3c"',
                                     "Transfer-Encoding": "chunked"})
    assert mw.process_response(request, response) is response
    ref = request.meta["dgportal_warc"]
    assert ref["file"] == f"warc/{RUN_ID}-00001.warc.gz"
    assert ref["record_id"].startswith("<urn:uuid:")
    site = tmp_path / "houjie"
    headers, status, body = read_record(site, ref)
    assert (status, body) == (200, BODY)
    # the body is stored de-chunked, so the chunked framing header is not kept
    assert headers == {"Content-Type": "text/html; charset=utf-8", "Etag": '"5f3c"'}
    records = [(r.rec_type, r.target_uri, r.headers) for _, r in iter_records(site / "warc", on_torn=pytest.fail)]
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    assert records[2][1] == URL
    assert records[2][2] == {"User-Agent": "dgportal-crawler/test", "Accept": "text/html"}


def test_each_exchange_gets_its_own_record(capture, tmp_path: Path) -> None:
    mw, _ = capture
    refs = []
    for n, status in ((1, 404), (2, 299)):  # 299 has no reason phrase
        url = URL.replace("post_1", f"post_{n}")
        request = Request(url)
        mw.process_response(request, Response(url, status=status, body=f"answer {n}".encode(), request=request))
        refs.append(request.meta["dgportal_warc"])
    assert refs[0]["offset"] < refs[1]["offset"] and refs[0]["record_id"] != refs[1]["record_id"]
    assert read_record(tmp_path / "houjie", refs[0])[1:] == (404, b"answer 1")
    assert read_record(tmp_path / "houjie", refs[1])[1:] == (299, b"answer 2")


def test_the_warcinfo_names_the_run(capture, tmp_path: Path) -> None:
    mw, _ = capture
    request = Request(URL)
    mw.process_response(request, HtmlResponse(URL, body=BODY, request=request))
    _, info = next(iter_records(tmp_path / "houjie" / "warc", on_torn=pytest.fail))
    assert info.rec_type == "warcinfo"
    assert f"run_id: {RUN_ID}\r\n".encode() in info.body


def test_off_when_warc_is_off(tmp_path: Path) -> None:
    crawler = make_crawler(HoujieSpider, archive_settings(tmp_path, DGPORTAL_WARC=False))
    with pytest.raises(NotConfigured, match="DGPORTAL_WARC is off"):
        WarcCaptureMiddleware.from_crawler(crawler)
    assert not any(tmp_path.iterdir())


class OtherSpider(scrapy.Spider):
    name = "other"


@pytest.mark.parametrize("spider", [HoujieSpider, OtherSpider])
def test_off_without_an_archive(tmp_path: Path, spider) -> None:
    values = archive_settings(tmp_path)
    if spider is HoujieSpider:
        del values["EXTENSIONS"]  # our spider, but no archive session
    with pytest.raises(NotConfigured):
        WarcCaptureMiddleware.from_crawler(make_crawler(spider, values))


# -- SiteBoundsMiddleware -----------------------------------------------------------------------
REPLICA = "http://127.0.0.1:8800/houjie/"


def bounds(base_url: str | None = None) -> SiteBoundsMiddleware:
    values = {"DGPORTAL_BASE_URL": base_url} if base_url else {}
    return SiteBoundsMiddleware.from_crawler(make_crawler(HoujieSpider, values))


def ours(url: str, kind: str = "article") -> Request:
    return Request(url, meta={"dgportal_kind": kind, "dgportal_column": "czjs"}, cb_kwargs={"column": "czjs"})


@pytest.mark.parametrize(
    ("base_url", "url"),
    [(REPLICA, "http://127.0.0.1:8800/houjie/a.html"), (REPLICA, "http://127.0.0.1:8800/robots.txt"),
     (None, "https://www.dg.gov.cn/houjie/xwzx/hjyw/content/post_1.html")],
)
def test_a_request_to_the_site_passes(base_url, url) -> None:
    mw = bounds(base_url)
    assert mw.process_request(Request(url)) is None
    assert mw.crawler.stats.get_value("dgportal/requests_rebased") is None


def test_a_request_to_a_moved_replica_goes_to_the_replica_now() -> None:
    mw = bounds(REPLICA)
    old = ours("http://127.0.0.1:40211/houjie/tsjh/czjs/content/post_1.html?x=1", "list")
    moved = mw.process_request(old)
    assert moved.url == "http://127.0.0.1:8800/houjie/tsjh/czjs/content/post_1.html?x=1"
    assert moved.meta == old.meta and moved.cb_kwargs == old.cb_kwargs
    assert mw.crawler.stats.get_value("dgportal/requests_rebased") == 1


@pytest.mark.parametrize("url", ["http://www.dg.gov.cn/houjie/a.html", "https://www.dg.gov.cn:8443/houjie/a.html"])
def test_the_sites_host_at_another_scheme_or_port_is_moved_to_the_profiles(url) -> None:
    mw = bounds()
    assert mw.process_request(ours(url)).url == "https://www.dg.gov.cn/houjie/a.html"
    assert mw.crawler.stats.get_value("dgportal/requests_rebased") == 1


@pytest.mark.parametrize(
    ("base_url", "url", "why"),
    [
        (None, "file:///etc/passwd", "scheme"),
        (None, "ftp://www.dg.gov.cn/houjie/a.pdf", "scheme"),
        (None, "data:text/html,<p>x</p>", "scheme"),
        (None, "https://example.invalid/houjie/a.html", "offsite"),
        (None, "https://dg.gov.cn/houjie/a.html", "offsite"),
        (REPLICA, "https://www.dg.gov.cn/houjie/a.html", "offsite"),
        (REPLICA, "http://localhost:8800/houjie/a.html", "offsite"),  # another name for it is another host
    ],
)
def test_anything_else_is_refused_and_counted(base_url, url, why) -> None:
    mw = bounds(base_url)
    with pytest.raises(IgnoreRequest, match=r"^refused "):
        mw.process_request(ours(url))
    assert mw.crawler.stats.get_value(f"dgportal/refused/{why}") == 1
    assert mw.crawler.stats.get_value("dgportal/requests_rebased") is None


def test_site_bounds_are_off_for_someone_elses_spider() -> None:
    with pytest.raises(NotConfigured):
        SiteBoundsMiddleware.from_crawler(make_crawler(OtherSpider))
