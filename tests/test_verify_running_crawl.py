"""``dgportal verify`` while a crawl writes: checked as of the last manifest, no false alarm.

The replica's gate holds a ``--full`` re-check on its first article, so the second run is
caught holding the lock with a fresh WARC file that no manifest lists yet."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dgportal_crawler.store.layout import SiteLayout
from tests.archive_helpers import SITE, dgportal
from tests.conftest import REPLICA_ARTICLES, run_crawl


def wait_until(condition: Callable[[], bool], proc: subprocess.Popen, what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the crawl ended (exit {proc.returncode}) before {what}"
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_verify_during_a_crawl_checks_the_last_manifest_and_passes(server, tmp_path: Path) -> None:
    first = run_crawl(tmp_path, SITE, "--base-url", server.base_url)
    assert first.returncode == 0, first.stderr[-2000:]
    layout = SiteLayout.of(tmp_path, SITE)
    manifest = json.loads(layout.manifest_file.read_text(encoding="utf-8"))

    server.gate(0)  # every article request of the next run waits
    proc = subprocess.Popen(
        [sys.executable, "-m", "dgportal_crawler", "crawl", SITE, "--base-url", server.base_url,
         "--out", str(tmp_path), "--progress", "off", "--full"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: server.gate_state()["held"] > 0, proc, "a held article request")
        new_warcs = {layout.relative(p) for p in layout.warc_dir.glob("*.warc.gz")} - set(manifest["files"])
        assert new_warcs, "the running crawl should have opened a WARC file the manifest does not list"
        month = layout.article_files()[-1]
        size = month.stat().st_size
        with month.open("ab") as fh:  # and a line half-written, as the crawl may be doing
            fh.write(b'{"id":"houjie:half","title":"still be')

        during = dgportal("verify", str(layout.site_dir))
        holder = layout.lock_file.read_text().strip()
        assert during.returncode == 0, during.stdout
        assert during.stdout.splitlines()[0] == (
            f"a crawl is writing (pid {holder}); checked up to the manifest of {manifest['generated_at']}")
        assert holder == str(proc.pid)
        assert f"ok ({REPLICA_ARTICLES} lines" in during.stdout
        assert "not in manifest" not in during.stdout

        with month.open("r+b") as fh:  # the half line goes before the crawl goes on
            fh.truncate(size)
    finally:
        server.gate(None)
        proc.wait(timeout=120)
    assert proc.returncode == 0

    after = dgportal("verify", "--full", str(layout.site_dir))
    assert after.returncode == 0, after.stdout
    assert after.stdout == (f"{layout.site_dir}: ok ({REPLICA_ARTICLES} lines; schema, manifest (every file "
                            "re-hashed) and WARC references checked)\n")
    assert set(json.loads(layout.manifest_file.read_text(encoding="utf-8"))["files"]) >= new_warcs
