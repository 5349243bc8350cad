"""One coordinator and two worker processes crawl the replica through a real redis-server:
the archive is the one a single process would write, and both workers did their share."""

from __future__ import annotations

import pytest
from distributed_helpers import SITE, coordinator, fetched_by, lines_of, reports_of, verify, worker

from dgportal_crawler.replica import Replica, ReplicaServer
from tests.archive_helpers import assert_each_stored_once

ARTICLES = 500


@pytest.mark.slow
def test_two_workers_store_every_article_once_then_an_incremental_run_skips_them(redis_url, tmp_path):
    out = tmp_path / "archive"
    with ReplicaServer(articles=ARTICLES) as server:
        truth = {a["id"]: a for a in Replica(articles=ARTICLES).ground_truth(server.origin)}
        workers = [worker(redis_url, name, tmp_path) for name in ("w1", "w2")]
        try:
            first = coordinator(redis_url, out, server.base_url)
            assert first.wait() == 0, first.output()[-3000:]
            for w in workers:
                assert w.wait(timeout=60) == 0, w.output()[-3000:]
        finally:
            for w in workers:
                w.stop()
        requests_first = server.stats()["total"]

        lines = lines_of(out)
        assert_each_stored_once((line["id"] for line in lines), truth)
        for line in lines:
            expected = truth[line["id"]]
            assert line["text"].split("\n") == expected["paragraphs"], line["id"]
            assert (line["title"], line["url"], line["published_at"]) == \
                (expected["title"], expected["url"], expected["published_at"])
            assert line["warc"] and line["crawler"]["run_id"] == reports_of(out)[0]["run_id"]
        checked = verify(out / SITE)
        assert checked.returncode == 0, checked.stdout + checked.stderr

        report = reports_of(out)[-1]
        assert report["outcome"] == "ok"
        shares = fetched_by(report)
        assert set(shares) == {"w1", "w2"}, shares
        pages = sum(shares.values())
        assert pages >= ARTICLES
        for name, count in shares.items():
            assert count >= 0.2 * pages, f"{name} fetched only {count} of {pages} pages"
        assert "coordinating the crawl of houjie" in first.output()
        assert "│ total" in first.output()

        # The same command again: incremental, as on one machine (known articles skipped).
        server.reset_stats()
        again = [worker(redis_url, "w3", tmp_path)]
        try:
            second = coordinator(redis_url, out, server.base_url, log="coordinator-again")
            assert second.wait() == 0, second.output()[-3000:]
            assert again[0].wait(timeout=60) == 0
        finally:
            again[0].stop()
        requests_again = server.stats()["total"]
    assert len(lines_of(out)) == ARTICLES, "an unchanged site writes nothing"
    totals = reports_of(out)[-1]["totals"]
    assert totals.get("dgportal/skipped_known", 0) > 0 and not totals.get("dgportal/stored")
    assert requests_again < 0.1 * requests_first, (requests_again, requests_first)


@pytest.mark.slow
def test_columns_and_dates_select_the_same_subset_as_on_one_machine(redis_url, tmp_path):
    out = tmp_path / "archive"
    with ReplicaServer(articles=150) as server:
        truth = Replica(articles=150).ground_truth(server.origin)
        w = worker(redis_url, "solo", tmp_path)
        try:
            crawl = coordinator(redis_url, out, server.base_url, "--columns", "czjs,sqdt",
                                "--since", "2021-01-01", "--until", "2022-12-31")
            assert crawl.wait() == 0, crawl.output()[-3000:]
            assert w.wait(timeout=60) == 0
        finally:
            w.stop()
    expected = {a["id"] for a in truth
                if a["column"] in ("czjs", "sqdt") and "2021-01-01" <= a["published_at"][:10] <= "2022-12-31"}
    assert expected
    assert {line["id"] for line in lines_of(out)} == expected
