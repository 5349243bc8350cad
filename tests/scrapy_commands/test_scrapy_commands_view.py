"""``scrapy view`` inside the project: Scrapy's command with the archive switched off. The
"browser" is a small script named in ``BROWSER`` that copies the page it is given."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from scrapy.commands.view import Command as ScrapyView
from scrapy_commands_helpers import processed, scrapy

from dgportal_crawler.scrapy_commands.view import Command

BROWSER = """\
import shutil, sys
from urllib.parse import urlsplit
shutil.copyfile(urlsplit(sys.argv[1]).path, sys.argv[2])
"""


@pytest.fixture(scope="module")
def article(replica, replica_server) -> dict:
    return replica.ground_truth(replica_server.origin)[0]


def browser(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """``BROWSER`` for webbrowser: a command line with ``%s`` for the page's file:// URL."""
    script, seen = tmp_path / "browser.py", tmp_path / "seen.html"
    script.write_text(BROWSER, encoding="utf-8")
    return {"BROWSER": f"{sys.executable} {script} %s {seen}"}, seen


def test_it_is_scrapy_s_view_defined_in_its_module():
    assert issubclass(Command, ScrapyView)
    assert Command.__module__ == "dgportal_crawler.scrapy_commands.view"


def test_the_archive_root_is_emptied_whatever_the_command_line_says():
    command = processed(Command, ["-s", "DGPORTAL_ARCHIVE_ROOT=/srv/archive", "http://127.0.0.1/x"])
    assert command.settings["DGPORTAL_ARCHIVE_ROOT"] == ""


def test_the_page_opens_in_the_browser_with_its_base_and_nothing_is_archived(article, tmp_path):
    env, seen = browser(tmp_path)
    archive = tmp_path / "archive"
    done = scrapy("view", "--nolog", article["url"], archive=archive, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    page = seen.read_text(encoding="utf-8")
    assert f'<base href="{article["url"]}">' in page  # links resolve against the site, not the file
    assert article["title"] in page
    assert not archive.exists()


def test_no_url_is_a_usage_error(tmp_path):
    done = scrapy("view", "--nolog", archive=tmp_path)
    assert done.returncode == 2
    assert done.stdout.startswith("Usage\n=====\n  scrapy view [options] <url>")
    assert "Traceback" not in done.stderr
