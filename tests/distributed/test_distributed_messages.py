"""What a worker hands the coordinator (:mod:`dgportal_crawler.distributed.messages`): a result
survives dumps/loads whole, a result of another version or no result at all is refused, and
headers travel as the WARC keeps them."""

from __future__ import annotations

import pickle

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.http.headers import Headers

from dgportal_crawler.distributed.messages import (
    VERSION,
    Exchange,
    Result,
    exchange_of,
    header_pairs,
    str_headers,
)

BODY = "<html><body>正文</body></html>".encode()


def page() -> HtmlResponse:
    return HtmlResponse("http://127.0.0.1:8800/houjie/a.html", status=200, body=BODY,
                        headers={"Content-Type": "text/html; charset=utf-8", "Set-Cookie": ["a=1", "b=2"]})


def test_a_response_result_survives_dumps_and_loads_whole():
    exchange = Exchange("http://x/a", "GET", [("User-Agent", "ua")], b"", 200, "OK",
                        [("Content-Type", "text/html")], BODY)
    result = Result.of_response("w1", b"queued bytes", page(), [exchange], "2026-01-01T00:00:00Z")
    result.extracted = {"article": {"id": "a", "title": "标题"}}
    back = Result.loads(result.dumps())
    assert back == result
    assert isinstance(back.exchanges[0], Exchange)
    assert (back.worker, back.frontier, back.url, back.status, back.body) == (
        "w1", b"queued bytes", "http://127.0.0.1:8800/houjie/a.html", 200, BODY)
    assert not back.is_capture and back.failure is None


def test_a_failure_and_a_capture_survive_the_trip_too():
    failed = Result("w2", b"queued", fetched_at=None, failure=("TimeoutError", "took longer than 30 s"))
    assert Result.loads(failed.dumps()).failure == ("TimeoutError", "took longer than 30 s")
    capture = Result("w2", None, [Exchange("http://x/robots.txt", "GET", [], b"", 404, "Not Found", [], b"")])
    back = Result.loads(capture.dumps())
    assert back.is_capture and back.exchanges[0].status == 404 and back.url is None


def test_response_headers_keep_every_value_of_a_repeated_header():
    result = Result.loads(Result.of_response("w1", b"q", page(), [], None).dumps())
    headers = result.response_headers()
    assert isinstance(headers, Headers)
    assert headers.getlist("Set-Cookie") == [b"a=1", b"b=2"]
    assert headers[b"content-type"] == b"text/html; charset=utf-8"


@pytest.mark.parametrize("payload", [
    {"v": VERSION + 1, "worker": "w", "frontier": None, "exchanges": []},  # a newer worker
    {"worker": "w", "frontier": None, "exchanges": []},  # no version at all
    ["not", "a", "dict"],
])
def test_a_result_of_another_version_is_refused_with_one_clear_error(payload):
    with pytest.raises(ValueError, match="not a result of this version of dgportal-crawler"):
        Result.loads(pickle.dumps(payload))


def test_bytes_that_are_no_pickle_at_all_raise_what_the_coordinator_counts_as_unreadable():
    whole = Result("w", None).dumps()
    with pytest.raises(pickle.UnpicklingError):
        Result.loads(whole[: len(whole) // 2])  # cut short in Redis
    with pytest.raises(EOFError):
        Result.loads(b"")


def test_header_pairs_are_latin1_strings_one_per_value_without_transfer_encoding():
    headers = Headers({"Transfer-Encoding": "chunked", "X-Many": ["1", "2"], "Server": b"caf\xe9"})
    assert header_pairs(headers) == [("X-Many", "1"), ("X-Many", "2"), ("Server", "café")]
    assert header_pairs(Headers({"transfer-encoding": "chunked"})) == []


def test_str_headers_are_lower_case_names_with_their_last_value():
    response = Response("http://x/", headers={"Content-Type": ["text/plain", "text/html"], "ETag": '"v1"'})
    assert str_headers(response) == {"content-type": "text/html", "etag": '"v1"'}


def test_an_exchange_keeps_the_request_as_sent_and_the_final_response():
    request = Request("http://x/form", method="POST", body=b"q=1", headers={"User-Agent": "ua"})
    response = Response("http://x/after-redirect", status=201, body=b"made",
                        headers={"Content-Length": "4"}, request=request)
    exchange = exchange_of(request, response, "Created")
    assert exchange == Exchange("http://x/after-redirect", "POST", [("User-Agent", "ua")], b"q=1", 201,
                                "Created", [("Content-Length", "4")], b"made")
    assert exchange_of(Request("http://x/"), Response("http://x/"), "OK").request_body == b""
