"""End to end: a column with ``feed = N`` takes its articles from the feed, and falls back
to its HTML list when the feed answers 404 or lists nothing; the report names the route."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.profile import builtin_profile_path
from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.portal import EMPTY_FEED, PortalReplica
from dgportal_crawler.replica.towns import HJ_SPECIALS
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED, CrawlResult, run_crawl


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


@pytest.fixture(scope="module")
def hj_profile(replica_server, tmp_path_factory) -> Path:
    """hj's profile as discovery writes it: 专题活动 (zthd) reads its own feed, 10282."""
    profile = tmp_path_factory.mktemp("hj") / "hj.toml"
    assert main(["discover", "hj", "--base-url", f"{replica_server.origin}/hj/", "--write", str(profile)]) == 0
    return profile


def test_a_parent_feeds_children_bring_their_articles_to_the_column_once_each(tmp_path, replica_server,
                                                                                hj_profile):

    # the column reads 专题专栏 (10280), which lists nothing itself: its child 10282 lists every
    # 专题活动 article, 10285 (a grandchild) three of them again, 10283 answers 404, 10284 is
    # empty, and 10280 and 10282 name each other
    text = hj_profile.read_text(encoding="utf-8")
    assert text.count("feed = 10282\n") == 1
    profile = tmp_path / "hj-specials.toml"
    profile.write_text(text.replace("feed = 10282\n", f"feed = {HJ_SPECIALS}\n"), encoding="utf-8")
    result = run_crawl(tmp_path / "archive", str(profile), "--columns", "zthd")
    assert result.returncode == 0, result.stderr[-3000:]
    portal = PortalReplica(Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES))
    truth = {a["id"]: a for a in portal.ground_truth("hj", replica_server.origin) if a["column"] == "zthd"}
    ids = [line["id"] for line in result.lines("hj")]
    assert len(ids) == len(set(ids)) and set(ids) == set(truth)
    reports = sorted((result.out / "hj" / "runs").glob("*.json"))
    column = json.loads(reports[-1].read_text(encoding="utf-8"))["columns"]["zthd"]
    assert (column["route"], column["duplicate"], column["failed"]) == ("feed", 0, 0)
    assert column["child_feeds"] == {"read": 2, "unread": 2, "left_to_their_columns": 0, "articles_listed_again": 3}
    assert column["list_pages"] == 0  # 10280 lists nothing of its own to compare with the list
    log = next((result.out / "hj" / "runs").glob("*.log")).read_text(encoding="utf-8")
    assert log.count(f"column zthd: 2 child feeds of feed {HJ_SPECIALS} not read (10283, 10284)") == 1
    assert "ERROR" not in log
