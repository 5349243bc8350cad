"""SiteLayout: every path of a site's archive folder, spelt out once and checked here by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from dgportal_crawler.store.layout import SiteLayout, partition_of, site_layouts


def test_every_path_of_a_site_folder(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    site = tmp_path / "houjie"
    assert (layout.site_dir, layout.site, layout.root) == (site, "houjie", tmp_path)
    assert layout.articles_dir == site / "articles"
    assert layout.warc_dir == site / "warc"
    assert layout.runs_dir == site / "runs"
    assert layout.job_dir == site / "job"
    assert layout.events_file == site / "events.jsonl"
    assert layout.manifest_file == site / "manifest.json"
    assert layout.state_file == site / "state.sqlite"
    assert layout.open_marker == site / "state.sqlite.open"
    assert layout.lock_file == site / "crawl.lock"
    assert layout.origin_file == site / "origin.json"
    assert layout.run_report("20261125T173008Z-1a2b3c") == site / "runs" / "20261125T173008Z-1a2b3c.json"
    assert layout.run_log("20261125T173008Z-1a2b3c") == site / "runs" / "20261125T173008Z-1a2b3c.log"
    assert layout.warc_file("run1", 3) == site / "warc" / "run1-00003.warc.gz"
    assert layout.warc_file("run1", 123456) == site / "warc" / "run1-123456.warc.gz"


@pytest.mark.parametrize(
    ("published_at", "partition", "file"),
    [
        ("2023-02-27T10:14:00+08:00", ("2023", "2023-02"), "articles/2023/2023-02.jsonl"),
        ("2023-12-01", ("2023", "2023-12"), "articles/2023/2023-12.jsonl"),
        ("2023-02", ("2023", "2023-02"), "articles/2023/2023-02.jsonl"),
        ("2023", ("undated", "undated"), "articles/undated/undated.jsonl"),
        ("20230227", ("undated", "undated"), "articles/undated/undated.jsonl"),
        ("", ("undated", "undated"), "articles/undated/undated.jsonl"),
        (None, ("undated", "undated"), "articles/undated/undated.jsonl"),
    ],
)
def test_partition_of_and_article_file(tmp_path: Path, published_at, partition, file) -> None:
    assert partition_of(published_at) == partition
    layout = SiteLayout.of(tmp_path, "houjie")
    assert layout.article_file(published_at) == tmp_path / "houjie" / file


def test_article_files_oldest_month_first_undated_last(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    assert layout.article_files() == []  # no articles folder yet
    for rel in ("2023/2023-10.jsonl", "undated/undated.jsonl", "2023/2023-02.jsonl",
                "2022/2022-12.jsonl", "2023/notes.txt", "2023/deeper/2023-01.jsonl"):
        path = layout.articles_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    assert [layout.relative(p) for p in layout.article_files()] == [
        "articles/2022/2022-12.jsonl",
        "articles/2023/2023-02.jsonl",
        "articles/2023/2023-10.jsonl",
        "articles/undated/undated.jsonl",
    ]


def test_run_reports_and_logs_are_listed_oldest_first(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    assert layout.run_reports() == [] and layout.run_logs() == []
    layout.runs_dir.mkdir(parents=True)
    for name in ("20261125T000000Z-bbbbbb.json", "20250101T000000Z-aaaaaa.json",
                 "20250101T000000Z-aaaaaa.log", "20261125T000000Z-bbbbbb.log", "notes.txt"):
        (layout.runs_dir / name).write_bytes(b"{}")
    assert [p.name for p in layout.run_reports()] == ["20250101T000000Z-aaaaaa.json",
                                                      "20261125T000000Z-bbbbbb.json"]
    assert [p.name for p in layout.run_logs()] == ["20250101T000000Z-aaaaaa.log",
                                                   "20261125T000000Z-bbbbbb.log"]


def test_relative_names_files_as_the_archive_does(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    assert layout.relative(tmp_path / "houjie" / "warc" / "r-00001.warc.gz") == "warc/r-00001.warc.gz"
    with pytest.raises(ValueError):
        layout.relative(tmp_path / "other" / "events.jsonl")


def test_resolve_stays_inside_the_site_folder(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    assert layout.resolve("articles/2023/2023-02.jsonl") == (tmp_path / "houjie/articles/2023/2023-02.jsonl").resolve()
    assert layout.resolve("warc/../events.jsonl") == (tmp_path / "houjie/events.jsonl").resolve()
    for outside in ("../x", "articles/../../x", "/etc/passwd", "../houjie-other/events.jsonl"):
        with pytest.raises(ValueError, match="points outside the archive folder"):
            layout.resolve(outside)


def test_a_site_archive_is_a_folder_with_articles(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    assert not layout.is_site_archive()
    layout.site_dir.mkdir()
    assert not layout.is_site_archive()
    layout.articles_dir.mkdir()
    assert layout.is_site_archive()


def test_site_layouts_lists_only_folders_with_articles(tmp_path: Path) -> None:
    for name in ("zz", "houjie", "abc"):
        (tmp_path / name / "articles").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    (tmp_path / "warc-only" / "warc").mkdir(parents=True)
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "file-site").mkdir()
    (tmp_path / "file-site" / "articles").write_text("a file, not a folder")
    assert site_layouts(tmp_path) == [SiteLayout(tmp_path / n) for n in ("abc", "houjie", "zz")]
    assert site_layouts(tmp_path / "missing") == []
    assert site_layouts(tmp_path / "notes.txt") == []
