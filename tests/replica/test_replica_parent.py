"""A replica started for --demo (or a test) stops when its parent is killed with -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def replicas_of(parent: int) -> list[int]:
    """Pids of replica servers started by ``parent`` (from /proc: no extra dependency)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" not in argv or b"--parent-pid" not in argv:
            continue
        if argv[argv.index(b"--parent-pid") + 1] == str(parent).encode():
            found.append(int(proc.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_killing_the_demo_stops_its_replica(tmp_path):
    demo = subprocess.Popen([sys.executable, "-m", "dgportal_crawler", "crawl", "houjie", "--demo",
                             "--demo-articles", "3000", "--out", str(tmp_path), "--progress", "off"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not replicas_of(demo.pid):
        assert demo.poll() is None and time.monotonic() < deadline, "the demo never started its replica"
        time.sleep(0.05)
    os.kill(demo.pid, signal.SIGKILL)
    demo.wait()
    deadline = time.monotonic() + 20
    while replicas_of(demo.pid):
        assert time.monotonic() < deadline, "the replica outlived the killed demo"
        time.sleep(0.1)
