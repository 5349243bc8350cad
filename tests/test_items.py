"""The archive line: make_article joins what a page says with where it came from."""

from __future__ import annotations

import dataclasses
import json

from dgportal_crawler.items import (
    SCHEMA_VERSION,
    Article,
    Attachment,
    ExtractedArticle,
    Extraction,
    Image,
    PendingArticle,
    Provenance,
    Validators,
    extraction_record,
    make_article,
    sha256_hex,
)

URL = "https://www.dg.gov.cn/houjie/tsjh/czjs/content/post_1234567.html"
# Published SHA-256 test vectors (FIPS 180-2 for "abc"; the empty string).
SHA_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SHA_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def extracted(**overrides) -> ExtractedArticle:
    values = dict(
        title="厚街镇完成道路提升", title_original="厚街鎮完成道路提升",
        published_at="2023-02-27T10:14:00+08:00", published_precision="minute", source="厚街镇",
        text="abc", text_original="abc", script_original="hant",
        images=[Image("https://www.dg.gov.cn/houjie/a.jpg", "路")],
        attachments=[Attachment("https://www.dg.gov.cn/houjie/a.pdf", "通知.pdf")],
        column_path=["图说厚街", "城镇建设"], author="李明", editor="王芳", reviewer=None,
        gov_meta={"索引号": "123"},
        extraction=Extraction("template", "current", removed={"share_bar": 1}),
    )
    values.update(overrides)
    return ExtractedArticle(**values)


def provenance(**overrides) -> Provenance:
    values = dict(url=URL, site="houjie", column="czjs", column_name="城镇建设",
                  fetched_at="2026-01-01T00:00:00Z", http_status=200, raw_body=b"",
                  crawler_version="0.1.0", run_id="20260101T000000Z-abcdef")
    values.update(overrides)
    return Provenance(**values)


def test_sha256_hex_of_bytes_and_of_text():
    assert sha256_hex(b"") == SHA_EMPTY
    assert sha256_hex(b"abc") == SHA_ABC
    assert sha256_hex("abc") == SHA_ABC  # text is hashed as UTF-8
    assert sha256_hex("厚街") == sha256_hex("厚街".encode())
    assert sha256_hex("厚街") != sha256_hex("厚街".encode("gb18030"))


def test_make_article_fields():
    page = extracted()
    article = make_article(page, provenance(), "houjie:1234567")
    assert (article.id, article.url, article.site, article.column, article.column_name) == (
        "houjie:1234567", URL, "houjie", "czjs", "城镇建设")
    assert (article.title, article.title_original) == ("厚街镇完成道路提升", "厚街鎮完成道路提升")
    assert (article.published_at, article.published_precision, article.source) == (
        "2023-02-27T10:14:00+08:00", "minute", "厚街镇")
    assert (article.author, article.editor, article.reviewer) == ("李明", "王芳", None)
    assert article.gov_meta == {"索引号": "123"}
    assert article.images == [{"url": "https://www.dg.gov.cn/houjie/a.jpg", "alt": "路"}]
    assert article.attachments == [{"url": "https://www.dg.gov.cn/houjie/a.pdf", "name": "通知.pdf"}]
    assert (article.fetched_at, article.http_status) == ("2026-01-01T00:00:00Z", 200)
    assert article.content_sha256 == SHA_EMPTY  # the raw body was b""
    assert article.text_sha256 == SHA_ABC
    assert (article.revision, article.previous_text_sha256) == (1, None)
    assert article.extraction == {"method": "template", "template": "current", "removed": {"share_bar": 1},
                                  "encoding": {}, "warnings": []}
    assert article.crawler == {"version": "0.1.0", "run_id": "20260101T000000Z-abcdef"}
    assert article.warc is None and article.schema_version == SCHEMA_VERSION == 1
    # the line has its own list, not the extraction's
    article.column_path.append("x")
    assert page.column_path == ["图说厚街", "城镇建设"]


def test_no_raw_body_no_content_hash():
    article = make_article(extracted(), provenance(raw_body=None, fetched_at=None, http_status=None), "houjie:1")
    assert (article.content_sha256, article.fetched_at, article.http_status) == (None, None, None)


def test_to_dict_is_the_line_in_field_order_and_json_ready():
    line = make_article(extracted(images=[], attachments=[]), provenance(), "houjie:1234567").to_dict()
    assert list(line) == [
        "id", "url", "site", "column", "column_name", "column_path", "title", "title_original",
        "published_at", "published_precision", "source", "author", "editor", "reviewer", "gov_meta",
        "text", "text_original", "script_original", "images", "attachments", "fetched_at", "http_status",
        "content_sha256", "text_sha256", "revision", "previous_text_sha256", "extraction", "crawler", "warc",
        "schema_version",
    ]
    assert json.loads(json.dumps(line, ensure_ascii=False)) == line


def test_paragraphs_split_the_text_on_newlines():
    assert extracted(text="第一段\n第二段").paragraphs == ["第一段", "第二段"]
    assert extracted(text="").paragraphs == []


def test_validators_from_lower_case_headers():
    headers = {"etag": '"5f3c"', "last-modified": "Mon, 27 Feb 2023 02:14:00 GMT", "content-type": "text/html"}
    assert Validators.from_headers(headers) == Validators('"5f3c"', "Mon, 27 Feb 2023 02:14:00 GMT")
    assert Validators.from_headers({}) == Validators(None, None)


def test_a_pending_article_carries_validators_beside_the_line():
    article = make_article(extracted(), provenance(), "houjie:1")
    pending = PendingArticle(article)
    assert pending.validators == Validators(None, None)
    assert isinstance(pending.article, Article)
    assert "validators" not in pending.article.to_dict()  # not part of the line
    with_validators = PendingArticle(article, Validators.from_headers({"etag": '"x"'}))
    assert with_validators.validators.etag == '"x"'


def test_the_extraction_record_is_asdict_of_it_and_shares_nothing_mutable():
    record = Extraction("template", "current", removed={"share_bar": 2, "footer": 1},
                        encoding={"charset": "utf-8", "declared": {"header": "utf-8", "meta": None}},
                        warnings=["title element missing"])
    line = extraction_record(record)
    assert line == dataclasses.asdict(record)
    assert list(line) == [f.name for f in dataclasses.fields(Extraction)]  # the line's key order
    line["removed"]["x"] = 1
    line["encoding"]["declared"]["meta"] = "gbk"
    line["warnings"].append("y")
    assert record.removed == {"share_bar": 2, "footer": 1}
    assert record.encoding["declared"] == {"header": "utf-8", "meta": None}
    assert record.warnings == ["title element missing"]
