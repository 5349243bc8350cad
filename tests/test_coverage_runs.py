"""A column crawled with --since, then without: the second run pages on to the end of the
list (the archive never read it) and ends with the column complete; a third run of the now
complete column stops early again."""

from __future__ import annotations

import pytest

from tests.archive_helpers import SITE, lines_of, reports_of
from tests.conftest import run_crawl

pytestmark = pytest.mark.slow


def test_since_then_plain_ends_with_a_complete_column(replica, server, tmp_path):
    truth = sorted((a for a in replica.ground_truth(server.origin) if a["column"] == "hjyw"),
                   key=lambda a: a["published_at"], reverse=True)
    since = truth[19]["published_at"][:10]
    newer = {a["id"] for a in truth if a["published_at"][:10] >= since}
    # the first list page (15 entries) is all known after the --since run, older ones are not:
    # a run that stops at a page of known articles would never fetch the older ones
    assert 15 < len(newer) < len(truth) - 10

    first = run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--columns", "hjyw", "--since", since)
    assert first.returncode == 0, first.stderr[-2000:]
    assert {line["id"] for line in lines_of(tmp_path)} == newer
    assert reports_of(tmp_path)[-1]["columns"]["hjyw"]["coverage"] == f"partial since {since}"
    assert f"partial since {since}" in first.stderr  # the end-of-run table says so

    second = run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--columns", "hjyw")
    assert second.returncode == 0, second.stderr[-2000:]
    ids = [line["id"] for line in lines_of(tmp_path)]
    assert sorted(ids) == sorted(a["id"] for a in truth)  # every article, each once
    assert reports_of(tmp_path)[-1]["columns"]["hjyw"]["coverage"] == "complete"

    server.reset_stats()
    third = run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--columns", "hjyw")
    assert third.returncode == 0
    assert server.stats()["list"] == 1  # complete and unchanged: one list page, then stop
    assert reports_of(tmp_path)[-1]["columns"]["hjyw"]["coverage"] == "complete"
