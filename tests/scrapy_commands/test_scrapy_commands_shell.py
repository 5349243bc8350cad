"""``scrapy shell`` inside the project: Scrapy's command with the archive switched off."""

from __future__ import annotations

import ast

import pytest
from scrapy.commands.shell import Command as ScrapyShell
from scrapy_commands_helpers import processed, scrapy

from dgportal_crawler.scrapy_commands.shell import Command


@pytest.fixture(scope="module")
def article(replica, replica_server) -> dict:
    return replica.ground_truth(replica_server.origin)[0]


def test_it_is_scrapy_s_shell_defined_in_its_module():
    assert issubclass(Command, ScrapyShell)
    assert Command.__module__ == "dgportal_crawler.scrapy_commands.shell"


def test_the_archive_root_is_emptied_whatever_the_command_line_says():
    command = processed(Command, ["-s", "DGPORTAL_ARCHIVE_ROOT=/srv/archive", "-c", "1", "http://127.0.0.1/x"])
    assert command.settings["DGPORTAL_ARCHIVE_ROOT"] == ""


def test_code_runs_on_the_fetched_page_and_nothing_is_written(article, tmp_path):
    code = "(response.status, response.url, response.css('title::text').get())"
    done = scrapy("shell", article["url"], "--nolog", "-c", code, archive=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    status, url, title = ast.literal_eval(done.stdout)  # the repr the shell printed
    assert (status, url) == (200, article["url"])
    assert article["title"] in title
    assert list(tmp_path.iterdir()) == []


def test_an_http_error_page_is_still_a_response(replica_server, tmp_path):
    missing = replica_server.origin + "/houjie/xwzx/hjyw/content/post_0000001.html"
    done = scrapy("shell", missing, "--nolog", "-c", "response.status", archive=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, "404"), done.stderr[-2000:]


def test_without_a_url_the_code_runs_with_no_response(tmp_path):
    done = scrapy("shell", "--nolog", "-c", "(response, 6 * 7)", archive=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, "(None, 42)"), done.stderr[-2000:]
