"""``scrapy crawl`` inside the project: the archive is written as by ``dgportal crawl`` and the
exit code says what happened; user mistakes are one line and exit 2, with nothing created."""

from __future__ import annotations

import json

import pytest
from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy_commands_helpers import SITE, one_line_error, processed, scrapy

from dgportal_crawler.scrapy_commands.crawl import Command

pytestmark = pytest.mark.slow


def test_it_is_scrapy_s_crawl_defined_in_its_module_and_keeps_the_archive():
    assert issubclass(Command, ScrapyCrawl)
    assert Command.__module__ == "dgportal_crawler.scrapy_commands.crawl"
    command = processed(Command, ["-s", "DGPORTAL_ARCHIVE_ROOT=/srv/archive", SITE])
    assert command.settings["DGPORTAL_ARCHIVE_ROOT"] == "/srv/archive"  # a crawl archives


def test_one_column_is_crawled_into_the_archive_with_exit_0(replica, replica_server, tmp_path):
    done = scrapy("crawl", SITE, "-a", "columns=fttd", "-s", f"DGPORTAL_BASE_URL={replica_server.base_url}",
                  "-s", "DGPORTAL_RUN_ID=scrapy-crawl-1", "-s", "LOG_LEVEL=WARNING", archive=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    truth = sorted(a["id"] for a in replica.ground_truth(replica_server.origin) if a["column"] == "fttd")
    files = sorted((tmp_path / SITE / "articles").glob("*/*.jsonl"))
    lines = [json.loads(raw) for f in files for raw in f.read_bytes().splitlines()]
    assert truth and sorted(line["id"] for line in lines) == truth
    report = json.loads((tmp_path / SITE / "runs" / "scrapy-crawl-1.json").read_text(encoding="utf-8"))
    assert (report["run_id"], report["arguments"]["columns"]) == ("scrapy-crawl-1", ["fttd"])


def test_an_unknown_spider_is_one_line_and_exit_2(tmp_path):
    done = scrapy("crawl", "nosuch", "--nolog", archive=tmp_path)
    assert done.returncode == 2
    assert one_line_error(done) == "scrapy crawl: error: no spider named 'nosuch'; the project's spiders: houjie"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("setting", "message"), [
    ("DOWNLOAD_DELAY=abc", "setting DOWNLOAD_DELAY='abc' is not a number"),
    ("DGPORTAL_MAX_LIST_PAGES=2.5", "setting DGPORTAL_MAX_LIST_PAGES='2.5' is not a whole number"),
])
def test_a_bad_setting_is_one_line_and_exit_2(tmp_path, setting, message):
    done = scrapy("crawl", SITE, "--nolog", "-s", setting, archive=tmp_path)
    assert done.returncode == 2
    assert one_line_error(done) == f"scrapy crawl: error: {message}"
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_column_is_one_error_line_and_exit_2(tmp_path):
    done = scrapy("crawl", SITE, "-a", "columns=nope", "-s", "LOG_LEVEL=WARNING", archive=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1
    assert errors[0].split(" ERROR: ", 1)[1].startswith("unknown column 'nope'; valid columns: hjyw (厚街要闻)")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [(), (SITE, "another")])
def test_none_or_two_spiders_are_scrapy_s_usage_error(tmp_path, argv):
    done = scrapy("crawl", "--nolog", *argv, archive=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "scrapy crawl [options] <spider>" in done.stdout + done.stderr
