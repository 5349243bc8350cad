"""``dgportal stats``: per column × year (or month) numbers against the replica's ground truth."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from typing import Any

import pytest
from dataset_helpers import SITE, CrawledArchive, copy_archive, text_of

from dgportal_crawler.dataset import archive_stats
from dgportal_crawler.store.layout import SiteLayout


def expected_rows(truth: list[dict[str, Any]], edited: set[str], revisions_each: int,
                  withdrawn: dict[str, dict[str, Any]], by: str = "year") -> dict[tuple[str, str], dict[str, Any]]:
    """What the statistics must say, computed from the ground truth alone."""
    width = 4 if by == "year" else 7
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for a in truth:
        groups[(a["column"], a["published_at"][:width])].append(a)
    rows = {}
    for key, articles in groups.items():
        n = len(articles)
        rows[key] = {
            "articles": n,
            "mean_chars": sum(len(text_of(a)) for a in articles) / n,
            "with_time": sum(a["published_precision"] != "day" for a in articles) / n,
            "with_source": sum(bool(a["source"]) for a in articles) / n,
            "with_images": sum(bool(a["images"]) for a in articles) / n,
            "with_attachments": sum(bool(a["attachments"]) for a in articles) / n,
            "fallback": 0.0,
            "revisions": revisions_each * sum(a["id"] in edited for a in articles),
            "withdrawals": 0, "withdrawn": 0,
        }
    for a in withdrawn.values():
        row = rows.setdefault((a["column"], a["published_at"][:width]), {
            "articles": 0, "mean_chars": None, "with_time": None, "with_source": None, "with_images": None,
            "with_attachments": None, "fallback": None, "revisions": 0, "withdrawals": 0, "withdrawn": 0})
        row["withdrawals"] += 1
    return rows


def as_table(rows) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r.column, r.period): {k: v for k, v in r.as_dict().items() if k not in ("column", "column_name", "period")}
            for r in rows[:-1]}


def assert_same(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for key, row in expected.items():
        assert got[key] == pytest.approx(row), key


def test_per_column_and_year_after_restores(crawled: CrawledArchive):
    truth1 = {a["id"]: a for a in crawled.truth1}
    withdrawn = {i: truth1[i] for i in crawled.removed_ids}
    rows = archive_stats(crawled.final / SITE)
    assert_same(as_table(rows), expected_rows(crawled.truth1, crawled.edited, 2, withdrawn))
    total = rows[-1]
    assert (total.column, total.articles, total.revisions) == ("total", 150, 6)
    assert (total.withdrawals, total.withdrawn) == (2, 0)
    assert total.mean_chars == pytest.approx(sum(len(text_of(a)) for a in crawled.truth1) / 150)


def test_per_column_and_month_while_two_are_withdrawn(crawled: CrawledArchive):
    truth1 = {a["id"]: a for a in crawled.truth1}
    withdrawn = {i: truth1[i] for i in crawled.removed_ids}
    rows = archive_stats(crawled.edition2, by="month")
    expected = expected_rows(crawled.truth2, crawled.edited, 1, withdrawn, by="month")
    for a in withdrawn.values():
        expected[(a["column"], a["published_at"][:7])]["withdrawn"] += 1
    assert_same(as_table(rows), expected)
    assert (rows[-1].articles, rows[-1].revisions, rows[-1].withdrawn) == (148, 3, 2)


def test_the_fallback_rate_counts_fallback_extractions(crawled: CrawledArchive, tmp_path):
    root = copy_archive(crawled.final, tmp_path / "archive")
    victim = SiteLayout.of(root, SITE).article_files()[0]
    lines = victim.read_bytes().splitlines(keepends=True)
    first = json.loads(lines[0])
    first["extraction"]["method"] = "fallback"
    victim.write_bytes(json.dumps(first, ensure_ascii=False).encode() + b"\n" + b"".join(lines[1:]))
    rows = {(r.column, r.period): r for r in archive_stats(root)}
    group = rows[(first["column"], first["published_at"][:4])]
    assert group.fallback == pytest.approx(1 / group.articles)
    assert rows[("total", "all")].fallback == pytest.approx(1 / 150)


def test_the_command_prints_a_table_and_json(crawled: CrawledArchive):
    run = [sys.executable, "-m", "dgportal_crawler", "stats", str(crawled.final / SITE)]
    as_json = subprocess.run([*run, "--json"], capture_output=True, text=True, timeout=120)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == [r.as_dict() for r in archive_stats(crawled.final / SITE)]
    table = subprocess.run([*run, "--by", "month"], capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    assert "城镇建设 (czjs)" in table.stdout and "withdrawals" in table.stdout
    total = next(line for line in table.stdout.splitlines() if "total" in line)
    assert total.split("│")[3].strip() == "150"  # articles
    bad = subprocess.run([*run, "--since", "someday"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.strip() == "dgportal: error: since 'someday' is not a date (YYYY-MM-DD)"
