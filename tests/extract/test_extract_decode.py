"""decode_html: BOM > header > meta, GBK as GB18030, wrong declarations, undecodable bytes."""

from __future__ import annotations

import pytest
from extract_helpers import fixture_bytes

from dgportal_crawler.extract import decode_html
from dgportal_crawler.extract.decode import canonical_charset

TITLE = "溪头社区开展夏季防溺水安全宣传活动"
UTF8_HEADER = {"Content-Type": "text/html; charset=utf-8"}


@pytest.mark.parametrize(
    ("fixture", "headers", "charset", "source", "declared", "conflict", "bad"),
    [
        ("encodings/gbk_meta_only.html", None, "gb18030", "meta",
         {"bom": None, "header": None, "meta": "gbk"}, False, 0),
        ("encodings/gb2312_meta_header_utf8.html", UTF8_HEADER, "gb18030", "meta",
         {"bom": None, "header": "utf-8", "meta": "gb2312"}, True, 0),
        ("encodings/gbk_no_declaration.html", None, "gb18030", "sniff",
         {"bom": None, "header": None, "meta": None}, False, 0),
        ("encodings/utf8_bom_meta_gbk.html", None, "utf-8", "bom",
         {"bom": "utf-8", "header": None, "meta": "gbk"}, True, 0),
        ("encodings/utf8_meta_gbk.html", None, "utf-8", "sniff",
         {"bom": None, "header": None, "meta": "gbk"}, True, 0),
        ("encodings/gbk_broken_bytes.html", None, "gb18030", "meta",
         {"bom": None, "header": None, "meta": "gbk"}, False, 2),
        ("legacy/article.html", {"content-type": "text/html;charset=UTF-8"}, "utf-8", "header",
         {"bom": None, "header": "UTF-8", "meta": "utf-8"}, False, 0),
    ],
)
def test_decision_record(
    fixture: str, headers: dict[str, str] | None, charset: str, source: str,
    declared: dict[str, str | None], conflict: bool, bad: int,
) -> None:
    decoded = decode_html(fixture_bytes(fixture), headers)
    assert decoded.record() == {
        "charset": charset, "source": source, "declared": declared,
        "conflict": conflict, "undecodable_bytes": bad,
    }
    assert TITLE in decoded.text
    assert decoded.text.count("\ufffd") == bad
    assert not decoded.text.startswith("\ufeff")


def test_header_says_utf8_but_bytes_are_gbk() -> None:
    body = "<html><body><p>厚街镇新闻</p></body></html>".encode("gbk")
    decoded = decode_html(body, UTF8_HEADER)
    assert (decoded.charset, decoded.source, decoded.conflict) == ("gb18030", "sniff", True)
    assert "厚街镇新闻" in decoded.text


def test_undecodable_bytes_are_counted_not_dropped() -> None:
    body = b"<p>\xe5\x8e\x9a\xff\xfe\xe8\xa1\x97</p>"  # 厚 + two bad bytes + 街, declared UTF-8
    decoded = decode_html(body, UTF8_HEADER)
    assert decoded.undecodable_bytes == 2
    assert "厚\ufffd\ufffd街" in decoded.text


def test_utf16_bom() -> None:
    body = "\ufeff<p>厚街</p>".encode("utf-16-le")
    decoded = decode_html(body)
    assert (decoded.charset, decoded.source, decoded.text) == ("utf-16-le", "bom", "<p>厚街</p>")


def test_unknown_or_non_text_labels_are_ignored() -> None:
    body = b'<meta charset="base64"><p>ok</p>'
    decoded = decode_html(body, {"Content-Type": "text/html; charset=x-no-such"})
    assert (decoded.charset, decoded.source) == ("utf-8", "sniff")


@pytest.mark.parametrize(
    ("label", "charset"),
    [("GBK", "gb18030"), ("gb2312", "gb18030"), ("GB18030", "gb18030"), ("utf8", "utf-8"),
     ("UTF-8", "utf-8"), ("x-gbk", "gb18030"), ("", None), ("base64", None), ("latin-1", "cp1252")],
)
def test_canonical_charset(label: str, charset: str | None) -> None:
    assert canonical_charset(label) == charset


@pytest.mark.parametrize("label", ["utf-32", "utf-32-be", "utf-16", "UTF-16LE"])
def test_a_wide_charset_header_on_a_page_without_nul_bytes_is_overruled(label: str) -> None:
    body = "<html><body><p>厚街镇召开会议</p></body></html>".encode()
    decoded = decode_html(body, {"Content-Type": f"text/html; charset={label}"})
    assert (decoded.charset, decoded.source, decoded.conflict) == ("utf-8", "sniff", True)
    assert "厚街镇召开会议" in decoded.text and decoded.declared["header"] == label


def test_a_page_really_in_utf16_is_still_read_as_declared() -> None:
    body = "<html><body><p>厚街镇召开会议</p></body></html>".encode("utf-16-le")
    decoded = decode_html(body, {"Content-Type": "text/html; charset=utf-16le"})
    assert (decoded.charset, decoded.conflict) == ("utf-16-le", False)
    assert "厚街镇召开会议" in decoded.text


@pytest.mark.parametrize("body", [
    b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00<title>x</title>",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
])
def test_binary_content_is_refused_not_decoded(body: bytes) -> None:
    from dgportal_crawler.extract import ExtractionError

    with pytest.raises(ExtractionError, match="binary content"):
        decode_html(body)
