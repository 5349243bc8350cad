"""End to end: several towns of the replica portal in one command, one archive folder and
one report per site, a combined table, the worst site's exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dgportal_crawler.portal import load_portal
from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.portal import PortalReplica
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED, CrawlResult, run_crawl

CONTENT = ("houjie", "humen", "hj")


def combined(result: CrawlResult) -> dict[str, list[str]]:
    """The combined table's rows by site (the lines after its title)."""
    lines = result.stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("dgportal crawl: ") and line.endswith(" sites"))
    return {line.split()[0]: line.split() for line in lines[start + 2:] if line.strip()}


@pytest.fixture(scope="module")
def portal() -> PortalReplica:
    return PortalReplica(Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES))


@pytest.fixture(scope="module")
def crawl_all(replica_server, tmp_path_factory) -> CrawlResult:
    out = tmp_path_factory.mktemp("all")
    return run_crawl(out, "--all", "--portal-url", replica_server.origin + "/", timeout=600)


def test_crawl_all_stores_every_article_of_every_town_in_its_own_folder(crawl_all, portal, replica_server):
    for site in CONTENT:
        ids = [line["id"] for line in crawl_all.lines(site)]
        truth = {a["id"] for a in portal.ground_truth(site, replica_server.origin)}
        assert len(ids) == len(set(ids)) and set(ids) == truth, site
        homes = (f"{replica_server.origin}/{site}/", f"{replica_server.origin}/dghjz/gkmlpt/")  # hj's platform
        assert all(line["url"].startswith(homes if site == "hj" else homes[0]) for line in crawl_all.lines(site))
        assert len(list((crawl_all.out / site / "runs").glob("*.json"))) == 1  # one report per site


def test_crawl_all_prints_a_combined_table_and_the_worst_exit_code(crawl_all):
    rows = combined(crawl_all)
    assert list(rows) == load_portal().site_ids  # every town, in the portal's order
    assert rows["houjie"] == ["houjie", "reviewed", "6", "150", "150", "0", "ok", "0"]
    assert rows["humen"] == ["humen", "discovered", "4", "150", "150", "0", "ok", "0"]
    # hj: four columns of the town (one found through a feed's children), three of its
    # disclosure platform (150 // 3 posts)
    assert rows["hj"] == ["hj", "discovered", "7", "200", "200", "0", "ok", "0"]
    # the replica has no pages for the other 29 towns: each is a row that needs a look
    others = [r for s, r in rows.items() if s not in CONTENT]
    assert len(others) == 29 and all(" ".join(r).endswith("the home page answered HTTP 404 1") for r in others)
    assert crawl_all.returncode == 1


def test_a_town_crawls_again_with_the_profile_discovery_left(crawl_all, replica_server, portal):
    assert (crawl_all.out / "discovered" / "humen.toml").is_file()
    again = run_crawl(crawl_all.out, "humen", "--portal-url", replica_server.origin + "/")
    assert again.returncode == 0, again.stderr[-2000:]
    # incremental: the feed column (c1502) lists its whole feed again, each list column one
    # page of 15 already archived articles, after which it stops; nothing new is stored
    per_column = {}
    for a in portal.ground_truth("humen"):
        per_column[a["column"]] = per_column.get(a["column"], 0) + 1
    listed = per_column["c1502"] + sum(min(15, n) for c, n in per_column.items() if c != "c1502")
    assert combined(again)["humen"] == ["humen", "saved", "4", str(listed), "0", "0", "ok", "0"]
    reports = sorted((crawl_all.out / "humen" / "runs").glob("*.json"))
    assert json.loads(reports[-1].read_text(encoding="utf-8"))["outcome"] == "ok"


def test_a_town_without_a_profile_is_a_usage_error_and_the_worst_code_wins(replica_server, tmp_path: Path):
    result = run_crawl(tmp_path, "houjie,humen", "--portal-url", replica_server.origin + "/")
    assert result.returncode == 2
    rows = combined(result)
    assert rows["houjie"][-2:] == ["ok", "0"]
    assert " ".join(rows["humen"]).endswith("no profile: add --discover (or dgportal discover humen --write FILE) 2")
    assert len(result.lines("houjie")) == 150 and not (tmp_path / "humen").exists()


@pytest.mark.parametrize(("argv", "message"), [
    (("--all", "humen"), "give sites or --all, not both"),
    (("houjie,nosuch",), "unknown site 'nosuch'; the portal's sites: guancheng"),
    (("houjie,humen", "--columns", "tzgg"), "--columns names one profile's columns"),
    (("houjie,humen", "--base-url", "http://127.0.0.1:1/"), "--base-url crawls one profile"),
    (("houjie,humen", "--portal-url", "ftp://x/"), "--portal-url: 'ftp://x/' is not an http(s) URL"),
])
def test_multi_site_usage_errors_are_one_line(tmp_path, argv, message):
    result = run_crawl(tmp_path, *argv)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())


def test_crawl_one_town_with_discover_discovers_first_then_crawls(replica_server, portal, tmp_path):
    result = run_crawl(tmp_path, "humen", "--discover", "--portal-url", replica_server.origin + "/")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "dgportal crawl: discovering humen" in result.stderr
    ids = {line["id"] for line in result.lines("humen")}
    assert ids == {a["id"] for a in portal.ground_truth("humen")}
    assert (tmp_path / "discovered" / "humen.toml").is_file()
