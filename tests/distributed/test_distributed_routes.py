"""A distributed crawl (coordinator + one worker, a real redis-server) of a town whose columns
take other routes than HTML lists: Huangjiang's feed columns, one of them a 专题专栏 feed read
through its children, and its disclosure-platform (gkmlpt) columns. Every article of the
town's answer key is stored once, with the platform's gov_meta, as on one machine
(tests/test_discover_e2e.py, tests/test_feed_route_e2e.py)."""

from __future__ import annotations

import json
from pathlib import Path

from distributed_helpers import Proc, fetched_by, verify, worker

from dgportal_crawler.cli import main
from dgportal_crawler.profile import load_profile
from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.portal import PortalReplica
from dgportal_crawler.replica.towns import HJ_SPECIALS
from tests.archive_helpers import assert_each_stored_once
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED

SITE = "hj"


def hj_profile(origin: str, folder: Path) -> Path:
    """hj's discovered profile, its 专题活动 column reading the parent feed 专题专栏 (whose
    articles all come from its children) instead of its own."""
    found = folder / "hj-found.toml"
    assert main(["discover", SITE, "--base-url", f"{origin}/{SITE}/", "--write", str(found)]) == 0
    text = found.read_text(encoding="utf-8")
    assert text.count("feed = 10282\n") == 1
    profile = folder / "hj.toml"
    profile.write_text(text.replace("feed = 10282\n", f"feed = {HJ_SPECIALS}\n"), encoding="utf-8")
    return profile


def test_a_worker_crawls_feed_and_gkmlpt_columns_storing_every_article_once(redis_url, replica_server, tmp_path):
    profile = hj_profile(replica_server.origin, tmp_path)
    columns = {c.id: c for c in load_profile(profile).columns}
    assert columns["zthd"].feed == HJ_SPECIALS and columns["hjyw"].feed == 10271
    assert sum(c.template == "gkmlpt" for c in columns.values()) == 3
    out = tmp_path / "archive"
    solo = worker(redis_url, "solo", tmp_path)
    try:
        crawl = Proc(["crawl", str(profile), "--redis", redis_url, "--base-url", f"{replica_server.origin}/{SITE}/",
                      "--out", str(out), "--progress", "off"], tmp_path / "coordinator.log")
        assert crawl.wait(timeout=240) == 0, crawl.output()[-3000:]
        assert solo.wait(timeout=60) == 0, solo.output()[-3000:]
    finally:
        solo.stop()

    portal = PortalReplica(Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES))
    truth = {a["id"]: a for a in portal.ground_truth(SITE, replica_server.origin)}
    lines = lines_of_site(out)
    assert_each_stored_once((line["id"] for line in lines), truth)
    for line in lines:
        expected = truth[line["id"]]
        assert (line["url"], line["title"], line["published_at"], line["column"], line["gov_meta"]) == \
            (expected["url"], expected["title"], expected["published_at"], expected["column"],
             expected["gov_meta"]), line["id"]
    platform = [line for line in lines if line["column"].startswith("gkmlpt-")]
    assert len(platform) == REPLICA_ARTICLES // 3
    assert all(set(line["gov_meta"]) == {"索引号", "发布机构", "主题分类"} for line in platform)
    checked = verify(out / SITE)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    report = json.loads(sorted((out / SITE / "runs").glob("*.json"))[-1].read_text(encoding="utf-8"))
    routes = {cid: column["route"] for cid, column in report["columns"].items()}
    assert routes == {"hjyw": "feed", "tzgg": "list", "tpxw": "feed", "zthd": "feed",
                      "gkmlpt-2941": "gkmlpt api", "gkmlpt-2945": "gkmlpt api", "gkmlpt-2950": "gkmlpt api"}
    # the walk of 专题专栏's children went from worker to coordinator and back, feed by feed
    assert report["columns"]["zthd"]["child_feeds"] == \
        {"read": 2, "unread": 2, "left_to_their_columns": 0, "articles_listed_again": 3}
    assert report["outcome"] == "ok"
    # the worker fetched every page: the town's articles, the platform's, feeds and API pages
    assert set(fetched_by(report)) == {"solo"} and fetched_by(report)["solo"] > len(truth)


def lines_of_site(out: Path) -> list[dict]:
    files = sorted((out / SITE / "articles").glob("*/*.jsonl"))
    return [json.loads(raw) for f in files for raw in f.read_bytes().splitlines()]

