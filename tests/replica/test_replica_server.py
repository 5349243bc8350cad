"""The real server: a child process on 127.0.0.1, fetched with urllib."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from replica_helpers import contract_paragraphs, fetch

from dgportal_crawler.replica import Replica, ReplicaServer, ReplicaServerError


def _child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def test_server_serves_the_same_bytes_as_the_model(server: ReplicaServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/houjie/" and server.port > 0
    model = Replica()
    status, headers, body = fetch(server.base_url)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == model.respond("/houjie/").body
    record = next(r for r in model.ground_truth(server.origin) if r["variant"] == "plain")
    status, headers, body = fetch(record["url"])
    assert status == 200 and contract_paragraphs(body) == record["paragraphs"]
    assert headers["ETag"] == model.respond(model.meta(record["post_id"]).path).headers["ETag"]
    status, _, body = fetch(server.origin + "/robots.txt")
    assert status == 200 and b"Disallow: /houjie/search/" in body
    assert fetch(server.origin + "/houjie/no/such/page.html")[0] == 404


def test_stats_count_requests_by_kind(server: ReplicaServer) -> None:
    server.reset_stats()
    model = Replica()
    article = model.meta(model.article_ids()[3]).path
    etag = fetch(server.origin + article)[1]["ETag"]
    assert fetch(server.origin + article, {"If-None-Match": etag})[0] == 304
    fetch(server.origin + "/houjie/zwgk/tzgg/index.html")
    fetch(server.origin + "/robots.txt")
    fetch(server.origin + "/houjie/css/common.css")
    fetch(server.origin + "/nothing")
    stats = server.stats()
    assert stats["total"] == 6
    assert (stats["article"], stats["list"], stats["robots"], stats["asset"], stats["other"]) == (
        2, 1, 1, 1, 1)
    assert stats["not_modified"] == 1 and stats["by_status"] == {"200": 4, "304": 1, "404": 1}
    assert stats["edition"] == 1


def test_edition_switch_over_http() -> None:
    model = Replica(seed=11, articles=60, edition=2)
    removed = model.removed_articles()
    with ReplicaServer(seed=11, articles=60) as live:
        url = live.origin + model.meta(removed[1]["post_id"]).path
        assert fetch(url)[0] == 200
        live.set_edition(2)
        assert live.stats()["edition"] == 2
        status, headers, _ = fetch(url)
        assert status == 301 and headers["Location"].startswith("http://example.invalid/")
        gone = live.origin + model.meta(removed[0]["post_id"]).path
        assert fetch(gone)[0] == 404
        assert fetch(live.origin + "/__replica__/edition?n=9")[0] == 400
        live.set_edition(1)
        assert fetch(gone)[0] == 200


def test_module_entry_point_prints_the_banner_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "dgportal_crawler.replica", "serve", "--port", "0",
         "--articles", "20", "--seed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_child_env(),
    )
    with process:
        banner = process.stdout.readline()
        match = re.fullmatch(
            r"serving http://127\.0\.0\.1:(\d+)/houjie/ \(20 articles, seed 3, edition 1\)\n",
            banner,
        )
        assert match, banner
        assert fetch(f"http://127.0.0.1:{match.group(1)}/houjie/")[0] == 200
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
    assert "Traceback" not in errors


def test_a_child_that_dies_is_reported() -> None:
    broken = ReplicaServer(articles=10)
    broken.command = lambda: [sys.executable, "-c", "import sys; sys.exit('no replica')"]
    with pytest.raises(ReplicaServerError, match="no replica"):
        broken.start()
    assert broken._proc is None


def test_cli_help_lists_the_serve_options() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dgportal_crawler.replica", "serve", "--help"],
        capture_output=True, text=True, timeout=60, check=True,
        env=_child_env(),
    )
    for option in ("--port", "--articles", "--seed", "--edition", "--degraded", "--encodings"):
        assert option in result.stdout


def test_a_busy_port_is_reported_with_the_reason() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ReplicaServerError, match=f"cannot listen on 127.0.0.1:{port}"):
            ReplicaServer(articles=5, port=port).start()
