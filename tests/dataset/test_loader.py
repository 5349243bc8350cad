"""``iter_articles`` / ``ArchiveReader``: the current, all and withdrawn views of a crawled
archive against the replica's ground truth; selection; damaged lines; flat memory."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from collections import Counter

import pytest
from dataset_helpers import SITE, CrawledArchive, add_undated_article, copy_archive, text_of

from dgportal_crawler.dataset import ArchiveReader, SelectionError, iter_articles
from dgportal_crawler.store.jsonl import encode_line
from dgportal_crawler.store.layout import SiteLayout


def test_current_view_after_a_withdrawal_and_a_restore_is_the_whole_site(crawled: CrawledArchive):
    current = {a["id"]: a for a in iter_articles(crawled.final / SITE)}
    truth = {a["id"]: a for a in crawled.truth1}
    assert len(truth) == 150 and set(current) == set(truth)
    for article_id, article in current.items():
        assert article["text"] == text_of(truth[article_id])
        assert article["revision"] == (3 if article_id in crawled.edited else 1)


def test_all_view_holds_every_revision(crawled: CrawledArchive):
    revisions = Counter(a["id"] for a in iter_articles(crawled.final, view="all"))
    assert sum(revisions.values()) == 150 + 2 * 3
    assert {i for i, n in revisions.items() if n > 1} == crawled.edited
    assert set(revisions.values()) == {1, 3}


def test_nothing_is_withdrawn_once_restored(crawled: CrawledArchive):
    assert list(iter_articles(crawled.final, view="withdrawn")) == []


def test_views_while_two_articles_are_withdrawn(crawled: CrawledArchive):
    truth = {a["id"]: a for a in crawled.truth2}
    current = {a["id"]: a for a in iter_articles(crawled.edition2)}
    assert len(current) == 148 and set(current) == set(truth)
    for article_id, article in current.items():
        assert article["text"] == text_of(truth[article_id])
        assert article["revision"] == (2 if article_id in crawled.edited else 1)
    withdrawn = list(iter_articles(crawled.edition2, view="withdrawn"))
    assert {a["id"] for a in withdrawn} == crawled.removed_ids and len(withdrawn) == 2
    assert {a["url"] for a in withdrawn} == {a["url"] for a in crawled.removed}
    assert len(list(iter_articles(crawled.edition2, view="all"))) == 150 + 3


def test_a_site_folder_and_an_archive_root_give_the_same_articles(crawled: CrawledArchive):
    from_root = [a["id"] for a in iter_articles(crawled.final)]
    assert from_root == [a["id"] for a in iter_articles(crawled.final / SITE)]
    assert from_root == [a["id"] for a in iter_articles(crawled.final, site=SITE)]
    with pytest.raises(SelectionError, match="no site 'nanhui'"):
        iter_articles(crawled.final, site="nanhui")


def test_columns_keep_only_those_fields_and_unknown_ones_are_refused(crawled: CrawledArchive):
    rows = list(iter_articles(crawled.final, columns=["id", "title", "column_name"]))
    truth = {a["id"]: a for a in crawled.truth1}
    assert all(list(r) == ["id", "title", "column_name"] for r in rows)
    assert {r["id"]: r["title"] for r in rows} == {i: a["title"] for i, a in truth.items()}
    with pytest.raises(SelectionError, match="unknown column 'titel'"):
        iter_articles(crawled.final, columns=["id", "titel"])


def test_since_and_until_select_by_publication_day(crawled: CrawledArchive):
    days = sorted(a["published_at"][:10] for a in crawled.truth1)
    since, until = days[40], days[90]
    expected = sum(since <= d <= until for d in days)
    got = list(iter_articles(crawled.final, since=since, until=dt.date.fromisoformat(until),
                             columns=["published_at"]))
    assert len(got) == expected
    assert all(since <= a["published_at"][:10] <= until for a in got)
    with pytest.raises(SelectionError, match="not a date"):
        iter_articles(crawled.final, since="2023-02-30")


def test_undated_articles_are_read_and_dropped_by_a_date_selection(crawled: CrawledArchive, tmp_path):
    root = copy_archive(crawled.final, tmp_path / "archive")
    undated = add_undated_article(root)
    ids = [a["id"] for a in iter_articles(root)]
    assert len(ids) == 151 and ids[-1] == undated["id"]  # undated/ comes last
    assert undated["id"] not in {a["id"] for a in iter_articles(root, since="1900-01-01")}


def test_damaged_lines_are_skipped_and_counted(crawled: CrawledArchive, tmp_path):
    root = copy_archive(crawled.final, tmp_path / "archive")
    victim = SiteLayout.of(root, SITE).article_files()[3]
    lines = victim.read_bytes().splitlines(keepends=True)
    victim.write_bytes(lines[0] + b'{"id":"houjie:1","title":"cut\n' + b"[1,2]\n" + b"".join(lines[1:]))
    reader = ArchiveReader(root)
    assert len(list(reader)) == 150
    assert [(b.path, b.line) for b in reader.bad_lines] == [(victim, 2), (victim, 3)]


def test_a_withdrawn_article_back_with_a_new_text_is_current(crawled: CrawledArchive, tmp_path):
    """No `restored` event is written then: the new revision, fetched after the withdrawal, counts."""
    root = copy_archive(crawled.edition2, tmp_path / "archive")
    gone = next(iter_articles(root, view="withdrawn"))
    events = [json.loads(x) for x in SiteLayout.of(root, SITE).events_file.read_bytes().splitlines()]
    withdrawn_at = max(e["at"] for e in events if e.get("id") == gone["id"])
    later = (dt.datetime.fromisoformat(withdrawn_at) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    back = {**gone, "text": gone["text"] + "（更新）", "revision": 2, "fetched_at": later}
    with SiteLayout.of(root, SITE).article_file(gone["published_at"]).open("ab") as handle:
        handle.write(encode_line(back))
    current = {a["id"]: a for a in iter_articles(root)}
    assert len(current) == 149 and current[gone["id"]]["revision"] == 2
    assert [a["id"] for a in iter_articles(root, view="withdrawn")] == list(crawled.removed_ids - {gone["id"]})


def test_memory_stays_flat_while_iterating_many_lines(crawled: CrawledArchive, tmp_path):
    """10,000 lines of about 4 KB: the reader holds a small index per id, never the lines."""
    template = next(iter_articles(crawled.final))
    template["text"] = template["text_original"] = "厚" * 500
    site = SiteLayout.of(tmp_path, SITE)
    count = 10_000
    for month in range(1, 21):
        path = site.article_file(f"2020-{month:02d}-01" if month <= 12 else f"2021-{month - 12:02d}-01")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(encode_line({**template, "id": f"houjie:{month}{n:05d}"})
                                  for n in range(count // 20)))
    size = sum(p.stat().st_size for p in site.article_files())
    tracemalloc.start()
    try:
        seen = sum(1 for _ in iter_articles(tmp_path, columns=["id"]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert size > 40_000_000
    assert peak < size / 8, (peak, size)
