"""ArchiveSession on its own: a real archive on tmp_path, built from a crawler, no engine running."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.exceptions import NotConfigured

from dgportal_crawler.extensions.archive import ArchiveSession, ArchiveUnusable, open_session, prune_logs
from dgportal_crawler.spiders.houjie import HoujieSpider
from dgportal_crawler.stats import count
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.lock import site_lock
from dgportal_crawler.store.state import StateStore
from tests.crawlers import make_crawler

RUN_ID = "20260101T000000Z-abcdef"
ARCHIVE = {"dgportal_crawler.extensions.archive.ArchiveSession": 100}


def archive_settings(tmp_path: Path, **extra: Any) -> dict[str, Any]:
    return {"DGPORTAL_ARCHIVE_ROOT": str(tmp_path), "DGPORTAL_WARC": False, "DGPORTAL_RUN_ID": RUN_ID,
            "DGPORTAL_CLOCK": "fixed:2026-01-01T00:00:00Z", "EXTENSIONS": ARCHIVE, **extra}


def session_for(tmp_path: Path, columns: str = "czjs,sqdt", **extra: Any) -> ArchiveSession:
    crawler = make_crawler(HoujieSpider, archive_settings(tmp_path, **extra), columns=columns)
    return crawler.get_extension(ArchiveSession)


class OtherSpider(scrapy.Spider):
    name = "other"


def test_off_for_someone_elses_spider_or_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        ArchiveSession.from_crawler(make_crawler(OtherSpider, archive_settings(tmp_path)))
    with pytest.raises(NotConfigured):
        ArchiveSession.from_crawler(make_crawler(HoujieSpider, archive_settings(tmp_path), columns="nope"))
    assert make_crawler(OtherSpider, archive_settings(tmp_path)).get_extension(ArchiveSession) is None
    assert not any(tmp_path.iterdir())


def test_off_without_an_archive_root(tmp_path: Path) -> None:
    # scrapy parse / shell / fetch switch the archive off this way
    with pytest.raises(NotConfigured):
        ArchiveSession.from_crawler(make_crawler(HoujieSpider, archive_settings(tmp_path, DGPORTAL_ARCHIVE_ROOT="")))


def test_built_from_the_settings_it_opens_nothing_yet(tmp_path: Path) -> None:
    session = session_for(tmp_path, DGPORTAL_FSYNC=True, DGPORTAL_STATE_COMMIT_EVERY="7")
    assert session.layout == SiteLayout(tmp_path / "houjie")
    assert (session.options.fsync, session.options.warc, session.options.lock) == (True, False, True)
    assert session.options.state_commit_every == 7
    assert session.options.warc_info["run_id"] == RUN_ID
    assert session.started_at == "2026-01-01T00:00:00Z"
    assert session.archive is None and not any(tmp_path.iterdir())


def test_ensure_open_creates_the_archive_and_marks_it_open(tmp_path: Path) -> None:
    session = session_for(tmp_path)
    archive = session.ensure_open()
    try:
        site = tmp_path / "houjie"
        assert (site / "state.sqlite.open").read_text(encoding="utf-8") == RUN_ID
        assert (site / "state.sqlite").is_file() and (site / "crawl.lock").is_file()
        assert session.ensure_open() is archive  # opened once
        assert open_session(session.crawler) is archive
        assert session.crawler.stats.get_value("dgportal/state_replayed") == 0
    finally:
        archive.close()


def test_a_second_session_on_a_held_archive_fails_once_and_says_why(tmp_path: Path, caplog) -> None:
    session = session_for(tmp_path)
    layout = SiteLayout.of(tmp_path, "houjie")
    with site_lock(layout):
        # Closing the crawl needs the engine, which a unit test does not run; whatever that
        # raises, ArchiveUnusable included, is a RuntimeError.
        with pytest.raises(RuntimeError):
            session.ensure_open()
        expected = f"another crawl is writing to {layout.site_dir} (pid {os.getpid()}); not starting a second one"
        assert session.failure == expected
        assert f"the archive cannot be used: {expected}" in caplog.text
        # every later use fails the same way, without trying again
        with pytest.raises(ArchiveUnusable, match="another crawl is writing to"):
            session.ensure_open()
        with pytest.raises(ArchiveUnusable):
            open_session(session.crawler)
    assert not layout.open_marker.exists() and not layout.state_file.exists()
    session.close("archive_unusable")  # nothing was opened: nothing to close or write
    assert not layout.runs_dir.exists() and not layout.manifest_file.exists()


def test_a_caller_holding_the_lock_says_so(tmp_path: Path) -> None:
    session = session_for(tmp_path, DGPORTAL_LOCK_HELD=True)
    with site_lock(SiteLayout.of(tmp_path, "houjie")):
        archive = session.ensure_open()
        archive.close()


def test_close_writes_the_report_and_the_manifest_and_releases_the_archive(tmp_path: Path) -> None:
    session = session_for(tmp_path)
    session.ensure_open()
    stats = session.crawler.stats
    count(stats, "czjs", "listed", 3)
    count(stats, "czjs", "new", 3)
    count(stats, "czjs", "stored", 3)
    count(stats, "czjs", "extracted", 3)
    stats.set_value("downloader/request_count", 5)
    session.close("finished")

    site = tmp_path / "houjie"
    report = json.loads((site / "runs" / f"{RUN_ID}.json").read_text(encoding="utf-8"))
    assert (report["run_id"], report["site"], report["finish_reason"]) == (RUN_ID, "houjie", "finished")
    assert (report["started_at"], report["finished_at"]) == ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
    assert list(report["columns"]) == ["czjs", "sqdt"]
    assert (report["columns"]["czjs"]["new"], report["columns"]["czjs"]["fetched"]) == (3, 3)
    assert report["columns"]["sqdt"]["listed"] == 0
    assert report["requests"] == 5
    assert (report["outcome"], report["exit_code"], report["reasons"], report["health"]) == ("ok", 0, [], [])
    assert report["settings"]["DGPORTAL_RUN_ID"] == RUN_ID and report["settings"]["DGPORTAL_WARC"] is False
    assert report["settings"]["DGPORTAL_RECHECK_DAYS"] == 30  # the default, as the run used it
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    data = (site / "runs" / f"{RUN_ID}.json").read_bytes()
    assert manifest["files"][f"runs/{RUN_ID}.json"] == {"sha256": hashlib.sha256(data).hexdigest(),
                                                        "size": len(data)}
    assert not (site / "state.sqlite.open").exists()
    with site_lock(SiteLayout(site)):  # released
        pass


def test_close_logs_counts_and_reports_a_column_that_needed_the_fallback(tmp_path: Path, caplog) -> None:
    session = session_for(tmp_path, columns="czjs")
    session.ensure_open()
    count(session.crawler.stats, "czjs", "extracted", 10)
    count(session.crawler.stats, "czjs", "fallback", 2)
    count(session.crawler.stats, "czjs", "stored", 10)
    with caplog.at_level(logging.WARNING):
        session.close("finished")
    message = ("column czjs: 2 of 10 articles needed the fallback extractor (> 5%); "
               "its template has probably changed")
    assert message in caplog.text
    assert session.crawler.stats.get_value("dgportal/health/fallback_rate") == 1
    report = json.loads((tmp_path / "houjie" / "runs" / f"{RUN_ID}.json").read_text(encoding="utf-8"))
    assert report["health"] == [{"check": "fallback_rate", "column": "czjs", "message": message}]
    assert (report["outcome"], report["exit_code"]) == ("attention", 1)


def test_one_in_twenty_is_not_over_five_percent(tmp_path: Path, caplog) -> None:
    session = session_for(tmp_path, columns="czjs")
    session.ensure_open()
    count(session.crawler.stats, "czjs", "extracted", 20)
    count(session.crawler.stats, "czjs", "fallback", 1)
    with caplog.at_level(logging.WARNING):
        session.close("finished")
    assert "fallback extractor" not in caplog.text
    assert session.crawler.stats.get_value("dgportal/health/fallback_rate") is None


def test_opening_after_a_killed_run_counts_the_repairs(tmp_path: Path, caplog) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    feb = layout.articles_dir / "2023" / "2023-02.jsonl"
    feb.parent.mkdir(parents=True)
    feb.write_bytes(b'{"id":"houjie:1","revision":1,"fetched_at":"2025-12-01T00:00:00Z","url":"u"}\n{"id":"hou')
    layout.open_marker.write_text("20251201T000000Z-killed", encoding="utf-8")
    session = session_for(tmp_path)
    with caplog.at_level(logging.WARNING):
        archive = session.ensure_open()
    archive.close()
    stats = session.crawler.stats
    assert stats.get_value("dgportal/torn_lines_repaired") == 1
    assert stats.get_value("dgportal/state_replayed") == 1
    assert stats.get_value("dgportal/torn_warc_repaired") == 0
    assert "run 20251201T000000Z-killed did not close the archive (killed?): replayed 1 lines" in caplog.text
    assert f"repaired a torn line at {feb}:" in caplog.text


def test_prune_logs_keeps_the_newest_logs_and_every_report(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    layout.runs_dir.mkdir(parents=True)
    runs = ["20260101T000000Z-aaaaaa", "20260102T000000Z-bbbbbb", "20260103T000000Z-cccccc"]
    for run in runs:
        layout.run_log(run).write_text("log", encoding="utf-8")
        layout.run_report(run).write_text("{}", encoding="utf-8")
    prune_logs(layout, 0)  # 0: keep every log
    assert len(layout.run_logs()) == 3
    prune_logs(layout, 2)
    assert [p.name for p in layout.run_logs()] == [f"{runs[1]}.log", f"{runs[2]}.log"]
    assert len(layout.run_reports()) == 3


def test_close_records_which_lists_were_read_to_the_end(tmp_path: Path) -> None:
    session = session_for(tmp_path)
    archive = session.ensure_open()
    stats = session.crawler.stats
    count(stats, "czjs", "list_pages", 2)
    count(stats, "czjs", "list_end")  # the second page had no next page
    count(stats, "sqdt", "list_pages", 1)  # stopped on the first page for another reason
    session.close("finished")
    assert stats.get_value("dgportal/coverage/czjs") == "complete"
    assert stats.get_value("dgportal/coverage/sqdt") == "partial"
    report = json.loads((tmp_path / "houjie" / "runs" / f"{RUN_ID}.json").read_text(encoding="utf-8"))
    assert (report["columns"]["czjs"]["coverage"], report["columns"]["sqdt"]["coverage"]) == ("complete", "partial")
    with StateStore(archive.layout.state_file) as state:
        assert (state.coverage("czjs"), state.coverage("sqdt")) == ("", None)


def test_an_interrupted_run_records_no_coverage(tmp_path: Path) -> None:
    session = session_for(tmp_path)
    archive = session.ensure_open()
    count(session.crawler.stats, "czjs", "list_pages", 2)
    count(session.crawler.stats, "czjs", "list_end")
    session.close("shutdown")
    assert session.crawler.stats.get_value("dgportal/coverage/czjs") == "partial"
    with StateStore(archive.layout.state_file) as state:
        assert state.coverage("czjs") is None


def test_an_archive_from_another_site_is_not_used(tmp_path: Path) -> None:
    layout = SiteLayout.of(tmp_path, "houjie")
    layout.site_dir.mkdir()
    layout.origin_file.write_text('{"origin": "loopback", "base_url": "http://127.0.0.1:8800/houjie/"}',
                                  encoding="utf-8")
    session = session_for(tmp_path)
    with pytest.raises(RuntimeError):  # ArchiveUnusable, or the engine a unit test does not run
        session.ensure_open()
    assert session.failure.startswith(f"{layout.site_dir} was made from http://127.0.0.1:8800/houjie/; "
                                      "not adding pages from https://www.dg.gov.cn/houjie/")
    assert not layout.open_marker.exists()
