"""HTTP behaviour of Replica.respond: editions, conditional requests, assets, encodings."""

from __future__ import annotations

import lxml.html
from replica_helpers import contract_paragraphs

from dgportal_crawler.replica import Replica

ORIGIN = "https://www.dg.gov.cn"


def test_edition_two_edits_three_and_removes_two() -> None:
    first, second = Replica(), Replica(edition=2)
    before = {r["post_id"]: r for r in first.ground_truth()}
    after = {r["post_id"]: r for r in second.ground_truth()}
    changed = [pid for pid, r in after.items() if r["edition_changed"]]
    assert len(changed) == 3 and not any(r["edition_changed"] for r in before.values())
    for pid in changed:
        old, new = before[pid]["paragraphs"], after[pid]["paragraphs"]
        assert len(old) == len(new) and sum(a != b for a, b in zip(old, new, strict=True)) == 1
        served = second.respond(second.meta(pid).path)
        assert contract_paragraphs(served.body) == new
        assert served.headers["ETag"] != first.respond(first.meta(pid).path).headers["ETag"]
    removed = second.removed_articles(ORIGIN)
    assert sorted(before) == sorted([*after, *(r["post_id"] for r in removed)])
    assert [r["status"] for r in removed] == [404, 301]
    gone = second.respond(removed[0]["url"][len(ORIGIN):])
    moved = second.respond(removed[1]["url"][len(ORIGIN):])
    assert gone.status == 404 and moved.status == 301
    assert moved.headers["Location"].startswith("http://example.invalid/houjie/")
    assert moved.headers["Location"] == removed[1]["location"]
    assert first.removed_articles() == []
    unchanged = next(pid for pid in after if pid not in changed)
    assert (first.respond(first.meta(unchanged).path).body
            == second.respond(second.meta(unchanged).path).body)


def test_edition_switch_at_runtime_follows_the_truth() -> None:
    replica = Replica()
    replica.set_edition(2)
    assert replica.ground_truth() == Replica(edition=2).ground_truth()
    replica.set_edition(1)
    assert len(replica.article_ids()) == 150


def test_conditional_requests_answer_304(replica: Replica) -> None:
    path = replica.meta(replica.article_ids()[40]).path
    full = replica.respond(path)
    etag, modified = full.headers["ETag"], full.headers["Last-Modified"]
    assert full.status == 200 and etag.startswith('"') and modified.endswith(" GMT")
    assert replica.respond(path, {"If-None-Match": etag}).status == 304
    assert replica.respond(path, {"if-none-match": f'"x", W/{etag}'}).status == 304
    assert replica.respond(path, {"If-None-Match": '"other"'}).status == 200
    hit = replica.respond(path, {"If-Modified-Since": modified})
    assert hit.status == 304 and hit.body == b"" and hit.headers["ETag"] == etag
    early = "Mon, 01 Jan 2018 00:00:00 GMT"
    assert replica.respond(path, {"If-Modified-Since": early}).status == 200
    assert replica.respond(path, {"If-Modified-Since": "garbage"}).status == 200


def test_edited_article_is_not_fresh_for_edition_one_validators() -> None:
    replica = Replica()
    pid = next(p for p in replica.article_ids() if replica.index.by_id[p] in replica.index.edited)
    path = replica.meta(pid).path
    old = replica.respond(path).headers
    replica.set_edition(2)
    assert replica.respond(path, {"If-None-Match": old["ETag"]}).status == 200
    assert replica.respond(path, {"If-Modified-Since": old["Last-Modified"]}).status == 200


def test_robots_assets_and_misses(replica: Replica) -> None:
    robots = replica.respond("/robots.txt")
    assert robots.kind == "robots" and b"Disallow: /houjie/search/" in robots.body
    record = next(r for r in replica.ground_truth() if r["images"] and r["attachments"])
    image = replica.respond(record["images"][0]["url"][len(ORIGIN):])
    assert image.headers["Content-Type"] == "image/jpeg" and image.body[:3] == b"\xff\xd8\xff"
    assert image.body.endswith(b"\xff\xd9")
    types = {"pdf": "application/pdf", "doc": "application/msword",
             "xls": "application/vnd.ms-excel"}
    for attachment in (a for r in replica.ground_truth() for a in r["attachments"]):
        got = replica.respond(attachment["url"][len(ORIGIN):])
        ext = attachment["name"].rsplit(".", 1)[1]
        assert got.status == 200 and got.kind == "asset"
        if ext in types:
            assert got.headers["Content-Type"] == types[ext]
        if ext == "pdf":
            assert got.body.startswith(b"%PDF-")
    for miss in ("/img/0/400/4009999.jpg", "/img/0/1/4000000.jpg", "/attachment/0/500/1.pdf",
                 "/houjie/xwzx/hjyw/content/post_0000001.html", "/favicon.ico"):
        assert replica.respond(miss).status == 404, miss
    other_column = replica.meta(replica.article_ids()[0])
    wrong = other_column.path.replace(other_column.col.path, "zwgk/zcjd/" if
                                      other_column.col.id != "zcjd" else "xwzx/hjyw/")
    assert replica.respond(wrong).status == 404


def test_encoding_variants_decode_with_their_declared_codec() -> None:
    replica = Replica(encodings=True)
    modes = {}
    for record in replica.ground_truth():
        if record["variant"] != "encoded":
            continue
        response = replica.respond(record["url"][len(ORIGIN):])
        mode = replica.encoding_of(record["post_id"])
        modes[mode] = response.headers["Content-Type"]
        body = response.body
        if mode == "bom":
            assert body.startswith(b"\xef\xbb\xbf")
            text = body[3:].decode("utf-8")
        else:
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise AssertionError("GBK bytes must not pass as UTF-8")
            text = body.decode("gb18030")
        assert contract_paragraphs(text) == record["paragraphs"]
        assert lxml.html.fromstring(text).xpath("//ucaptitle")[0].text == record["title"]
    assert modes == {
        "meta-only": "text/html", "wrong-header": "text/html; charset=utf-8",
        "conflict": "text/html; charset=gbk", "latin1-header": "text/html; charset=iso-8859-1",
        "bom": "text/html",
    }
