"""One origin per archive folder, and resume after the site moved (the replica's new port)."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time

import pytest

from dgportal_crawler.profile import builtin_profile_path
from dgportal_crawler.replica import ReplicaServer
from tests.archive_helpers import SITE, lines_of, reports_of
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED, run_crawl

pytestmark = pytest.mark.slow


def test_another_origin_is_refused_before_anything_is_fetched(replica_server, tmp_path):
    first = run_crawl(tmp_path, SITE, "--base-url", replica_server.base_url, "--columns", "fttd")
    assert first.returncode == 0, first.stderr[-2000:]
    origin = json.loads((tmp_path / SITE / "origin.json").read_text(encoding="utf-8"))
    assert (origin["origin"], origin["base_url"]) == ("loopback", replica_server.base_url)
    before = sorted(p.name for p in (tmp_path / SITE).iterdir())
    # the report says exactly what made the lines: library versions, the profile, the settings
    report = reports_of(tmp_path)[-1]
    toml = builtin_profile_path(SITE).read_bytes()
    assert report["arguments"]["profile_sha256"] == hashlib.sha256(toml).hexdigest()
    assert {"dgportal-crawler", "scrapy", "twisted", "trafilatura", "lxml", "opencc-python-reimplemented",
            "warcio", "python"} <= {k for k, v in report["versions"].items() if v}
    assert report["settings"]["DGPORTAL_BASE_URL"] == replica_server.base_url
    assert report["settings"]["DGPORTAL_RECHECK_DAYS"] == 30

    # the real portal into the replica's archive: refused before any request (no network here)
    real = run_crawl(tmp_path, SITE, "--columns", "fttd")
    assert real.returncode == 2
    assert real.stderr.strip() == (
        f"dgportal: error: {tmp_path / SITE} was made from {replica_server.base_url}; not adding pages "
        "from https://www.dg.gov.cn/houjie/ to it (a different site): choose another folder with --out "
        f"(e.g. --out {tmp_path / 'www.dg.gov.cn'})")
    assert sorted(p.name for p in (tmp_path / SITE).iterdir()) == before

    # the same replica on another port is the same origin
    with ReplicaServer(seed=REPLICA_SEED, articles=REPLICA_ARTICLES) as moved:
        again = run_crawl(tmp_path, SITE, "--base-url", moved.base_url, "--columns", "fttd")
    assert again.returncode == 0, again.stderr[-2000:]


def test_the_demo_keeps_to_its_own_folder(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dgportal_crawler", "crawl", SITE, "--demo",
                           "--demo-articles", "20", "--progress", "off"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=240, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(lines_of(tmp_path / "archive" / "demo")) == 20
    assert not (tmp_path / "archive" / SITE).exists()


def test_resume_after_the_site_moved_sends_no_request_to_the_old_port(server, replica, tmp_path):
    args = [sys.executable, "-m", "dgportal_crawler", "crawl", SITE, "--base-url", server.base_url,
            "--out", str(tmp_path), "--progress", "off"]
    server.gate(30)
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (len(lines_of(tmp_path, live=True)) >= 30 and server.gate_state()["held"] > 0):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        while not any("shutting down gracefully" in p.read_text(encoding="utf-8", errors="replace")
                      for p in (tmp_path / SITE / "runs").glob("*.log")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        server.gate(None)
        proc.communicate(timeout=120)
    finally:  # a failed wait must not leave the crawl running into the next test
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    assert (tmp_path / SITE / "job" / "requests.queue").is_dir()
    server.stop()  # the old port is gone

    with ReplicaServer(seed=REPLICA_SEED, articles=REPLICA_ARTICLES) as moved:
        resumed = run_crawl(tmp_path, SITE, "--base-url", moved.base_url, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    report = reports_of(tmp_path)[-1]
    assert report["totals"].get("dgportal/failed", 0) == 0
    assert report["totals"]["dgportal/requests_rebased"] > 0  # the saved queue pointed at the old port
    ids = [line["id"] for line in lines_of(tmp_path)]
    assert len(ids) == len(set(ids)) == REPLICA_ARTICLES
