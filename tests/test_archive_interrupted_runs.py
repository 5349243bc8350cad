"""Interrupted runs over the replica: kill -9 and Ctrl-C then resume, a second writer, a
corrupt state. The replica's gate stops a crawl at an exact article, so no test sleeps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.archive_helpers import SITE, assert_each_stored_once, dgportal, events_of, lines_of
from tests.conftest import REPLICA_ARTICLES, run_crawl


def _wait_for_lines(out: Path, count: int, proc: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return
        files = list((out / SITE / "articles").glob("*/*.jsonl"))
        if sum(f.read_bytes().count(b"\n") for f in files) >= count:
            return
        time.sleep(0.005)
    raise AssertionError(f"no {count} lines within {limit}s")


def _complete_lines(out: Path) -> int:
    return sum(f.read_bytes().count(b"\n") for f in (out / SITE / "articles").glob("*/*.jsonl"))


def _wait_until(condition, proc: subprocess.Popen, what: str, limit: float = 120) -> None:
    """Poll ``condition`` (cheap, local) until it holds; the crawl must still be running."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        assert proc.poll() is None, f"the crawl ended before {what}"
        time.sleep(0.01)
    raise AssertionError(f"not {what} within {limit}s")


def test_kill_9_at_five_points_then_resume_loses_and_duplicates_nothing(server, replica, tmp_path):
    """The replica's gate answers exactly N article requests and holds the rest open, so
    each kill lands when exactly N articles were answered (and written): no sleeps."""
    args = [sys.executable, "-m", "dgportal_crawler", "crawl", SITE, "--base-url", server.base_url,
            "--out", str(tmp_path), "--progress", "off"]
    kill_points = [0, 20, 55, 90, 130]  # article answers allowed (in all) when a run is killed
    written_at_kill = []
    for i, point in enumerate(kill_points):
        server.gate(point)
        proc = subprocess.Popen([*args, *(["--resume"] if i else [])], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # every allowed answer written, and the crawl waiting on a held request
        _wait_until(lambda p=point: _complete_lines(tmp_path) >= p and server.gate_state()["held"] > 0,
                    proc, f"{point} lines and a held request")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        written_at_kill.append(_complete_lines(tmp_path))
        if i == 2:  # a line torn mid-write, as a kill can leave it
            victim = sorted((tmp_path / SITE / "articles").glob("*/*.jsonl"))[-1]
            with victim.open("ab") as handle:
                handle.write(b'{"id":"houjie:torn","title":"half a li')
        if i == 3:  # and an event torn mid-write
            with (tmp_path / SITE / "events.jsonl").open("ab") as handle:
                handle.write(b'{"event":"withdrawn","id":"houj')
    server.gate(None)

    # each kill landed exactly where the gate stopped the run
    assert written_at_kill == kill_points, written_at_kill
    final = run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--resume")
    assert final.returncode == 0, final.stderr[-2000:]
    lines = lines_of(tmp_path)
    truth = {a["id"]: a for a in replica.ground_truth(server.origin)}
    assert_each_stored_once((line["id"] for line in lines), truth)
    for line in lines:
        assert line["text"].split("\n") == truth[line["id"]]["paragraphs"]
    assert any(e["event"] == "torn_line_repaired" for e in events_of(tmp_path))
    print("lines written at each kill:", written_at_kill)
    verified = dgportal("verify", str(tmp_path / SITE))
    assert verified.returncode == 0, verified.stdout


def test_a_second_crawl_of_the_same_archive_is_refused_while_one_runs(server, tmp_path):
    args = [sys.executable, "-m", "dgportal_crawler", "crawl", SITE, "--base-url", server.base_url,
            "--out", str(tmp_path), "--progress", "off", "-s", "DOWNLOAD_DELAY=0.05",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    first = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        _wait_for_lines(tmp_path, 1, first)
        second = run_crawl(tmp_path, SITE, "--base-url", server.base_url)
        assert second.returncode == 3  # try later: issue 11's exit codes
        assert f"another crawl is writing to {tmp_path / SITE} (pid {first.pid})" in second.stderr
    finally:
        first.kill()
        first.wait()


def test_ctrl_c_then_resume_continues_through_jobdir(server, replica, tmp_path):
    args = [sys.executable, "-m", "dgportal_crawler", "crawl", SITE, "--base-url", server.base_url,
            "--out", str(tmp_path), "--progress", "off", "-s", "DOWNLOAD_DELAY=0.02",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for_lines(tmp_path, 30, proc)
    proc.send_signal(signal.SIGINT)  # one Ctrl-C: Scrapy stops gracefully and keeps its queue
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()[-2000:]  # interrupted by SIGINT
    assert "--resume to continue" in err.decode()
    interrupted = len(lines_of(tmp_path))
    assert 30 <= interrupted < REPLICA_ARTICLES
    jobdir = tmp_path / SITE / "job"
    assert (jobdir / "requests.queue").is_dir(), "the interrupted run should leave its queue"

    server.reset_stats()
    result = run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--resume")
    assert result.returncode == 0, result.stderr[-2000:]
    assert_each_stored_once((line["id"] for line in lines_of(tmp_path)),
                            (a["id"] for a in replica.ground_truth(server.origin)))
    # the resumed run fetched (about) only what was missing, not the whole site again
    assert server.stats()["article"] <= REPLICA_ARTICLES - interrupted + 5
    assert not jobdir.exists(), "a finished run cleans its JOBDIR"


def test_a_corrupt_state_file_stops_the_crawl_before_it_starts(server, tmp_path):
    (tmp_path / SITE).mkdir()
    (tmp_path / SITE / "state.sqlite").write_bytes(b"this is not a database" * 100)
    result = run_crawl(tmp_path, SITE, "--base-url", server.base_url)
    assert result.returncode == 2
    assert "rebuild-state" in result.stderr and "Traceback" not in result.stderr


def _file_size_limit(limit: int):
    """For the child: a file size limit stands in for a full disk (EFBIG instead of ENOSPC,
    the same failed write() to SQLite and to us)."""
    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    return apply


def test_a_state_that_fills_the_disk_mid_run_stops_the_crawl_and_the_next_run_loses_nothing(
        server, replica, tmp_path):
    # Small WARC files and frequent state commits: the state's write-ahead log is the first
    # file to outgrow the limit.
    args = [sys.executable, "-m", "dgportal_crawler", "crawl", SITE, "--base-url", server.base_url,
            "--out", str(tmp_path), "--progress", "off", "-s", "DGPORTAL_WARC_MAX_BYTES=65536",
            "-s", "DGPORTAL_STATE_COMMIT_EVERY=5"]
    full = subprocess.run(args, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL,
                          preexec_fn=_file_size_limit(200_000))
    assert full.returncode == 1, full.stderr[-2000:]
    assert "Traceback" not in full.stderr
    errors = [line for line in full.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [f"ERROR: the state {tmp_path / SITE / 'state.sqlite'} could not be written "
                      "(disk I/O error); the archive lines are safe and the next run rebuilds the "
                      "state from them: stopping the crawl"], full.stderr[-2000:]
    assert "the run ended with 'state_unwritable'" in full.stderr
    stored_then = {line["id"] for line in lines_of(tmp_path)}
    assert 0 < len(stored_then) < REPLICA_ARTICLES

    again = run_crawl(tmp_path, SITE, "--base-url", server.base_url)
    assert again.returncode == 0, again.stderr[-2000:]
    # the first run's lines not written twice
    assert_each_stored_once((line["id"] for line in lines_of(tmp_path)),
                            (a["id"] for a in replica.ground_truth(server.origin)))
    assert dgportal("verify", str(tmp_path / SITE)).returncode == 0
