"""``scrapy fetch`` inside the project: Scrapy's command with the archive switched off."""

from __future__ import annotations

import pytest
from scrapy.commands.fetch import Command as ScrapyFetch
from scrapy_commands_helpers import processed, scrapy

from dgportal_crawler.scrapy_commands.fetch import Command


@pytest.fixture(scope="module")
def article(replica, replica_server) -> dict:
    return replica.ground_truth(replica_server.origin)[0]


def test_it_is_scrapy_s_fetch_defined_in_its_module():
    assert issubclass(Command, ScrapyFetch)
    assert Command.__module__ == "dgportal_crawler.scrapy_commands.fetch"  # how Scrapy finds it
    assert Command().short_desc() == ScrapyFetch().short_desc()


def test_the_archive_root_is_emptied_whatever_the_command_line_says():
    command = processed(Command, ["-s", "DGPORTAL_ARCHIVE_ROOT=/srv/archive", "-s", "DOWNLOAD_DELAY=3",
                                  "http://127.0.0.1/x"])
    assert command.settings["DGPORTAL_ARCHIVE_ROOT"] == ""
    assert command.settings.getfloat("DOWNLOAD_DELAY") == 3  # other settings as given


def test_fetch_prints_the_page_and_writes_nothing(article, tmp_path):
    done = scrapy("fetch", "--nolog", article["url"], archive=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert article["title"] in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_headers_shows_our_user_agent_and_the_answer(article, tmp_path):
    done = scrapy("fetch", "--nolog", "--headers", article["url"], archive=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    sent = [line for line in done.stdout.splitlines() if line.startswith("> User-Agent:")]
    assert len(sent) == 1 and "dgportal-crawler/" in sent[0]
    assert any(line.lower().startswith("< content-type: text/html") for line in done.stdout.splitlines())


@pytest.mark.parametrize("argv", [(), ("not-a-url",), ("http://127.0.0.1/a", "http://127.0.0.1/b")])
def test_a_missing_or_bad_url_is_a_usage_error(tmp_path, argv):
    done = scrapy("fetch", "--nolog", *argv, archive=tmp_path)
    assert done.returncode == 2
    assert done.stdout.startswith("Usage\n=====\n  scrapy fetch [options] <url>")
    assert "Traceback" not in done.stderr
