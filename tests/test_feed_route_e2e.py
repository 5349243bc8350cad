"""End to end: a column with ``feed = N`` takes its articles from the feed, and falls back
to its HTML list when the feed answers 404 or lists nothing; the report names the route."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dgportal_crawler.profile import builtin_profile_path
from dgportal_crawler.replica.portal import EMPTY_FEED
from tests.conftest import CrawlResult, run_crawl


def _profile_with_feed(tmp_path: Path, feed: int) -> Path:
    text = builtin_profile_path("houjie").read_text(encoding="utf-8")
    marker = 'path = "zwgk/tzgg/"\n'
    assert marker in text
    path = tmp_path / "houjie-feed.toml"
    path.write_text(text.replace(marker, marker + f"feed = {feed}\n"), encoding="utf-8")
    return path


def _crawl(tmp_path: Path, replica_server, feed: int) -> CrawlResult:
    profile = _profile_with_feed(tmp_path, feed)
    return run_crawl(tmp_path / "archive", str(profile), "--base-url", replica_server.base_url,
                     "--columns", "tzgg")


def _report(result: CrawlResult) -> dict:
    reports = sorted((result.out / "houjie" / "runs").glob("*.json"))
    return json.loads(reports[-1].read_text(encoding="utf-8"))["columns"]["tzgg"]


@pytest.fixture(scope="module")
def notices(replica, replica_server) -> dict[str, dict]:
    return {a["id"]: a for a in replica.ground_truth(replica_server.origin) if a["column"] == "tzgg"}


def test_the_feed_route_stores_the_column_without_reading_a_list_page(tmp_path, replica_server, notices):
    result = _crawl(tmp_path, replica_server, 9149)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.lines()
    assert sorted(line["id"] for line in lines) == sorted(notices)
    for line in lines:
        truth = notices[line["id"]]
        assert (line["url"], line["title"], line["published_at"], line["column_path"]) == \
            (truth["url"], truth["title"], truth["published_at"], truth["column_path"])
    report = _report(result)
    # one list page is read to compare: the replica's feed lacks the column's newest article,
    # which the crawl notices, counts and fetches from the list
    assert report["route"] == "feed" and report["list_pages"] == 1
    assert report["feed_disagreements"] == {"list_only": 1, "feed_only": 0}
    newest = max(notices.values(), key=lambda a: a["published_at"])
    assert newest["id"] in {line["id"] for line in lines}
    assert "feed 9149" in result.stderr  # the end-of-run table names the route


@pytest.mark.parametrize(("feed", "reason"), [(1, "HTTP 404"), (EMPTY_FEED, "the feed lists no article")])
def test_a_failed_or_empty_feed_falls_back_to_the_list(tmp_path, replica_server, notices, feed, reason):
    result = _crawl(tmp_path, replica_server, feed)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(line["id"] for line in result.lines()) == sorted(notices)
    report = _report(result)
    assert report["route"] == "list (feed failed)" and report["list_pages"] >= 1
    log = next((result.out / "houjie" / "runs").glob("*.log")).read_text(encoding="utf-8")
    assert f"column tzgg: feed {feed} not used ({reason}); reading the HTML list instead" in log
