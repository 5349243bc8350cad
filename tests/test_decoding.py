"""The content-decoding downloader middleware on its own: when it is built, what it asks for,
what it leaves alone, the response class of a decoded body, and the per-request size limit.
(The table it shares with the archive tools is tested in tests/store/test_store_content_encoding.py.)"""

from __future__ import annotations

import gzip
import logging

import pytest
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.utils.test import get_crawler

from dgportal_crawler.decoding import UNDECODABLE, ContentDecodingMiddleware
from dgportal_crawler.store.content_encoding import accept_encoding

URL = "http://127.0.0.1/houjie/a.html"
PAGE = "<html><head><meta charset='gbk'></head><body><p>厚街镇召开会议</p></body></html>".encode("gbk")


def middleware(**settings) -> ContentDecodingMiddleware:
    crawler = get_crawler(settings_dict=settings)
    crawler._apply_settings()
    return ContentDecodingMiddleware.from_crawler(crawler)


def test_it_is_not_built_when_compression_is_disabled() -> None:
    crawler = get_crawler(settings_dict={"COMPRESSION_ENABLED": False})
    with pytest.raises(NotConfigured):
        ContentDecodingMiddleware.from_crawler(crawler)


def test_its_size_limit_is_download_maxsize() -> None:
    assert middleware(DOWNLOAD_MAXSIZE=12345).max_size == 12345


def test_a_request_asks_for_the_table_codings_unless_it_names_its_own() -> None:
    plain, own = Request(URL), Request(URL, headers={"Accept-Encoding": "identity"})
    mw = middleware()
    mw.process_request(plain)
    mw.process_request(own)
    assert plain.headers["Accept-Encoding"] == accept_encoding().encode()
    assert own.headers["Accept-Encoding"] == b"identity"


def test_a_response_without_content_encoding_is_passed_on_untouched() -> None:
    response = Response(URL, body=b"plain")
    assert middleware().process_response(Request(URL), response) is response


def test_the_answer_to_a_head_request_is_passed_on_untouched() -> None:
    response = Response(URL, body=b"", headers={"Content-Encoding": "gzip"})
    assert middleware().process_response(Request(URL, method="HEAD"), response) is response


def test_a_decoded_html_body_finds_its_charset_in_the_page_not_the_old_response() -> None:
    response = Response(URL, body=gzip.compress(PAGE),
                        headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    decoded = middleware().process_response(Request(URL), response)
    assert isinstance(decoded, HtmlResponse) and decoded.encoding == "gb18030"  # w3lib reads gbk as its superset
    assert "厚街镇召开会议" in decoded.text and b"Content-Encoding" not in decoded.headers


def test_a_decoded_binary_body_stays_a_plain_response() -> None:
    pdf = b"%PDF-1.4\n\x00\x01\x02\xff\xfe"  # binary: Scrapy sniffs a text-like body as text
    response = Response("http://127.0.0.1/houjie/a.pdf", body=gzip.compress(pdf),
                        headers={"Content-Encoding": "gzip", "Content-Type": "application/pdf"})
    decoded = middleware().process_response(Request(response.url), response)
    assert not isinstance(decoded, TextResponse) and decoded.body == pdf


def test_a_requests_own_size_limit_wins_over_the_setting(caplog) -> None:
    mw = middleware(DOWNLOAD_MAXSIZE=10 * 2**20)
    response = Response(URL, body=gzip.compress(bytes(4096)), headers={"Content-Encoding": "gzip"})
    with caplog.at_level(logging.WARNING), pytest.raises(IgnoreRequest, match=f"^{URL}: body not decoded"):
        mw.process_response(Request(URL, meta={"download_maxsize": 1024}), response)
    assert mw.crawler.stats.get_value(UNDECODABLE + "too_large") == 1
    assert [r.getMessage().startswith(f"{URL}: body not decoded") for r in caplog.records] == [True]


def test_the_same_body_under_the_settings_limit_is_decoded() -> None:
    response = Response(URL, body=gzip.compress(bytes(4096)), headers={"Content-Encoding": "gzip"})
    assert middleware(DOWNLOAD_MAXSIZE=10 * 2**20).process_response(Request(URL), response).body == bytes(4096)
