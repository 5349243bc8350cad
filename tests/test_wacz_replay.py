"""Replay and exchange: ``dgportal export --format wacz`` gives a WACZ that the ``wacz``
package validates, and the archive's WARC files replay in pywb on 127.0.0.1."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.dataset import iter_articles
from dgportal_crawler.dataset.loader import ArchiveReader
from dgportal_crawler.dataset.wacz import iter_pages
from dgportal_crawler.dataset.writers import export
from dgportal_crawler.store.jsonl import encode_line
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.warc import WarcArchive
from dgportal_crawler.store.warc_read import read_record
from tests.archive_helpers import SITE
from tests.conftest import REPLICA_ARTICLES, run_crawl

LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
WITHDRAWN_AT = "2099-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def layout(replica_server, tmp_path_factory) -> SiteLayout:
    """A crawled replica archive in which one article was withdrawn after its capture."""
    out = tmp_path_factory.mktemp("wacz")
    result = run_crawl(out, SITE, "--base-url", replica_server.base_url)
    assert result.returncode == 0, result.stderr[-2000:]
    layout = SiteLayout.of(out, SITE)
    gone = next(iter_articles(layout.site_dir, columns=["id"]))["id"]
    with layout.events_file.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"event": "withdrawn", "id": gone, "at": WITHDRAWN_AT}) + "\n")
    return layout


@pytest.fixture(scope="module")
def wacz(layout, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "houjie.wacz"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["export", str(layout.site_dir), "--format", "wacz", "--out", str(out)]) == 0
    assert printed.getvalue() == f"{out}: {REPLICA_ARTICLES - 1} articles (current view, wacz)\n"
    return out


@pytest.mark.slow
def test_the_wacz_holds_every_capture_an_index_and_the_current_articles(layout, wacz) -> None:
    out = wacz
    validated = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(out)],
                               capture_output=True, text=True, timeout=120)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "Validation succeeded, the passed WACZ is valid" in validated.stdout

    with zipfile.ZipFile(out) as packed:
        entries = {name: packed.read(name) for name in packed.namelist()}
    warcs = {f"archive/{p.name}": p.read_bytes() for p in layout.warc_files()}
    assert warcs and {n: b for n, b in entries.items() if n.startswith("archive/")} == warcs
    package = json.loads(entries["datapackage.json"])
    assert {r["path"]: r["hash"] for r in package["resources"]} == {
        name: "sha256:" + hashlib.sha256(data).hexdigest() for name, data in entries.items()
        if not name.startswith("datapackage")}
    digest = json.loads(entries["datapackage-digest.json"])
    assert digest["hash"] == "sha256:" + hashlib.sha256(entries["datapackage.json"]).hexdigest()

    current = {a["url"]: a for a in iter_articles(layout.site_dir)}
    pages = list(iter_pages(out))
    assert sorted(p["url"] for p in pages) == sorted(current)  # the withdrawn one is not listed
    for page in pages:
        article = current[page["url"]]
        assert (page["id"], page["title"], page["published_at"]) == (
            article["id"], article["title"], article["published_at"])
    # every page's capture is in the index under its url and timestamp, as a replay tool looks it up
    captures = {(entry["url"], stamp) for stamp, entry in cdx_entries(entries["indexes/index.cdx.gz"])}
    assert {(p["url"], compact(p["ts"])) for p in pages} <= captures


@pytest.mark.slow
def test_the_warc_files_and_the_wacz_replay_in_pywb(layout, wacz, tmp_path) -> None:
    python = pywb_python()
    manager = [python, "-m", "pywb.manager.manager"]
    for args in (["init", "warcs"], ["add", "warcs", *map(str, layout.warc_files())],
                 ["init", "wacz"], ["add", "--unpack-wacz", "wacz", str(wacz)]):
        done = subprocess.run([*manager, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    article = replayable_article(layout)
    stamp = compact(capture_date(layout, article))
    port = free_port()
    server = subprocess.Popen([python, "-m", "pywb.apps.cli", "-p", str(port), "-b", "127.0.0.1"],
                              cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        wait_for(f"http://127.0.0.1:{port}/warcs/", server)
        _, _, captured = read_record(layout.site_dir, article["warc"])
        for collection in ("warcs", "wacz"):
            base = f"http://127.0.0.1:{port}/{collection}"
            with LOOPBACK.open(f"{base}/{stamp}id_/{article['url']}", timeout=30) as answer:
                assert answer.read() == captured  # id_: the archived bytes, untouched
            with LOOPBACK.open(f"{base}/{stamp}mp_/{article['url']}", timeout=30) as answer:  # rewritten
                replayed = html.unescape(answer.read().decode(charset_of(article), "replace"))
            assert article["title_original"] in replayed, collection
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


# -- without a crawl ----------------------------------------------------------------------------------
FIXED = datetime(2026, 11, 25, 17, 30, 8, tzinfo=UTC)


def small_site(root: Path, *, warc: bool = True) -> SiteLayout:
    """Two captured articles and one without a capture, as a ``--no-warc`` run leaves them."""
    layout = SiteLayout.of(root, SITE)
    refs: list[dict[str, Any] | None] = [None, None]
    if warc:
        with WarcArchive(layout.warc_dir, "run1", clock=lambda: FIXED, software="t", info={}) as archive:
            refs = [archive.write_exchange(f"http://127.0.0.1:1/a/{n}.html", "GET", [], b"", 200, "OK",
                                           [("Content-Type", "text/html")], f"<title>{n}</title>".encode()
                                           ).to_dict() for n in (1, 2)]
    lines = [{"id": f"{SITE}:{n}", "site": SITE, "url": f"http://127.0.0.1:1/a/{n}.html", "title": f"标题{n}",
              "published_at": f"2023-02-0{n}T00:00:00+08:00", "revision": 1, "warc": ref}
             for n, ref in zip((1, 2), refs, strict=True)]
    lines.append({**lines[0], "id": f"{SITE}:3", "url": "http://127.0.0.1:1/a/3.html", "warc": None})
    path = layout.article_file("2023-02-01")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(encode_line(line) for line in lines))
    return layout


def test_pages_list_the_captured_articles_at_their_capture_time(tmp_path) -> None:
    layout = small_site(tmp_path)
    out = tmp_path / "small.wacz"
    result = export(ArchiveReader(layout.site_dir, columns=["id", "title"]), "wacz", out)
    assert result.rows == 2  # the article without a capture cannot be replayed: not listed
    assert list(iter_pages(out)) == [
        {"id": f"{SITE}:{n}", "url": f"http://127.0.0.1:1/a/{n}.html", "ts": "2026-11-25T17:30:08Z",
         "title": f"标题{n}", "published_at": f"2023-02-0{n}T00:00:00+08:00"} for n in (1, 2)]
    with zipfile.ZipFile(out) as packed:
        assert packed.read("archive/run1-00001.warc.gz") == layout.warc_file("run1", 1).read_bytes()


def test_an_archive_without_warc_files_is_one_line_and_exit_2(tmp_path, capsys) -> None:
    layout = small_site(tmp_path, warc=False)
    out = tmp_path / "none.wacz"
    assert main(["export", str(layout.site_dir), "--format", "wacz", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        "dgportal: error: no WARC file to pack: the archive was crawled with --no-warc\n")
    assert not out.exists() and list(tmp_path.glob(".none.wacz*")) == []


def test_a_line_pointing_nowhere_in_its_warc_is_one_line_and_exit_2(tmp_path, capsys) -> None:
    layout = small_site(tmp_path)
    path = layout.article_files()[0]
    first, rest = path.read_bytes().split(b"\n", 1)
    line = json.loads(first)
    path.write_bytes(encode_line({**line, "warc": {**line["warc"], "offset": 5}}) + rest)
    assert main(["export", str(layout.site_dir), "--format", "wacz", "--out", str(tmp_path / "x.wacz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dgportal: error: {layout.site_dir}: no WARC record at warc/run1-00001.warc.gz@5 (")
    assert err.endswith("; `dgportal verify` lists the damage\n") and err.count("\n") == 1


# -- helpers ----------------------------------------------------------------------------------------
def pywb_python() -> str:
    """The python of an environment where pywb runs: ``DGPORTAL_PYWB_PYTHON``, else this one.
    pywb 2.10 pins redis==2.10.6, fakeredis<1.0, werkzeug==3.1.7 and pyOpenSSL<26.2, so it
    often has to live in an environment of its own (``pipx install pywb``)."""
    chosen = os.environ.get("DGPORTAL_PYWB_PYTHON")
    python = chosen or sys.executable
    probe = subprocess.run([python, "-W", "ignore", "-c", "import pywb.apps.frontendapp"],
                           capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        error = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        # Asked for by name (as .ci/run does): a broken environment is a failure, not a skip.
        assert not chosen, f"DGPORTAL_PYWB_PYTHON={chosen} cannot import pywb: {error}"
        pytest.skip(f"pywb cannot start with {python} ({error}); install it apart, e.g. `pipx install "
                    "pywb`, and set DGPORTAL_PYWB_PYTHON to that environment's python")
    return python


def compact(iso: str) -> str:
    """``2026-12-02T18:51:14Z`` → ``20261202185114`` (the timestamps of CDX and replay URLs)."""
    return "".join(c for c in iso if c.isdigit())[:14]


def cdx_entries(index_gz: bytes) -> list[tuple[str, dict[str, Any]]]:
    lines = gzip.decompress(index_gz).decode("utf-8").splitlines()
    return [(line.split(" ", 2)[1], json.loads(line.split(" ", 2)[2])) for line in lines]


def charset_of(article: dict[str, Any]) -> str:
    return article["extraction"]["encoding"]["charset"] or "utf-8"


def replayable_article(layout: SiteLayout) -> dict[str, Any]:
    """An article whose title stands in its captured page as written (no markup inside)."""
    for article in iter_articles(layout.site_dir):
        _, _, body = read_record(layout.site_dir, article["warc"])
        if article["title_original"] in html.unescape(body.decode(charset_of(article), "replace")):
            return article
    raise AssertionError("no captured page shows its title as written")


def capture_date(layout: SiteLayout, article: dict[str, Any]) -> str:
    from warcio.archiveiterator import ArchiveIterator

    with layout.resolve(article["warc"]["file"]).open("rb") as fh:
        fh.seek(article["warc"]["offset"])
        return next(iter(ArchiveIterator(fh))).rec_headers.get_header("WARC-Date")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"pywb exited ({server.returncode}): {server.stderr.read()[-2000:]!r}")
        try:
            with LOOPBACK.open(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"pywb did not answer {url} within {limit} s")
