"""The project under a real scrapyd on 127.0.0.1: deployed with scrapyd-deploy, scheduled
through schedule.json against the replica, cancelled mid-run with cancel.json and resumed by
the next job. Scrapyd runs in a temp folder on a free port and is stopped at the end."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.archive_helpers import SITE, lines_of
from tests.conftest import REPLICA_ARTICLES

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROJECT = "dgportal_crawler"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (BIN / "scrapyd").exists(),
                                                   reason="scrapyd is not installed (pip install -e '.[test]')")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Scrapyd:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, endpoint: str, **fields: str | list[str]) -> dict:
        data = None
        if fields:
            data = urllib.parse.urlencode(fields, doseq=True).encode()
        with NO_PROXY.open(f"{self.url}{endpoint}", data=data, timeout=30) as response:
            return json.loads(response.read())

    def schedule(self, *settings: str, **args: str) -> str:
        answer = self.call("schedule.json", project=PROJECT, spider=SITE,
                           setting=list(settings), **args)
        assert answer["status"] == "ok", answer
        return answer["jobid"]

    def state(self, job: str) -> str:
        jobs = self.call(f"listjobs.json?project={PROJECT}")
        for state in ("pending", "running", "finished"):
            if any(j["id"] == job for j in jobs[state]):
                return state
        return "unknown"

    def wait_finished(self, job: str, limit: float = 180) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.state(job) == "finished":
                return
            time.sleep(0.2)
        raise AssertionError(f"job {job} did not finish within {limit}s")


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[Scrapyd]:
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = eggs\nlogs_dir = logs\nitems_dir =\ndbs_dir = dbs\n"
        "max_proc = 1\npoll_interval = 0.2\n", encoding="utf-8")
    log = (home / "scrapyd.out").open("wb")
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    client = Scrapyd(f"http://127.0.0.1:{port}/")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.call("daemonstatus.json")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, \
                    (home / "scrapyd.out").read_text(errors="replace")
                time.sleep(0.1)
        client.home = home  # type: ignore[attr-defined]
        yield client
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def deploy(scrapyd: Scrapyd, tmp_path: Path) -> None:
    """scrapyd-deploy from a copy of the project whose scrapy.cfg names this scrapyd."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / PROJECT, copy / PROJECT, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, copy / name)
    cfg = (ROOT / "scrapy.cfg").read_text(encoding="utf-8")
    (copy / "scrapy.cfg").write_text(cfg.replace("http://127.0.0.1:6800/", scrapyd.url), encoding="utf-8")
    done = subprocess.run([str(BIN / "scrapyd-deploy"), "-p", PROJECT], cwd=copy, capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and '"status": "ok"' in done.stdout + done.stderr, done.stdout + done.stderr


def job_log(scrapyd: Scrapyd, job: str) -> str:
    path = scrapyd.home / "logs" / PROJECT / SITE / f"{job}.log"  # type: ignore[attr-defined]
    return path.read_text(encoding="utf-8", errors="replace")


def last_report(out: Path) -> dict:
    reports = sorted((out / SITE / "runs").glob("*.json"))
    return json.loads(reports[-1].read_text(encoding="utf-8"))


def test_deploy_schedule_cancel_and_resume_under_scrapyd(scrapyd, server, tmp_path):
    deploy(scrapyd, tmp_path)
    assert scrapyd.call(f"listspiders.json?project={PROJECT}")["spiders"] == [SITE]
    base = f"DGPORTAL_BASE_URL={server.base_url}"

    # 1. a whole crawl, through schedule.json, with a spider argument and settings
    first_out = tmp_path / "first"
    job = scrapyd.schedule(base, f"DGPORTAL_ARCHIVE_ROOT={first_out}", columns="hjyw,sqdt")
    scrapyd.wait_finished(job)
    listed = {c for c in ("hjyw", "sqdt")}
    assert {line["column"] for line in lines_of(first_out)} == listed
    report = last_report(first_out)
    assert (report["outcome"], report["exit_code"]) == ("ok", 0)
    log = job_log(scrapyd, job)
    assert "outcome: ok (exit code 0)" in log and "end-of-run summary" in log and "hjyw 厚街要闻" in log

    # 2. cancelled mid-run: the gate holds the crawl after 40 articles, cancel.json stops it
    out = tmp_path / "second"
    server.gate(40)
    job = scrapyd.schedule(base, f"DGPORTAL_ARCHIVE_ROOT={out}")
    deadline = time.monotonic() + 120
    while not (len(lines_of(out, live=True)) >= 40 and server.gate_state()["held"] > 0):
        assert time.monotonic() < deadline and scrapyd.state(job) != "finished", "no 40 lines"
        time.sleep(0.05)
    assert scrapyd.call("cancel.json", project=PROJECT, job=job)["status"] == "ok"
    server.gate(None)  # let the requests in flight finish; the engine schedules no more
    scrapyd.wait_finished(job)
    report = last_report(out)
    # cancel.json sends SIGINT: a clean shutdown, told apart from Ctrl-C by the scrapyd job
    assert (report["outcome"], report["exit_code"], report["finish_reason"]) == ("cancelled", 130, "shutdown")
    assert "--resume" in " ".join(report["reasons"])
    assert 40 <= len(lines_of(out)) < REPLICA_ARTICLES

    # 3. the next job resumes to a complete archive, every article once
    job = scrapyd.schedule(base, f"DGPORTAL_ARCHIVE_ROOT={out}", "DGPORTAL_MODE=resume")
    scrapyd.wait_finished(job)
    ids = [line["id"] for line in lines_of(out)]
    assert len(ids) == len(set(ids)) == REPLICA_ARTICLES
    assert last_report(out)["outcome"] == "ok"
