"""kill -9 at seeded random points, each followed by a *plain* rerun (no ``--resume``), with
the state deleted before some reruns: nothing lost, nothing duplicated, nothing torn, and a
WARC file is only ever cut at the tail its own killed run left, never rewritten later.

The replica's gate answers a given number of article requests and holds the rest, so a kill
lands at a known point of the crawl without sleeps; the kill point is drawn from a seeded
random generator, so a failure names a reproducible schedule."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.archive_helpers import SITE, assert_each_stored_once, dgportal, lines_of
from tests.conftest import REPLICA_ARTICLES, run_crawl

KILLS = 10
DELETE_STATE_BEFORE = {3, 6, 9}  # reruns that find no state.sqlite (lines are the source of truth)
DAMAGE_BEFORE = 5  # before this rerun, one byte of the oldest WARC file is flipped
SCHEDULE_SEED = 20261203


def _warcs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / SITE / "warc").glob("*.warc.gz"))}


def _wait_held(server, proc: subprocess.Popen, limit: float = 120) -> None:
    """Until every answer the gate allows is given and a further request waits at the gate
    (or the run ended by itself: everything it wanted was already answered)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        state = server.gate_state()
        if state["held"] > 0 or proc.poll() is not None:
            return
        time.sleep(0.01)
    raise AssertionError(f"no request held at the gate within {limit}s: {server.gate_state()}")


def _flip_a_byte(out: Path) -> tuple[Path, bytes]:
    oldest = sorted((out / SITE / "warc").glob("*.warc.gz"))[0]
    original = oldest.read_bytes()
    data = bytearray(original)
    data[len(data) // 2] ^= 0xFF
    oldest.write_bytes(bytes(data))
    return oldest, original


def _delete_state(out: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        (out / SITE / f"state.sqlite{suffix}").unlink(missing_ok=True)


@pytest.mark.slow
def test_kill_9_at_random_points_then_plain_reruns_lose_duplicate_and_tear_nothing(server, replica, tmp_path):
    rng = random.Random(SCHEDULE_SEED)
    args = [sys.executable, "-m", "dgportal_crawler", "crawl", SITE, "--base-url", server.base_url,
            "--out", str(tmp_path), "--progress", "off"]
    # one clean run of one column first: a manifest records its WARC, which is damaged later
    first = run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--columns", "tzgg")
    assert first.returncode == 0, first.stderr[-2000:]
    snapshots: list[dict[str, bytes]] = []
    schedule = []
    for i in range(KILLS):
        if i in DELETE_STATE_BEFORE:
            _delete_state(tmp_path)
        if i == DAMAGE_BEFORE:
            damaged, original = _flip_a_byte(tmp_path)
        answered = server.gate_state()["answered"]
        step = rng.randint(0, 30)  # 0: killed before it gets a single article
        server.gate(answered + step)
        snapshots.append(_warcs(tmp_path))
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        _wait_held(server, proc)
        # answers given but not yet written are part of the point: sometimes kill at once,
        # sometimes after the crawl had a moment to write them
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0, 0.2))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        schedule.append((step, proc.returncode))
    server.gate(None)
    snapshots.append(_warcs(tmp_path))

    final = run_crawl(tmp_path, SITE, "--base-url", server.base_url)
    assert final.returncode == 0, (schedule, final.stderr[-2000:])
    # the damage is said, and not recorded into the manifest as if it were the file's content
    assert f"warc/{damaged.name} in {tmp_path / SITE} changed after it was recorded" in final.stderr
    lines = lines_of(tmp_path)  # a torn line would fail to parse here
    truth = {a["id"]: a for a in replica.ground_truth(server.origin)}
    assert_each_stored_once((line["id"] for line in lines), truth, schedule)
    assert len(lines) == REPLICA_ARTICLES
    for line in lines:
        assert line["revision"] == 1, line["id"]  # never re-stored as a new revision
        assert line["text"].split("\n") == truth[line["id"]]["paragraphs"]

    # damage in an earlier run's file is for `verify` to report, not a tail to cut
    flipped = bytearray(original)
    flipped[len(original) // 2] ^= 0xFF
    assert damaged.read_bytes() == bytes(flipped), "recovery rewrote a damaged file of an earlier run"
    damaged.write_bytes(original)
    final_warcs = _warcs(tmp_path)
    for name, data in final_warcs.items():
        if name == damaged.name:
            continue
        seen = [snap[name] for snap in snapshots if name in snap]
        if not seen:
            continue  # written by the final run
        # the first snapshot holding a file is what its killed run left: the next run may cut
        # that tail back to the last whole record, and from then on the file never changes
        assert seen[0].startswith(data), f"{name}: not a prefix of what its own run wrote"
        for later in seen[1:]:
            assert later == data, f"{name}: changed after its tail was repaired {schedule}"
    verified = dgportal("verify", str(tmp_path / SITE))
    assert verified.returncode == 0, verified.stdout[-2000:]
    print("kill schedule (articles allowed, exit code):", schedule)
