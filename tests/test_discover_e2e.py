"""End to end: discover each town of the replica from its home page alone, crawl with the
profile discovery wrote, and compare the archive with the town's answer key field by field
(the checks of test_crawl_e2e.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.profile import load_profile
from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.portal import PortalReplica
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED, CrawlResult, run_crawl

SITES = ("houjie", "humen", "hj")
FIELDS = ("url", "title", "published_at", "published_precision", "source", "column", "column_name",
          "column_path", "images", "attachments")


@pytest.fixture(scope="module")
def portal() -> PortalReplica:
    return PortalReplica(Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES))


@pytest.fixture(scope="module")
def discovered(replica_server, tmp_path_factory) -> dict[str, tuple[Path, CrawlResult]]:
    out = {}
    for site in SITES:
        folder = tmp_path_factory.mktemp(site)
        profile = folder / f"{site}.toml"
        assert main(["discover", site, "--base-url", f"{replica_server.origin}/{site}/",
                     "--write", str(profile)]) == 0
        out[site] = (profile, run_crawl(folder / "archive", str(profile)))
    return out


@pytest.mark.parametrize("site", SITES)
def test_a_discovered_profile_crawls_every_article_of_the_town_once(discovered, portal, replica_server, site):
    _, result = discovered[site]
    assert result.returncode == 0, result.stderr[-3000:]
    truth = {a["id"]: a for a in portal.ground_truth(site, replica_server.origin)}
    ids = [line["id"] for line in result.lines(site)]
    assert len(ids) == len(set(ids)), "an article was written twice"
    assert set(ids) == set(truth)


@pytest.mark.parametrize("site", SITES)
def test_discovered_crawl_matches_the_answer_key_field_by_field(discovered, portal, replica_server, site):
    truth = {a["id"]: a for a in portal.ground_truth(site, replica_server.origin)}
    lines = discovered[site][1].lines(site)
    for field in FIELDS:
        wrong = [(line["id"], line[field], truth[line["id"]][field]) for line in lines
                 if line[field] != truth[line["id"]][field]]
        assert not wrong, f"{site}: {len(wrong)} articles differ in {field}, e.g. {wrong[:3]}"
    bodies = [line["id"] for line in lines if line["text"].split("\n") != truth[line["id"]]["paragraphs"]]
    assert not bodies, f"{site}: {len(bodies)} bodies differ, e.g. {bodies[:5]}"


def test_discovery_finds_humens_unguessable_paths_and_hjs_department_template(discovered):
    humen = load_profile(discovered["humen"][0])
    assert {(c.id, c.path, c.template) for c in humen.columns} == {
        ("c1471", "xwzx/c1471/", "current"), ("c1502", "zwgk/c1502/", "current"),
        ("zcdt", "xwzx/zcdt/", "legacy"), ("c1507", "zwgk/c1507/", "current"),
    }
    hj = load_profile(discovered["hj"][0])
    assert {c.id: c.template for c in hj.columns} == {
        "hjyw": "department", "tpxw": "department", "tzgg": "department",
        "zthd": "department",  # linked from no page: found through the children of the feed 专题专栏
        "gkmlpt-2941": "gkmlpt", "gkmlpt-2945": "gkmlpt", "gkmlpt-2950": "gkmlpt",  # the platform dghjz
    }
    assert hj.column("tzgg").column_path == ["信息公开", "通知公告"]
    assert hj.column("zthd").column_path == ["专题专栏", "专题活动"]


def test_discovery_keeps_feeds_on_the_columns_whose_articles_they_list(discovered):
    # 9149 comes from the portal definition, 9312/10271/10275 from NFCMS_CAT_ID on list pages,
    # 10282 from the children of 10280, the feed hj's home page loads
    feeds = {site: {c.id: c.feed for c in load_profile(discovered[site][0]).columns if c.feed} for site in SITES}
    assert feeds == {"houjie": {"tzgg": 9149}, "humen": {"c1502": 9312},
                     "hj": {"hjyw": 10271, "tpxw": 10275, "zthd": 10282}}


def test_houjie_discovered_columns_are_the_reviewed_profiles(discovered):
    reviewed = load_profile("houjie")
    found = load_profile(discovered["houjie"][0])
    assert [(c.id, c.name, c.parent, c.path, c.template) for c in found.columns] == \
        [(c.id, c.name, c.parent, c.path, c.template) for c in reviewed.columns]


def test_a_column_whose_list_answers_404_says_so_and_points_at_discover(replica_server, tmp_path):
    from dgportal_crawler.profile import builtin_profile_path

    text = builtin_profile_path("houjie").read_text(encoding="utf-8")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(text.replace('path = "zwgk/tzgg/"', 'path = "zwgk/tongzhi/"'), encoding="utf-8")
    result = run_crawl(tmp_path / "archive", str(wrong), "--base-url", replica_server.base_url,
                       "--columns", "tzgg,czjs")
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.splitlines() if "zwgk/tongzhi/index.html (column tzgg) failed: http_404" in ln]
    assert len(lines) == 1 and "`dgportal discover houjie --write FILE`" in lines[0]
    assert {line["column"] for line in result.lines()} == {"czjs"}  # the other column is crawled


def test_gkmlpt_articles_get_gov_meta_and_time_from_the_platform(discovered, portal, replica_server):
    truth = {a["id"]: a for a in portal.ground_truth("hj", replica_server.origin) if a["template"] == "gkmlpt"}
    lines = [line for line in discovered["hj"][1].lines("hj") if line["id"] in truth]
    assert len(lines) == len(truth) > 0
    for line in lines:
        assert set(line["gov_meta"]) == {"索引号", "发布机构", "主题分类"}
        assert line["gov_meta"] == truth[line["id"]]["gov_meta"]
        assert line["published_precision"] == "second"


def test_a_later_api_page_404_ends_its_column_cleanly(discovered, portal):
    import json

    from dgportal_crawler.replica.gkmlpt import API_PAGE_SIZE

    result = discovered["hj"][1]
    reports = sorted((result.out / "hj" / "runs").glob("*.json"))
    column = json.loads(reports[-1].read_text(encoding="utf-8"))["columns"]["gkmlpt-2950"]
    assert column["route"] == "gkmlpt api" and column["failed"] == 0 and column["coverage"] == "complete"
    # its post_count is inflated: the page after the last real one answers 404
    posts = sum(1 for a in portal.ground_truth("hj") if a["column"] == "gkmlpt-2950")
    missing_page = -(-posts // API_PAGE_SIZE) + 1
    assert column["list_pages"] == missing_page - 1
    log = next((result.out / "hj" / "runs").glob("*.log")).read_text(encoding="utf-8")
    assert log.count(f"column gkmlpt-2950: API page {missing_page} answered 404 after page 1 worked") == 1
    assert "ERROR" not in log
