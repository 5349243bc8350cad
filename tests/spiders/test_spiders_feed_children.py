"""The feed route follows a feed's ``children``: fed bytes, no engine. Each tree is walked the
way the engine would (each child feed's answer handed to the callback the request names), so
the tests see every request the walk makes, in order."""

from __future__ import annotations

import json
import logging
import pickle
from pathlib import Path

from scrapy import Request
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.request import request_from_dict
from twisted.python.failure import Failure

from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler
from tests.spiders.spider_helpers import FEED, ORIGIN, response_of, write_profile

TZGG = f"{ORIGIN}/houjie/zwgk/tzgg/"


def post(n: int) -> str:
    return f"{TZGG}content/post_{n:07d}.html"


def feed(posts: list[int], children: list[int]) -> bytes:
    articles = [{"url": post(n), "title": f"第{n}篇", "created_at": "2024-03-01 10:00:00"} for n in posts]
    return json.dumps({"articles": articles, "children": children}).encode()


def spider_for(tmp_path: Path, settings: dict | None = None, other_feed: int | None = None) -> HoujieSpider:
    profile = write_profile(tmp_path)
    if other_feed is not None:  # a second crawled column with a feed of its own
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text.replace('path = "xwzx/hjyw/"\n', f'path = "xwzx/hjyw/"\nfeed = {other_feed}\n'),
                           encoding="utf-8")
    values = {"DGPORTAL_PROFILE": str(profile), "DGPORTAL_ARCHIVE_ROOT": "", **(settings or {})}
    return make_crawler(HoujieSpider, values).spider


def _not_found(request: Request) -> Failure:
    failure = Failure(HttpError(response_of(request, b"", status=404), "Ignoring"))
    failure.request = request  # type: ignore[attr-defined]
    return failure


def walk(spider: HoujieSpider, feeds: dict[int, bytes | None]) -> tuple[list[Request], list[int]]:
    """Every request the column tzgg's walk makes, and the child feeds it asked for, in order;
    a feed mapped to None answers 404."""
    first = spider.first_request(spider.run.profile.column("tzgg"))
    pending = list(spider.parse_feed(response_of(first, feeds[FEED]), **first.cb_kwargs))
    out, asked = [], []
    while pending:
        request = pending.pop(0)
        if request.callback != spider.parse_child_feed:
            out.append(request)
            continue
        feed_id = request.cb_kwargs["feed_id"]
        asked.append(feed_id)
        body = feeds.get(feed_id)
        pending += list(spider.child_feed_failed(_not_found(request)) if body is None
                        else spider.parse_child_feed(response_of(request, body), **request.cb_kwargs))
    return out, asked


def stat(spider: HoujieSpider, counter: str) -> int | None:
    return spider.crawler.stats.get_value(f"dgportal/column/tzgg/{counter}")


def articles(requests: list[Request]) -> list[str]:
    return [r.url for r in requests if r.meta["dgportal_kind"] == "article"]


def test_children_are_read_once_each_and_their_articles_asked_for_once(tmp_path) -> None:
    spider = spider_for(tmp_path)
    tree = {FEED: feed([1, 2], [20, 21, FEED]),  # names itself
            20: feed([2, 3], [FEED, 22, 20]),  # names its parent and itself again; 2 is in the parent too
            21: None,  # 404
            22: feed([4], [])}
    out, asked = walk(spider, tree)
    assert asked == [20, 21, 22]
    assert articles(out) == [post(1), post(2), post(3), post(4)]
    assert (stat(spider, "feed_children"), stat(spider, "feed_child_unread"), stat(spider, "feed_repeated")) == \
        (2, 1, 1)
    assert (stat(spider, "feed_route"), stat(spider, "listed"), stat(spider, "feed_fallback")) == (1, 4, None)
    # the list is compared with the column feed's own articles only: the children's live elsewhere
    [compare] = [r for r in out if r.callback == spider.compare_with_list]
    assert set(compare.cb_kwargs["feed"]) == {post(1), post(2)} and out[-1] is compare


def test_children_are_followed_down_to_the_depth_setting(tmp_path) -> None:
    spider = spider_for(tmp_path, {"DGPORTAL_FEED_MAX_DEPTH": 2})
    tree = {FEED: feed([1], [30]), 30: feed([2], [31]), 31: feed([3], [32]), 32: feed([4], [])}
    out, asked = walk(spider, tree)
    assert asked == [30, 31] and articles(out) == [post(1), post(2), post(3)]
    (tmp_path / "default").mkdir()
    deeper, _ = walk(spider_for(tmp_path / "default"), tree)
    assert articles(deeper) == [post(1), post(2), post(3), post(4)]  # the default, 3 levels, reaches 32


def test_a_child_that_is_another_crawled_columns_feed_is_left_to_it(tmp_path, caplog) -> None:
    spider = spider_for(tmp_path, other_feed=40)
    with caplog.at_level(logging.INFO):
        out, asked = walk(spider, {FEED: feed([1], [40, 41]), 41: feed([2], [])})
    assert asked == [41] and articles(out) == [post(1), post(2)]
    assert stat(spider, "feed_child_elsewhere") == 1
    assert "column tzgg: child feed 40 is column hjyw's own feed; its articles go there" in caplog.text


def test_failed_or_empty_children_are_counted_and_named_in_one_warning(tmp_path, caplog) -> None:
    spider = spider_for(tmp_path)
    tree = {FEED: feed([1], [50, 51, 52]), 50: None, 51: feed([], []), 52: b"<html>no feed</html>"}
    with caplog.at_level(logging.WARNING):
        out, asked = walk(spider, tree)
    assert asked == [50, 51, 52] and articles(out) == [post(1)]
    assert stat(spider, "feed_child_unread") == 3 and stat(spider, "list_failed") is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["column tzgg: 3 child feeds of feed 9149 not read (50, 51, 52); the column has what "
                        "the others list"]


def test_a_tree_that_names_no_article_falls_back_to_the_list(tmp_path, caplog) -> None:
    spider = spider_for(tmp_path)
    with caplog.at_level(logging.WARNING):
        out, asked = walk(spider, {FEED: feed([], [60, 61]), 60: None, 61: feed([], [])})
    assert asked == [60, 61]
    [fallback] = out
    assert (fallback.url, fallback.callback, fallback.cb_kwargs["page"]) == (TZGG + "index.html", spider.parse_list, 1)
    assert (stat(spider, "feed_fallback"), stat(spider, "feed_route")) == (1, None)
    assert "feed 9149 not used (neither the feed nor its child feeds list an article on the site)" in caplog.text


def test_the_walk_survives_the_trip_through_a_distributed_frontier(tmp_path) -> None:
    # a distributed crawl pickles each request (cb_kwargs included) into Redis; the worker
    # that reads the next child feed must see what the walk asked for already
    spider = spider_for(tmp_path)
    first = spider.first_request(spider.run.profile.column("tzgg"))
    out = list(spider.parse_feed(response_of(first, feed([1, 2], [70, 71])), **first.cb_kwargs))
    [child] = [r for r in out if r.callback == spider.parse_child_feed]
    # no next page: the incremental filter must not stop the walk on a page of known articles
    assert (child.meta["dgportal_kind"], child.meta["dgportal_feed_walk"], child.dont_filter) == ("list", True, True)
    copy = request_from_dict(pickle.loads(pickle.dumps(child.to_dict(spider=spider))), spider=spider)
    after = list(spider.parse_child_feed(response_of(copy, feed([2, 3], [70])), **copy.cb_kwargs))
    assert articles(after) == [post(3)]
    [next_child] = [r for r in after if r.callback == spider.parse_child_feed]
    assert next_child.cb_kwargs["feed_id"] == 71
