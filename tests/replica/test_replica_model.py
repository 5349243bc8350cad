"""The site model: columns, dates, ids, variants, determinism and scale."""

from __future__ import annotations

import re
import time
from collections import Counter

from dgportal_crawler.replica import COLUMNS, Replica

EXPECTED_COLUMNS = [
    ("hjyw", "新闻中心", "厚街要闻", "xwzx/hjyw/", "current"),
    ("tzgg", "政务公开", "通知公告", "zwgk/tzgg/", "current"),
    ("czjs", "图说厚街", "城镇建设", "tsjh/czjs/", "current"),
    ("fttd", "互动交流", "访谈直播", "hdjl/fttd/", "current"),
    ("sqdt", "新闻中心", "社区动态", "xwzx/sqdt/", "legacy"),
    ("zcjd", "政务公开", "政策解读", "zwgk/zcjd/", "current"),
]


def test_columns_are_the_six_of_the_site_profile(replica: Replica) -> None:
    got = [(c.id, c.parent, c.name, c.path, c.template) for c in replica.columns]
    assert got == EXPECTED_COLUMNS
    assert list(COLUMNS) == replica.columns


def test_default_replica_spreads_150_articles_over_every_column(replica: Replica) -> None:
    truth = replica.ground_truth()
    assert len(truth) == 150 == len(replica.article_ids())
    per_column = Counter(r["column"] for r in truth)
    assert set(per_column) == {c[0] for c in EXPECTED_COLUMNS}
    assert max(per_column.values()) > 15, "some column needs more than one list page"
    dates = [r["published_at"] for r in truth]
    assert min(dates) >= "2019-01-01" and max(dates) < "2025-01-01"
    legacy = [r["published_at"] for r in truth if r["template"] == "legacy"]
    current = [r["published_at"] for r in truth if r["template"] == "current"]
    assert max(legacy) < "2021-07-01" < max(current), "the legacy column is the older one"


def test_ids_urls_and_dates_follow_the_portal_formats(replica: Replica) -> None:
    ids = replica.article_ids()
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for record in replica.ground_truth("http://h"):
        assert record["id"] == f"houjie:{record['post_id']}"
        assert re.fullmatch(r"http://h/houjie/[a-z]+/[a-z]+/content/post_\d{7}\.html",
                            record["url"]), record["url"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", record["published_at"])
        if record["published_precision"] == "day":
            assert record["published_at"].endswith("T00:00:00+08:00")
        if record["published_precision"] == "minute":
            assert record["published_at"].endswith(":00+08:00")
    precisions = Counter(r["published_precision"] for r in replica.ground_truth())
    assert set(precisions) == {"day", "minute", "second"}
    assert precisions["minute"] > precisions["second"]


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    one, two, other = Replica(seed=7), Replica(seed=7), Replica(seed=8)
    paths = ["/houjie/", "/houjie/zwgk/zcjd/index.html", "/houjie/xwzx/sqdt/list.shtml"]
    paths += [one.meta(pid).path for pid in one.article_ids()[::10]]
    for path in paths:
        assert one.respond(path).body == two.respond(path).body, path
    assert one.ground_truth() == two.ground_truth()
    assert one.respond("/houjie/").body != other.respond("/houjie/").body
    assert [r["title"] for r in one.ground_truth()] != [r["title"] for r in other.ground_truth()]


def test_variants_are_a_seeded_queryable_subset(replica: Replica) -> None:
    variants = Counter(replica.variant_of(pid) for pid in replica.article_ids())
    assert variants["rendered"] >= 1 and variants["hijacked"] >= 1
    assert variants["rendered"] + variants["hijacked"] == 15, "10% are browser captures"
    assert variants["degraded"] == 0 and variants["encoded"] == 0, "options are off by default"
    options = Replica(degraded=0.2, encodings=True)
    counted = Counter(options.variant_of(pid) for pid in options.article_ids())
    assert counted["degraded"] == 30
    assert counted["encoded"] >= 5
    for pid in options.article_ids():
        if options.variant_of(pid) == "encoded":
            assert options.meta(pid).col.template == "legacy"
            assert options.encoding_of(pid) is not None


def test_twenty_thousand_articles_build_fast_and_serve() -> None:
    started = time.perf_counter()
    big = Replica(articles=20_000)
    ids = big.article_ids()
    assert time.perf_counter() - started < 3.0
    assert len(ids) == 20_000 and all(len(str(pid)) == 7 for pid in ids)
    response = big.respond(big.meta(ids[-1]).path)
    assert response.status == 200 and response.kind == "article"
    last_list = big.respond("/houjie/xwzx/hjyw/index.html")
    assert last_list.status == 200 and b'class="next"' in last_list.body
    assert time.perf_counter() - started < 5.0
