"""``dgportal clean``: saved pages, text captures and live pages (over loopback) to archive
lines on stdout."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from pathlib import Path
from typing import ClassVar

import jsonschema
import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.commands.archive_tools import load_schema
from dgportal_crawler.replica import Replica

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "houjie-article-capture.txt"


def clean(capsysbinary, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["clean", *argv])
    out, err = capsysbinary.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err.decode("utf-8")


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed capture is not beside the checkout")
def test_the_real_capture_gives_the_interview(capsysbinary):
    code, (line,), _ = clean(capsysbinary, str(SEED))
    assert code == 0
    assert line["title"] == "一把手访谈|寮厦：今年计划投4000万推进乡村振兴"
    assert (line["published_at"], line["published_precision"], line["source"]) == (
        "2023-02-27T10:14:00+08:00", "minute", "本网")
    paragraphs = line["text"].split("\n")
    assert paragraphs[0] == "访谈嘉宾：寮厦社区党委书记 詹静"
    assert paragraphs[-1].startswith("二是充分发挥龙头企业的带动作用，扎实推进产业链招商。")
    for furniture in ("提示", "视窗区", "字体", "打印", "版权所有", "slh", "日韩欧美综合", ".jpg", "分享到"):
        assert furniture not in line["text"], furniture
    assert line["images"] == [{"url": "微信圖片_20230227101143.jpg", "alt": ""}]
    assert line["script_original"] == "hant" and line["extraction"]["method"] == "capture"
    assert (line["url"], line["fetched_at"], line["http_status"]) == (None, None, None)
    assert line["id"].startswith("houjie:file:")
    assert not list(jsonschema.Draft202012Validator(load_schema()).iter_errors(line))


def test_a_saved_html_page_with_its_url(capsysbinary, tmp_path):
    replica = Replica(seed=5, articles=12)
    record = replica.ground_truth()[0]
    page = tmp_path / "page.html"
    page.write_bytes(replica.respond(record["url"].removeprefix("https://www.dg.gov.cn")).body)
    code, (line,), _ = clean(capsysbinary, str(page), "--url", record["url"])
    assert code == 0
    assert (line["id"], line["column"], line["title"]) == (record["id"], record["column"], record["title"])
    assert line["text"].split("\n") == record["paragraphs"]
    assert line["images"] == record["images"]


def test_bad_files(capsysbinary, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02" * 10)
    good = tmp_path / "ok.txt"
    good.write_text("厚街镇举行消防演练\n发布日期：2024-03-01 来源：本网\n"
                    "演练在镇中心广场举行，三百余人参加。\n", encoding="utf-8")
    code, lines, err = clean(capsysbinary, str(junk), str(good))
    assert code == 1  # one file could not be cleaned
    assert [line["title"] for line in lines] == ["厚街镇举行消防演练"]
    assert f"dgportal clean: {junk}: skipped: " in err

    code, lines, err = clean(capsysbinary, str(tmp_path / "missing.html"))
    assert code == 2 and lines == [] and "missing.html: cannot read (No such file or directory)" in err

    code, _, err = clean(capsysbinary, str(good), str(good), "--url", "https://www.dg.gov.cn/houjie/x.html")
    assert code == 2 and "--url names one page" in err


# -- live pages: dgportal clean URL… ---------------------------------------------------------

def _article_record(server, replica: Replica) -> dict:
    return next(r for r in replica.ground_truth(server.origin) if r["variant"] == "plain")


@pytest.fixture(scope="module")
def truth_replica(replica_server) -> Replica:
    return Replica(seed=replica_server.seed, articles=replica_server.articles)


def test_a_live_page_is_fetched_once_and_cleaned(capsysbinary, replica_server, truth_replica):
    record = _article_record(replica_server, truth_replica)
    replica_server.reset_stats()
    code, (line,), err = clean(capsysbinary, record["url"])
    assert code == 0, err
    assert (line["id"], line["column"], line["title"]) == (record["id"], record["column"], record["title"])
    assert line["text"].split("\n") == record["paragraphs"]
    assert line["images"] == record["images"] and line["published_at"] == record["published_at"]
    assert (line["url"], line["http_status"]) == (record["url"], 200)
    assert line["fetched_at"].endswith("Z") and line["warc"] is None
    assert not list(jsonschema.Draft202012Validator(load_schema()).iter_errors(line))
    stats = replica_server.stats()
    assert (stats["robots"], stats["article"], stats["total"]) == (1, 1, 2)


def test_errors_are_one_line_each_and_the_rest_is_cleaned(capsysbinary, replica_server, truth_replica):
    record = _article_record(replica_server, truth_replica)
    disallowed = replica_server.origin + "/houjie/search/post_1.html"
    missing = replica_server.origin + "/houjie/xwzx/hjyw/content/post_0000001.html"
    unreachable = "http://127.0.0.1:9/houjie/xwzx/hjyw/content/post_1.html"
    replica_server.reset_stats()
    code, lines, err = clean(capsysbinary, disallowed, missing, unreachable, record["url"])
    assert code == 1
    assert [line["id"] for line in lines] == [record["id"]]
    assert err.splitlines() == [
        f"dgportal clean: {disallowed}: disallowed by robots.txt",
        f"dgportal clean: {missing}: HTTP 404 Not Found",
        f"dgportal clean: {unreachable}: unreachable ([Errno 111] Connection refused)",
    ]
    assert replica_server.stats()["robots"] == 1  # one robots.txt per host, the disallowed page never asked


def test_warc_keeps_the_exchange(capsysbinary, replica_server, truth_replica, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    record = _article_record(replica_server, truth_replica)
    warc = tmp_path / "one.warc.gz"
    code, (line,), _ = clean(capsysbinary, record["url"], "--warc", str(warc), "--contact", "me@example.org")
    assert code == 0 and line["warc"]["file"] == str(warc)
    with warc.open("rb") as stream:
        stream.seek(line["warc"]["offset"])
        response = next(iter(ArchiveIterator(stream)))
        assert response.rec_headers.get_header("WARC-Record-ID") == line["warc"]["record_id"]
        assert response.rec_headers.get_header("WARC-Target-URI") == record["url"]
        body = response.content_stream().read()
    assert hashlib.sha256(body).hexdigest() == line["content_sha256"]
    with warc.open("rb") as stream:
        request = next(r for r in ArchiveIterator(stream) if r.rec_type == "request")
    assert "me@example.org" in request.http_headers.get_header("User-Agent")


def test_a_url_no_profile_holds(capsysbinary, replica_server):
    code, lines, err = clean(capsysbinary, replica_server.origin + "/humen/post_1.html")
    assert code == 2 and lines == []
    assert "no site profile holds this URL" in err and "--site" in err


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str]]] = []
    PAGE = ("<html><head><title>厚街镇召开会议_厚街要闻_中国东莞厚街镇栏目</title></head><body>"
            "<h1>厚街镇召开会议</h1><div class='x'><p>发布日期：2024-03-01 09:00　来源：本网</p>"
            "<p>会议部署了今年的重点工作，要求各社区抓好落实。</p>"
            "<p>会议还听取了各部门的工作汇报，研究了下一步措施。</p></div></body></html>")

    def do_GET(self) -> None:
        _Recorder.seen.append((self.path, self.headers.get("User-Agent", "")))
        body = (b"User-agent: *\nDisallow: /houjie/private/\n" if self.path == "/robots.txt"
                else self.PAGE.encode("utf-8"))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_user_agent_with_contact_and_robots_once(capsysbinary, monkeypatch):
    monkeypatch.setenv("DGPORTAL_CONTACT", "archive@example.org")
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/houjie/xwzx/hjyw/content/"
        code, lines, err = clean(capsysbinary, base + "post_1000001.html", base + "post_1000002.html",
                                 f"http://127.0.0.1:{server.server_address[1]}/houjie/private/post_1.html")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1 and err.count("disallowed by robots.txt") == 1
    assert [line["id"] for line in lines] == ["houjie:1000001", "houjie:1000002"]
    assert lines[0]["title"] == "厚街镇召开会议" and lines[0]["source"] == "本网"
    assert [path for path, _ in _Recorder.seen] == [
        "/robots.txt", "/houjie/xwzx/hjyw/content/post_1000001.html", "/houjie/xwzx/hjyw/content/post_1000002.html"]
    assert all(ua.startswith("dgportal-crawler/") and "archive@example.org" in ua for _, ua in _Recorder.seen)


class _Compressing(http.server.BaseHTTPRequestHandler):
    """Serves ``_Recorder.PAGE`` with ``Content-Encoding: CODING`` (robots.txt uncoded)."""

    CODING = "br"
    accept_encoding: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        import brotli
        from backports import zstd

        _Compressing.accept_encoding.append(self.headers.get("Accept-Encoding", ""))
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        encoders = {"br": brotli.compress, "zstd": zstd.compress, "gzip": __import__("gzip").compress}
        body = _Recorder.PAGE.encode("utf-8")
        for name in self.CODING.split(", "):
            body = encoders[name](body)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", self.CODING)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip, br"])
def test_a_compressed_live_page_is_cleaned_and_its_wire_bytes_kept(capsysbinary, tmp_path, coding):
    from warcio.archiveiterator import ArchiveIterator

    from dgportal_crawler.store.content_encoding import accept_encoding, decode_body

    _Compressing.CODING, _Compressing.accept_encoding = coding, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Compressing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    warc = tmp_path / "one.warc.gz"
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/houjie/xwzx/hjyw/content/post_1000001.html"
        code, (line,), err = clean(capsysbinary, url, "--warc", str(warc))
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0, err
    assert line["title"] == "厚街镇召开会议" and line["text"].startswith("会议部署了今年的重点工作")
    assert set(_Compressing.accept_encoding) == {accept_encoding()}
    assert {"br", "zstd", "gzip"} <= {c.strip() for c in accept_encoding().split(",")}
    with warc.open("rb") as stream:
        response = next(r for r in ArchiveIterator(stream) if r.rec_type == "response")
        wire = response.raw_stream.read()
        assert response.http_headers.get_header("Content-Encoding") == coding
    assert wire != _Recorder.PAGE.encode("utf-8")  # the WARC keeps what came off the wire
    assert decode_body(coding, wire) == _Recorder.PAGE.encode("utf-8")


def test_a_binary_file_is_skipped_with_one_line(capsysbinary, tmp_path):
    binary = tmp_path / "ls"
    binary.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x03\x00>\x00" + bytes(range(256)) * 4)
    code, lines, err = clean(capsysbinary, str(binary))
    assert (code, lines) == (1, [])
    assert err == f"dgportal clean: {binary}: skipped: binary content, not a text or HTML page (NUL bytes)\n"
