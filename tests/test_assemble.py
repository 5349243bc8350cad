"""From page bytes to an archive line: the replica's article pages against its answer key."""

from __future__ import annotations

import hashlib

import pytest

from dgportal_crawler import __version__
from dgportal_crawler.assemble import article_from_page, article_from_saved
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.profile import load_profile

ORIGIN = "https://www.dg.gov.cn"
WARC_REF = {"file": "warc/20260101T000000Z-abcdef-00001.warc.gz", "offset": 1234,
            "record_id": "<urn:uuid:00000000-0000-0000-0000-000000000002>"}


@pytest.fixture(scope="module")
def profile():
    return load_profile("houjie")


def first_of(replica, template: str) -> dict:
    return next(r for r in replica.ground_truth(ORIGIN) if r["template"] == template and r["variant"] == "plain")


def fetched(replica, profile, record: dict, meta: dict | None = None) -> FetchedPage:
    answer = replica.respond(record["url"].removeprefix(ORIGIN))
    column = profile.column(record["column"])
    return FetchedPage(url=record["url"], site="houjie", column=column.id, column_name=column.name,
                       template=column.template, status=answer.status,
                       headers={k.lower(): v for k, v in answer.headers.items()}, body=answer.body,
                       fetched_at="2026-01-01T00:00:00Z", meta=meta or {})


@pytest.mark.parametrize("template", ["current", "legacy"])
def test_a_replica_article_gives_the_answer_key(replica, profile, template):
    record = first_of(replica, template)
    page = fetched(replica, profile, record, {"dgportal_warc": WARC_REF})
    article = article_from_page(page, profile, run_id="20260101T000000Z-abcdef")
    assert article.id == record["id"] == f"houjie:{record['post_id']}"
    assert article.title == record["title"]
    assert article.text.split("\n") == record["paragraphs"]
    assert article.published_at == record["published_at"]
    assert (article.column, article.column_name, article.column_path) == (
        record["column"], record["column_name"], record["column_path"])
    assert article.extraction["method"] == "template" and article.extraction["template"] == template
    assert (article.url, article.http_status, article.fetched_at) == (record["url"], 200, "2026-01-01T00:00:00Z")
    assert article.content_sha256 == hashlib.sha256(page.body).hexdigest()
    assert article.text_sha256 == hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    assert article.crawler == {"version": __version__, "run_id": "20260101T000000Z-abcdef"}
    assert article.warc == WARC_REF  # passed through from page.meta


def test_no_capture_no_warc_reference(replica, profile):
    article = article_from_page(fetched(replica, profile, first_of(replica, "current")), profile, run_id=None)
    assert article.warc is None
    assert article.crawler["run_id"] is None


def test_a_page_that_is_no_article_raises(profile):
    page = FetchedPage(url=f"{ORIGIN}/houjie/tsjh/czjs/content/post_1.html", site="houjie", column="czjs",
                       column_name="城镇建设", template="current", status=200, headers={}, body=b"",
                       fetched_at=None)
    with pytest.raises(ExtractionError):
        article_from_page(page, profile, run_id=None)


def test_a_saved_page_with_its_url_gives_the_same_text(replica, profile):
    record = first_of(replica, "legacy")
    body = replica.respond(record["url"].removeprefix(ORIGIN)).body
    article = article_from_saved(body, profile, url=record["url"], text_format="html")
    assert (article.id, article.column, article.title) == (record["id"], record["column"], record["title"])
    assert article.text.split("\n") == record["paragraphs"]
    assert (article.url, article.http_status, article.fetched_at) == (record["url"], None, None)


def test_a_saved_page_without_url_is_named_by_its_hash(replica, profile):
    record = first_of(replica, "current")
    body = replica.respond(record["url"].removeprefix(ORIGIN)).body
    article = article_from_saved(body, profile, url=None, text_format="html")
    assert article.id == "houjie:file:" + hashlib.sha256(body).hexdigest()[:16]
    assert (article.url, article.column, article.http_status) == (None, None, None)
