"""The replica as a portal: the towns navigation, two more towns with content, column feeds,
determinism and the answer key on the command line."""

from __future__ import annotations

import json

import lxml.html
import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.portal import PortalReplica
from tests.replica.replica_helpers import fetch


@pytest.fixture(scope="module")
def portal() -> PortalReplica:
    return PortalReplica(Replica(seed=5, articles=60))


def test_portal_home_page_links_all_32_towns_over_http(server):
    status, _, body = fetch(server.origin + "/")
    assert status == 200
    links = lxml.html.fromstring(body).xpath("//div[@class='zjyq']//a")
    assert len(links) == 32
    by_text = {a.text: a.get("href") for a in links}
    assert by_text["厚街镇"] == "/houjie/" and by_text["黄江镇"] == "/hj/" and by_text["虎门镇"] == "/humen/"


def test_houjie_is_served_as_before_beside_the_towns(server):
    assert fetch(server.base_url + "xwzx/hjyw/index.html")[0] == 200
    assert fetch(server.origin + "/humen/")[0] == 200
    assert fetch(server.origin + "/hj/")[0] == 200
    assert fetch(server.origin + "/humen")[0] == 301


def test_towns_have_different_column_sets(portal):
    columns = {site: {a["column"] for a in portal.ground_truth(site)} for site in ("houjie", "humen", "hj")}
    assert columns["houjie"] == {"hjyw", "tzgg", "czjs", "fttd", "sqdt", "zcjd"}
    assert columns["humen"] == {"c1471", "c1502", "zcdt", "c1507"}
    # hj's disclosure platform (/dghjz/gkmlpt/) belongs to the hj site
    assert columns["hj"] == {"hjyw", "tzgg", "tpxw", "zthd", "gkmlpt-2941", "gkmlpt-2945", "gkmlpt-2950"}


def test_humen_column_paths_are_not_the_pinyin_of_their_names(portal):
    # 虎门要闻 would be guessed as hmyw; the site keeps it under c1471
    assert portal.respond("/humen/xwzx/hmyw/index.html").status == 404
    assert portal.respond("/humen/xwzx/c1471/index.html").status == 200


def test_hj_uses_the_department_skin(portal):
    record = portal.ground_truth("hj")[0]
    html = portal.respond(record["url"].removeprefix("https://www.dg.gov.cn")).body.decode("utf-8")
    assert "您的当前位置：" in html
    assert f"发布日期：{record['published_at'][:10]}" in html and "字体大小：" in html
    assert "主办：" in html and "承办：" in html and "地址：" in html and "联系电话：" in html
    labels = {"信息来源：" in portal.respond(r["url"].removeprefix("https://www.dg.gov.cn")).body.decode("utf-8")
              for r in portal.ground_truth("hj")[:12]}
    assert labels == {True, False}  # some pages say 信息来源, others 来源


def test_a_feed_lists_its_column_newest_first_with_absolute_urls(portal):
    response = portal.respond("/postmeta/i/9312.json")
    assert response.status == 200 and response.headers["Content-Type"].startswith("application/json")
    feed = json.loads(response.body)
    expected = sorted((a for a in portal.ground_truth("humen") if a["column"] == "c1502"),
                      key=lambda a: a["published_at"], reverse=True)
    assert [a["url"] for a in feed["articles"]] == [a["url"] for a in expected]
    assert feed["articles"][0]["created_at"][:10] == expected[0]["published_at"][:10]
    assert portal.respond("/postmeta/i/1.json").status == 404


def _feed(portal, feed_id: int) -> dict:
    response = portal.respond(f"/postmeta/i/{feed_id}.json")
    assert response.status == 200
    return json.loads(response.body)


def test_hjs_special_topics_feed_is_a_tree_with_a_cycle_a_404_an_empty_child_and_a_repeat(portal):
    topics = sorted((a for a in portal.ground_truth("hj") if a["column"] == "zthd"),
                    key=lambda a: a["published_at"], reverse=True)
    assert len(topics) >= 4 and {tuple(a["column_path"]) for a in topics} == {("专题专栏", "专题活动")}
    parent = _feed(portal, 10280)
    assert (parent["name"], parent["articles"], parent["children"]) == ("专题专栏", [], [10282, 10283, 10284, 10280])
    child = _feed(portal, 10282)
    assert [a["url"] for a in child["articles"]] == [a["url"] for a in topics]
    assert child["children"] == [10280, 10285]  # names its parent again: a cycle
    assert portal.respond("/postmeta/i/10283.json").status == 404
    assert (_feed(portal, 10284)["articles"], _feed(portal, 10284)["children"]) == ([], [])
    repeat = _feed(portal, 10285)
    assert [a["url"] for a in repeat["articles"]] == [a["url"] for a in topics[:3]]
    assert repeat["children"] == [10282]
    page = topics[0]["url"].removeprefix("https://www.dg.gov.cn")
    assert portal.respond(page).status == 200


def test_only_the_feed_tree_leads_to_hjs_special_topics_column(portal):
    home = portal.respond("/hj/").body.decode("utf-8")
    other_list = portal.respond("/hj/xwdt/hjyw/index.html").body.decode("utf-8")
    assert "ztzl/zthd" not in home and "ztzl/zthd" not in other_list
    assert '"/postmeta/i/10280.json"' in home  # the home page's 专题专栏 block loads it
    assert portal.respond("/hj/ztzl/zthd/index.html").status == 200


def test_houjie_feed_9149_is_its_notice_column_one_article_behind(portal):
    feed = json.loads(portal.respond("/postmeta/i/9149.json").body)
    notices = sorted((a for a in portal.ground_truth("houjie") if a["column"] == "tzgg"),
                     key=lambda a: a["published_at"], reverse=True)
    assert [a["url"] for a in feed["articles"]] == [a["url"] for a in notices[1:]]


def test_same_seed_same_bytes_other_seed_other_site():
    one, two = PortalReplica(Replica(seed=5, articles=30)), PortalReplica(Replica(seed=5, articles=30))
    other = PortalReplica(Replica(seed=6, articles=30))
    path = "/humen/zwgk/c1502/index.html"
    assert one.respond(path).body == two.respond(path).body != other.respond(path).body


def test_replica_truth_prints_the_answer_key_as_json_lines(capsys, portal):
    assert main(["replica", "truth", "--site", "hj", "--articles", "60", "--seed", "5"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    truth = portal.ground_truth("hj")
    assert len(lines) == len(truth) == 60 + 60 // 3  # the town's articles and its platform's
    assert lines[0] == {k: truth[0][k] for k in ("url", "title", "published_at", "source", "column")}


def test_replica_truth_refuses_a_site_without_content(capsys):
    assert main(["replica", "truth", "--site", "guancheng"]) == 2
    assert "the replica has content for houjie, humen, hj" in capsys.readouterr().err


def test_gkmlpt_api_pages_and_a_later_page_404_where_page_1_works(portal):
    first = json.loads(portal.respond("/dghjz/gkmlpt/api/all/2950?page=1").body)
    posts = [a for a in portal.ground_truth("hj") if a["column"] == "gkmlpt-2950"]
    assert first["classify"]["post_count"] > len(posts) == len(first["articles"])  # inflated count
    assert portal.respond("/dghjz/gkmlpt/api/all/2950?page=2").status == 404
    detail = portal.respond(first["articles"][0]["url"].removeprefix("https://www.dg.gov.cn")).body.decode()
    assert "window._CONFIG = {DETAIL: {" in detail and "{{ detail.title }}" in detail
