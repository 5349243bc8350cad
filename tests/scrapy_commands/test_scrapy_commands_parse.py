"""``scrapy parse`` inside the project: Scrapy's command with the archive switched off; the
houjie spider's ``parse`` gives the archive line the pipelines would make of one page."""

from __future__ import annotations

import pytest
from scrapy.commands.parse import Command as ScrapyParse
from scrapy_commands_helpers import SITE, one_line_error, processed, scrapy

from dgportal_crawler.scrapy_commands.parse import Command


@pytest.fixture(scope="module")
def article(replica, replica_server) -> dict:
    return replica.ground_truth(replica_server.origin)[0]


def test_it_is_scrapy_s_parse_defined_in_its_module():
    assert issubclass(Command, ScrapyParse)
    assert Command.__module__ == "dgportal_crawler.scrapy_commands.parse"


def test_the_archive_root_is_emptied_whatever_the_command_line_says():
    command = processed(Command, ["-s", "DGPORTAL_ARCHIVE_ROOT=/srv/archive", "--spider", SITE,
                                  "http://127.0.0.1/x"])
    assert command.settings["DGPORTAL_ARCHIVE_ROOT"] == ""


def test_an_article_page_becomes_its_archive_line(article, replica_server, tmp_path):
    done = scrapy("parse", "--spider", SITE, "--nolog", article["url"],
                  "-s", f"DGPORTAL_BASE_URL={replica_server.base_url}", archive=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    items = done.stdout.split("# Scraped Items", 1)[1].split("# Requests", 1)[0]
    assert f"'id': '{article['id']}'" in items
    assert f"'url': '{article['url']}'" in items
    assert f"'column': '{article['column']}'" in items
    assert "'schema_version': 1" in items
    assert list(tmp_path.iterdir()) == []  # no line, no WARC, no run report


def test_an_unknown_spider_is_one_line_and_exit_2_without_a_traceback(article, tmp_path):
    done = scrapy("parse", "--spider", "nosuch", "--nolog", article["url"], archive=tmp_path)
    assert one_line_error(done) == "scrapy parse: error: no spider named 'nosuch'; the project's spiders: houjie"
    assert done.returncode == 2  # Scrapy's own parse exits 0 here
    assert list(tmp_path.iterdir()) == []


def test_no_url_is_a_usage_error(tmp_path):
    done = scrapy("parse", "--nolog", "--spider", SITE, archive=tmp_path)
    assert done.returncode == 2
    assert done.stdout.startswith("Usage\n=====\n  scrapy parse [options] <url>")
    assert "Traceback" not in done.stderr
