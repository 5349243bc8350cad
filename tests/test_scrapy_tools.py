"""Scrapy's own tools inside the project: ``scrapy parse --spider=houjie``, ``shell``, ``fetch``,
``list`` and ``check`` work against the replica and never write into the archive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.archive_helpers import SITE

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def scrapy(*args: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args, "-s", f"DGPORTAL_ARCHIVE_ROOT={out}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def article(replica, replica_server) -> dict:
    return replica.ground_truth(replica_server.origin)[0]


def test_parse_extracts_one_article_page_like_the_pipelines(article, replica_server, tmp_path):
    done = scrapy("parse", "--spider", SITE, "--nolog", article["url"],
                  "-s", f"DGPORTAL_BASE_URL={replica_server.base_url}", out=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"'title': '{article['title']}'" in done.stdout
    assert f"'column': '{article['column']}'" in done.stdout
    assert list(tmp_path.iterdir()) == []  # no archive, no WARC, no run report


def test_shell_and_fetch_see_the_page(article, tmp_path):
    shell = scrapy("shell", article["url"], "--nolog", "-c", "response.status", out=tmp_path)
    assert (shell.returncode, shell.stdout.strip()) == (0, "200"), shell.stderr[-2000:]
    fetch = scrapy("fetch", "--nolog", article["url"], out=tmp_path)
    assert fetch.returncode == 0 and article["title"] in fetch.stdout
    assert list(tmp_path.iterdir()) == []


def test_list_and_check(tmp_path):
    listed = scrapy("list", out=tmp_path)
    assert listed.stdout.split() == [SITE]
    checked = scrapy("check", out=tmp_path)
    assert checked.returncode == 0 and "Ran 0 contracts" in checked.stderr
    assert list(tmp_path.iterdir()) == []
