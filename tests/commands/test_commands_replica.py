"""``dgportal replica serve``: argument mistakes are one line (exit 2) before anything starts; a
busy port is one line; a served replica says where it is, answers on 127.0.0.1 and stops on
SIGTERM with exit 0."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.replica import Replica
from tests.replica.replica_helpers import fetch


def serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "dgportal_crawler", "replica", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


@pytest.mark.parametrize(("argv", "message"), [
    (("--articles", "0"), "--articles must be at least 1"),
    (("--port", "70000"), "--port 70000 is not a port number"),
    (("--port", "-1"), "--port -1 is not a port number"),
    (("--degraded", "1.5"), "--degraded 1.5 is not a fraction between 0 and 1"),
    (("--degraded", "-0.1"), "--degraded -0.1 is not a fraction between 0 and 1"),
])
def test_argument_mistakes_are_one_line_and_exit_2(capsys, argv, message):
    assert main(["replica", "serve", *argv]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"dgportal: error: {message}\n")


def test_a_busy_port_is_one_line_and_exit_2(busy_port):
    proc = serve("--port", str(busy_port))
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (2, "")
    assert err == f"dgportal: error: cannot listen on 127.0.0.1:{busy_port}: Address already in use\n"


def test_a_served_replica_says_where_it_is_and_stops_on_sigterm():
    proc = serve("--port", "0", "--articles", "4", "--seed", "5", "--edition", "2")
    try:
        first = proc.stdout.readline()
        found = re.fullmatch(r"serving http://127\.0\.0\.1:(\d+)/houjie/ \(4 articles, seed 5, edition 2\)\n", first)
        assert found, first + proc.stderr.read() if proc.poll() is not None else first
        origin = f"http://127.0.0.1:{found.group(1)}"
        article = Replica(seed=5, articles=4, edition=2).ground_truth(origin)[0]
        status, _, body = fetch(article["url"])
        assert status == 200 and article["title"].encode("utf-8") in body
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
