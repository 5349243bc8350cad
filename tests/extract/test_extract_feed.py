"""Column feeds (/postmeta/i/<id>.json) read into list entries; URLs moved onto a replica."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.feed import feed_url, parse_feed, rebase

URL = "https://www.dg.gov.cn/postmeta/i/9149.json"


def _feed(articles, **extra) -> bytes:
    return json.dumps({"articles": articles, **extra}, ensure_ascii=False).encode("utf-8")


def test_entries_keep_order_absolute_urls_and_dates_from_text_or_epoch():
    feed = parse_feed(_feed([
        {"title": "甲", "url": "/houjie/a/content/post_1.html", "created_at": "2023-02-27 10:14:00"},
        # 1677430800 is 2023-02-27 01:00 in Beijing, still the 26th in UTC
        {"title": "乙", "url": "https://www.dg.gov.cn/houjie/a/content/post_2.html", "date": 1677430800},
    ], children=[{"id": 9150}, 9151]), URL)
    assert [(e.url, e.title, e.date) for e in feed.entries] == [
        ("https://www.dg.gov.cn/houjie/a/content/post_1.html", "甲", dt.date(2023, 2, 27)),
        ("https://www.dg.gov.cn/houjie/a/content/post_2.html", "乙", dt.date(2023, 2, 27)),
    ]
    assert feed.children == [9150, 9151]


@pytest.mark.parametrize(("extra", "name", "children"), [
    ({"name": " 专题专栏 ", "children": [9150, True, "9151", 9152]}, "专题专栏", [9150, 9152]),
    ({"name": 7, "children": "9150"}, "", []),
    ({}, "", []),
])
def test_a_feeds_name_and_children_are_kept_and_anything_else_dropped(extra, name, children):
    feed = parse_feed(_feed([], **extra), URL)
    assert (feed.name, feed.children, feed.entries) == (name, children, [])


def test_entries_without_a_url_are_counted_and_duplicates_dropped():
    feed = parse_feed(_feed([{"title": "x"}, {"url": "javascript:void(0)"},
                             {"url": "/a/content/post_1.html"}, {"url": "/a/content/post_1.html"}]), URL)
    assert len(feed.entries) == 1 and feed.skipped == 2


@pytest.mark.parametrize("body", [b"<html>404</html>", b'{"data": []}', b"\xff\xfe", b'["x"]'])
def test_a_body_that_is_not_a_feed_is_an_extraction_error(body):
    with pytest.raises(ExtractionError):
        parse_feed(body, URL)


def test_rebase_moves_the_real_host_onto_the_base_only_under_its_path():
    base = "http://127.0.0.1:8800/houjie/"
    assert rebase("https://www.dg.gov.cn/houjie/a/content/post_1.html", base) == \
        "http://127.0.0.1:8800/houjie/a/content/post_1.html"
    assert rebase("https://www.dg.gov.cn/humen/a/post_1.html", base) == "https://www.dg.gov.cn/humen/a/post_1.html"
    assert feed_url(base, 9149) == "http://127.0.0.1:8800/postmeta/i/9149.json"
