"""One set of exit codes for ``dgportal crawl`` and ``scrapy crawl`` alike (see
``dgportal_crawler.outcome``): 0 clean, 1 needs a look, 2 usage, 3 try later, 130/143 signals.
Every case runs the real command in a subprocess against the replica on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dgportal_crawler.replica import ReplicaServer
from dgportal_crawler.store.lock import site_lock
from tests.archive_helpers import SITE
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED

ROOT = Path(__file__).resolve().parents[1]
RUNNERS = ("dgportal", "scrapy")

pytestmark = pytest.mark.slow


def command(runner: str, out: Path, base_url: str, *, columns: str | None = None,
            settings: tuple[str, ...] = ()) -> list[str]:
    """The same crawl through either command line."""
    if runner == "dgportal":
        cmd = [sys.executable, "-m", "dgportal_crawler", "crawl", SITE, "--base-url", base_url,
               "--out", str(out), "--progress", "off"]
        cmd += ["--columns", columns] if columns else []
        return cmd + [arg for s in settings for arg in ("-s", s)]
    cmd = [sys.executable, "-m", "scrapy", "crawl", SITE, "-s", f"DGPORTAL_BASE_URL={base_url}",
           "-s", f"DGPORTAL_ARCHIVE_ROOT={out}", "-s", "LOG_LEVEL=WARNING"]
    cmd += ["-a", f"columns={columns}"] if columns else []
    return cmd + [arg for s in settings for arg in ("-s", s)]


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=240,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def degraded_server() -> Iterator[ReplicaServer]:
    """Every article on a template the profile does not know: the fallback alarm goes off."""
    with ReplicaServer(seed=REPLICA_SEED, articles=REPLICA_ARTICLES, degraded=1.0) as srv:
        yield srv


@pytest.mark.parametrize("runner", RUNNERS)
def test_0_for_a_clean_run(runner, replica_server, tmp_path):
    done = run(command(runner, tmp_path, replica_server.base_url, columns="fttd"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / SITE / "articles").is_dir()


@pytest.mark.parametrize("runner", RUNNERS)
def test_1_when_a_health_check_is_breached(runner, degraded_server, tmp_path):
    done = run(command(runner, tmp_path, degraded_server.base_url, columns="fttd"))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "needed the fallback extractor" in done.stderr
    assert "attention: health check(s) breached: fallback_rate" in done.stderr


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("columns", "settings", "message"), [
    ("nope", (), "unknown column 'nope'; valid columns: hjyw (厚街要闻)"),
    (None, ("DOWNLOAD_DELAY=abc",), "setting DOWNLOAD_DELAY='abc' is not a number"),
    (None, ("DGPORTAL_RECHECK_DAYS=x",), "setting DGPORTAL_RECHECK_DAYS='x' is not a whole number"),
    (None, ("DGPORTAL_MODE=fast",), "setting DGPORTAL_MODE='fast' must be one of incremental, full, resume"),
])
def test_2_for_usage_errors_with_one_line_and_nothing_created(runner, columns, settings, message,
                                                               replica_server, tmp_path):
    done = run(command(runner, tmp_path, replica_server.base_url, columns=columns, settings=settings))
    assert done.returncode == 2, done.stderr[-2000:]
    assert message in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing created in the archive folder


@pytest.mark.parametrize("runner", RUNNERS)
def test_3_when_another_run_holds_the_archive(runner, replica_server, tmp_path):
    with site_lock(tmp_path / SITE):
        done = run(command(runner, tmp_path, replica_server.base_url, columns="fttd"))
    assert done.returncode == 3, done.stderr[-2000:]
    assert f"another crawl is writing to {tmp_path / SITE}" in done.stderr
    assert not (tmp_path / SITE / "articles").exists()


def test_3_when_the_site_cannot_be_reached(tmp_path):
    with socket_port() as port:
        done = run(command("dgportal", tmp_path, f"http://127.0.0.1:{port}/houjie/"))
    assert done.returncode == 3 and "cannot reach base URL" in done.stderr and "try again later" in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signals_stop_cleanly_and_say_how_to_resume(runner, signum, code, server, tmp_path):
    server.gate(5)  # five articles, then every article request is held open
    log = tmp_path / "scrapy.log"  # where `scrapy crawl` logs; dgportal crawl logs in runs/
    settings = ("LOG_LEVEL=INFO", f"LOG_FILE={log}") if runner == "scrapy" else ()
    proc = subprocess.Popen(command(runner, tmp_path, server.base_url, settings=settings), cwd=ROOT, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while server.gate_state()["held"] == 0:
        assert proc.poll() is None and time.monotonic() < deadline, "the crawl never waited on the gate"
        time.sleep(0.02)
    os.kill(proc.pid, signum)
    # Scrapy's graceful stop waits for the requests in flight: once it has said it is
    # stopping, the gate lets them through and no new request goes out.
    logs = [log] if runner == "scrapy" else None
    while not any("shutting down gracefully" in p.read_text(encoding="utf-8", errors="replace")
                  for p in (logs or (tmp_path / SITE / "runs").glob("*.log"))):
        assert proc.poll() is None and time.monotonic() < deadline, "the crawl never said it was stopping"
        time.sleep(0.02)
    server.gate(None)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err[-2000:]
    assert f"stopped by {signal.Signals(signum).name}" in err and "--resume" in err


class socket_port:
    """A loopback port nobody listens on, for as long as the block lasts."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        return self.sock.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
