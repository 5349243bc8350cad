"""``ReplicaServer``: the replica served by a child process, for tests and benchmarks.

A child process keeps the Twisted reactor out of the caller's process (Scrapy runs its own
reactor and a reactor cannot be restarted), and stopping it frees the port for certain.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

_BANNER = re.compile(r"^serving http://127\.0\.0\.1:(\d+)/houjie/ ")
# never send loopback requests through a proxy from the environment
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class ReplicaServerError(RuntimeError):
    """The child server died or did not answer in time."""


class ReplicaServer:
    """``with ReplicaServer(articles=150) as server: fetch(server.base_url)``."""

    def __init__(
        self, seed: int = 2023, articles: int = 150, edition: int = 1, degraded: float = 0.0,
        encodings: bool = False, port: int = 0, startup_timeout: float = 20.0,
        faults: str | None = None,
    ) -> None:
        self.faults = faults  # a FaultSpec string (replica/faults.py), or None
        self.seed, self.articles, self.edition = seed, articles, edition
        self.degraded, self.encodings, self.port = degraded, encodings, port
        self.startup_timeout = startup_timeout
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: IO[str] | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/houjie/"

    def command(self) -> list[str]:
        cmd = [
            sys.executable, "-m", "dgportal_crawler", "replica", "serve",
            "--port", str(self.port), "--seed", str(self.seed),
            "--articles", str(self.articles), "--edition", str(self.edition),
            "--degraded", str(self.degraded), "--parent-pid", str(os.getpid()),
        ]
        cmd += ["--faults", self.faults] if self.faults else []
        return [*cmd, "--encodings"] if self.encodings else cmd

    def start(self) -> None:
        if self._proc is not None:
            raise ReplicaServerError("the replica server is already running")
        env = dict(os.environ)
        # the child must import this very package, installed or not
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        # closed in stop(): the file outlives this method, so no context manager here
        self._stderr = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._proc = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL,
            text=True, encoding="utf-8", env=env,
        )
        line = self._first_line()
        match = _BANNER.match(line or "")
        if match is None:
            detail = self._child_error()
            self.stop()
            what = "exited" if line is None else f"printed {line!r}"
            raise ReplicaServerError(f"replica server {what} instead of its banner{detail}")
        self.port = int(match.group(1))

    def _first_line(self) -> str | None:
        assert self._proc is not None and self._proc.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self._proc.stdout
        reader = threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True)
        reader.start()
        try:
            line = lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            self.stop()
            raise ReplicaServerError(
                f"replica server did not start within {self.startup_timeout:.0f} s"
            ) from None
        return line or None  # "" means the child closed stdout: it died

    def _child_error(self) -> str:
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=2)
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read().strip()
        return f":\n{text[-2000:]}" if text else ""

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> ReplicaServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- control API ----------------------------------------------------------------
    def _control(self, action: str, method: str = "GET") -> dict:
        if self._proc is None:
            raise ReplicaServerError("the replica server is not running")
        request = urllib.request.Request(f"{self.origin}/__replica__/{action}", method=method)
        with _LOOPBACK.open(request, timeout=10) as response:
            return json.loads(response.read().decode("utf-8"))

    def stats(self) -> dict:
        return self._control("stats")

    def reset_stats(self) -> None:
        self._control("reset", "POST")

    def set_edition(self, n: int) -> None:
        answer = self._control(f"edition?n={int(n)}", "POST")
        self.edition = answer["edition"]

    def gate(self, allow: int | None) -> dict:
        """Answer only ``allow`` article requests in all (counted from the first call), hold
        the rest open; ``None`` opens the gate. Returns ``{allow, answered, held}``."""
        action = "gate?open=1" if allow is None else f"gate?allow={int(allow)}"
        return self._control(action, "POST")

    def gate_state(self) -> dict:
        return self._control("gate")
