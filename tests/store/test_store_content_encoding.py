"""The content-coding table: what the crawl advertises is exactly what the archive tools can
undo, stacked codings are undone in reverse, and nothing undecodable turns into text."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from backports import zstd
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from dgportal_crawler.addon import DgportalAddon
from dgportal_crawler.decoding import ContentDecodingMiddleware
from dgportal_crawler.store.content_encoding import (
    ContentEncodingError,
    accept_encoding,
    available,
    codings,
    decode_body,
    header_value,
)

PAGE = "<html><body><p>厚街镇召开会议，部署今年的重点工作。</p></body></html>".encode()
ENCODERS = {"gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": zlib.compress,
            "br": brotli.compress, "zstd": zstd.compress, "identity": lambda b: b}


def encoded(header: str, body: bytes) -> bytes:
    for name in codings(header):
        body = ENCODERS[name](body)
    return body


@pytest.mark.parametrize("header", ["gzip", "x-gzip", "deflate", "br", "zstd", "identity", "",
                                    "gzip, br", "br, gzip", "zstd, gzip, br", "BR", " gzip ,zstd "])
def test_every_coding_and_stack_decodes_back_to_the_page(header: str) -> None:
    assert decode_body(header, encoded(header, PAGE)) == PAGE


def test_raw_deflate_without_the_zlib_wrapper_is_read_too() -> None:
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert decode_body("deflate", raw.compress(PAGE) + raw.flush()) == PAGE


@pytest.mark.parametrize(("header", "body", "reason"), [
    ("compress", b"\x1f\x9d\x90abc", "unknown"),
    ("gzip, sdch", b"abc", "unknown"),
    ("br", b"plain text, not brotli", "damaged"),
    ("zstd", b"plain text, not zstd", "damaged"),
    ("gzip", gzip.compress(PAGE)[:-12], "damaged"),  # cut in the deflate stream
    ("br", brotli.compress(PAGE * 50)[:40], "damaged"),
])
def test_an_unknown_or_damaged_body_is_an_error_with_a_reason(header: str, body: bytes, reason: str) -> None:
    with pytest.raises(ContentEncodingError) as info:
        decode_body(header, body)
    assert info.value.reason == reason


@pytest.mark.parametrize("name", ["gzip", "deflate", "br", "zstd"])
def test_a_compression_bomb_stops_at_the_size_limit(name: str) -> None:
    bomb = ENCODERS[name](b"\0" * (8 * 2**20))  # 8 MiB of zeros is a few kilobytes compressed
    assert len(bomb) < 64 * 1024
    with pytest.raises(ContentEncodingError) as info:
        decode_body(name, bomb, max_size=2**20)
    assert info.value.reason == "too_large"


def test_the_advertised_codings_are_the_decodable_ones_without_aliases() -> None:
    assert available() == ["gzip", "x-gzip", "deflate", "br", "zstd", "identity"]
    assert accept_encoding() == "gzip, deflate, br, zstd"


def crawl_middleware(settings: dict | None = None) -> ContentDecodingMiddleware:
    crawler = get_crawler(settings_dict={"ADDONS": {DgportalAddon: 0}, **(settings or {})})
    crawler._apply_settings()
    middlewares = crawler.settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["dgportal_crawler.decoding.ContentDecodingMiddleware"] == 590
    assert middlewares["scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"] is None
    return ContentDecodingMiddleware.from_crawler(crawler)


def test_the_crawl_advertises_the_same_codings() -> None:
    request = Request("http://127.0.0.1/a.html")
    crawl_middleware().process_request(request)
    assert request.headers["Accept-Encoding"] == accept_encoding().encode()


@pytest.mark.parametrize("header", [*accept_encoding().split(", "), "gzip, br", "br, zstd"])
def test_the_crawl_decodes_with_the_same_table(header: str) -> None:
    request = Request("http://127.0.0.1/a.html")
    response = Response("http://127.0.0.1/a.html", body=encoded(header, PAGE),
                        headers={"Content-Encoding": header, "Content-Type": "text/html; charset=utf-8"})
    decoded = crawl_middleware().process_response(request, response)
    assert isinstance(decoded, HtmlResponse) and decoded.body == PAGE
    assert "Content-Encoding" not in decoded.headers


@pytest.mark.parametrize(("header", "body", "reason"), [
    ("compress", b"\x1f\x9d\x90abc", "unknown"),
    ("br", b"not brotli", "damaged"),
    ("gzip", gzip.compress(bytes(2 * 2**20)), "too_large"),  # a bomb, against a 1 MiB limit
])
def test_the_crawl_refuses_a_body_it_cannot_decode_with_one_counted_line(header, body, reason) -> None:
    middleware = crawl_middleware({"DOWNLOAD_MAXSIZE": 2**20})
    response = Response("http://127.0.0.1/a.html", body=body, headers={"Content-Encoding": header})
    with pytest.raises(IgnoreRequest, match="body not decoded"):
        middleware.process_response(Request("http://127.0.0.1/a.html"), response)
    assert middleware.crawler.stats.get_value(f"dgportal/undecodable/{reason}") == 1


def test_the_header_is_found_whatever_its_case() -> None:
    assert header_value({"Content-Type": "text/html", "CONTENT-ENCODING": "br"}) == "br"
    assert header_value({"content-type": "text/html"}) is None


@settings(max_examples=60, deadline=None)
@given(body=st.binary(max_size=4096), stack=st.lists(st.sampled_from(sorted(ENCODERS)), max_size=4))
def test_any_body_under_any_stack_of_codings_reads_back(body: bytes, stack: list[str]) -> None:
    header = ", ".join(stack)
    assert decode_body(header, encoded(header, body)) == body
