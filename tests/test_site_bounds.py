"""SiteBoundsMiddleware: only http(s) to the profile's host and port leaves the downloader;
and a read-only state is refused up front (both classes of the hostile-site review)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from dgportal_crawler.middlewares import SiteBoundsMiddleware
from dgportal_crawler.spiders.houjie import HoujieSpider
from dgportal_crawler.store.state import StateStore
from tests.crawlers import make_crawler

BASE = "http://127.0.0.1:8800/houjie/"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def bounds():
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_BASE_URL": BASE, "DGPORTAL_ARCHIVE_ROOT": ""})
    return SiteBoundsMiddleware.from_crawler(crawler), crawler.stats


@pytest.mark.parametrize(("url", "why"), [
    ("file://127.0.0.1/etc/passwd", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("ftp://127.0.0.1/houjie/x.pdf", "scheme"),
    ("data:text/html,<p>x</p>", "scheme"),
    ("http://example.invalid/houjie/x.html", "offsite"),
    ("http://127.0.0.2:8800/houjie/x.html", "offsite"),
])
def test_other_schemes_and_hosts_are_refused_and_counted(bounds, url, why):
    mw, stats = bounds
    with pytest.raises(IgnoreRequest, match="refused"):
        mw.process_request(Request(url))
    assert stats.get_value(f"dgportal/refused/{why}") == 1


def test_the_sites_host_at_another_port_or_scheme_is_moved_to_the_profiles(bounds):
    mw, stats = bounds
    assert mw.process_request(Request(BASE + "a.html")) is None
    moved = mw.process_request(Request("https://127.0.0.1:9999/houjie/a.html?x=1"))
    assert moved is not None and moved.url == "http://127.0.0.1:8800/houjie/a.html?x=1"
    assert stats.get_value("dgportal/requests_rebased") == 1


def test_a_read_only_state_is_refused_up_front():
    """Opened by a user who may read but not write it (root writes anything, so as root the
    check runs in a child process as ``nobody``)."""
    folder = Path(tempfile.mkdtemp(prefix="dgportal-ro-"))
    try:
        StateStore(folder / "state.sqlite").close()
        (folder / "state.sqlite").chmod(0o444)
        folder.chmod(0o777)  # sidecar files may be created; the database may not be written
        code = ("from dgportal_crawler.store.state import StateError, StateStore\n"
                f"try:\n    StateStore({str(folder / 'state.sqlite')!r})\n"
                "except StateError as exc:\n    print('refused:', exc)\n")
        python = sys.executable
        as_nobody = None
        if os.geteuid() == 0:  # the state module needs only the standard library
            python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
            as_nobody = lambda: os.setuid(65534)  # noqa: E731
        try:
            done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60,
                                  preexec_fn=as_nobody, cwd=folder, env={"PYTHONPATH": str(ROOT)})
        except PermissionError as exc:
            pytest.skip(f"no interpreter the unprivileged user may run: {exc}")
        if "Permission denied" in done.stderr and "dgportal_crawler" in done.stderr:
            pytest.skip("the checkout is not readable by the unprivileged user")
        assert done.stdout.startswith("refused:"), done.stdout + done.stderr
        assert "readonly" in done.stdout or "read-only" in done.stdout
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
