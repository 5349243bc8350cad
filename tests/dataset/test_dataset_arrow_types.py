"""``dgportal_crawler.dataset.arrow_types``: the one Arrow schema of a line, generated from its
JSON Schema by the rules of the module's docstring, and lines turned into record batches."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from dataset_helpers import article_line

from dgportal_crawler.dataset.arrow_types import (
    TIME_ZONES,
    arrow_schema,
    json_text_paths,
    parse_time,
    record_batches,
)
from dgportal_crawler.dataset.fields import fields

SHANGHAI, UTC = ZoneInfo("Asia/Shanghai"), dt.UTC


def test_the_schema_has_every_field_in_line_order():
    assert tuple(arrow_schema().names) == fields()


@pytest.mark.parametrize(("name", "expected"), [
    # times: timestamps in their zone
    ("published_at", pa.timestamp("us", tz="Asia/Shanghai")),
    ("fetched_at", pa.timestamp("us", tz="UTC")),
    # strings, nullable or not, through a $ref, an enum or a oneOf of strings
    ("id", pa.string()), ("column", pa.string()), ("published_precision", pa.string()),
    ("script_original", pa.string()), ("content_sha256", pa.string()),
    # integers, a const integer
    ("http_status", pa.int64()), ("revision", pa.int64()), ("schema_version", pa.int64()),
    # arrays, objects with properties, objects of additionalProperties
    ("column_path", pa.list_(pa.string())),
    ("images", pa.list_(pa.struct([("url", pa.string()), ("alt", pa.string())]))),
    ("attachments", pa.list_(pa.struct([("url", pa.string()), ("name", pa.string())]))),
    ("gov_meta", pa.map_(pa.string(), pa.string())),
    ("warc", pa.struct([("file", pa.string()), ("offset", pa.int64()), ("record_id", pa.string())])),
    ("crawler", pa.struct([("version", pa.string()), ("run_id", pa.string())])),
    # an open object (extraction.encoding) is its JSON text
    ("extraction", pa.struct([("method", pa.string()), ("template", pa.string()),
                              ("removed", pa.map_(pa.string(), pa.int64())), ("encoding", pa.string()),
                              ("warnings", pa.list_(pa.string()))])),
])
def test_json_schema_types_map_to_arrow_types(name, expected):
    assert arrow_schema().field(name).type == expected


def test_a_schema_of_some_columns_keeps_their_order():
    schema = arrow_schema(["revision", "title", "published_at"])
    assert schema.names == ["revision", "title", "published_at"]
    assert schema.field("published_at").type == pa.timestamp("us", tz="Asia/Shanghai")


def test_an_unknown_column_is_not_a_schema():
    with pytest.raises(KeyError):
        arrow_schema(["nosuch"])


def test_the_only_open_object_is_the_extraction_encoding():
    assert json_text_paths() == [("extraction", "encoding")]
    assert set(TIME_ZONES) == {"published_at", "fetched_at"}


@pytest.mark.parametrize(("value", "zone", "expected"), [
    ("2023-02-27T10:14:00+08:00", "Asia/Shanghai", dt.datetime(2023, 2, 27, 2, 14, tzinfo=UTC)),
    ("2026-11-25T17:30:08Z", "UTC", dt.datetime(2026, 11, 25, 17, 30, 8, tzinfo=UTC)),
    # a day is midnight where it was published, which is the evening before in UTC
    ("2023-02-27", "Asia/Shanghai", dt.datetime(2023, 2, 26, 16, 0, tzinfo=UTC)),
    (None, "UTC", None),
    ("", "UTC", None),
    (20230227, "UTC", None),
])
def test_parse_time_reads_iso_times_and_days(value, zone, expected):
    parsed = parse_time(value, zone)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() is not None  # always aware


def test_a_day_keeps_the_zone_it_was_given():
    assert parse_time("2023-02-27", "Asia/Shanghai").tzinfo == SHANGHAI


def test_parse_time_refuses_what_is_not_a_time():
    with pytest.raises(ValueError, match=r"^'yesterday' is not an ISO 8601 time$"):
        parse_time("yesterday", "UTC")


def test_rows_become_batches_of_the_asked_size():
    rows = [article_line(n) for n in range(1, 6)]
    batches = list(record_batches(rows, arrow_schema(), batch_size=2))
    assert [b.num_rows for b in batches] == [2, 2, 1]
    assert all(b.schema == arrow_schema() for b in batches)
    assert [r["id"] for b in batches for r in b.to_pylist()] == [r["id"] for r in rows]


def test_no_rows_no_batches():
    assert list(record_batches([], arrow_schema())) == []


def test_values_are_converted_for_arrow_and_read_back():
    line = article_line(7, published_at="2023-02-07", gov_meta={"索引号": "11441900/2023-00001"},
                        images=[{"url": "a.jpg", "alt": ""}],
                        extraction={"method": "fallback", "template": None, "removed": {"nav": 2},
                                    "encoding": {"declared": "gb2312", "used": "gb18030"},
                                    "warnings": ["short text"]})
    (batch,) = record_batches([line], arrow_schema())
    (row,) = batch.to_pylist()
    assert row["published_at"] == dt.datetime(2023, 2, 7, tzinfo=SHANGHAI)
    assert row["fetched_at"] == dt.datetime(2026, 11, 25, 17, 30, 8, tzinfo=UTC)
    assert row["gov_meta"] == [("索引号", "11441900/2023-00001")]  # an Arrow map reads back as pairs
    assert row["images"] == [{"url": "a.jpg", "alt": ""}]
    extraction = row["extraction"]
    assert json.loads(extraction["encoding"]) == {"declared": "gb2312", "used": "gb18030"}
    assert extraction["encoding"] == '{"declared": "gb2312", "used": "gb18030"}'  # sorted keys, as text
    assert (extraction["method"], extraction["template"], extraction["removed"]) == ("fallback", None, [("nav", 2)])
    assert row["warc"] is None and row["author"] is None


def test_a_missing_field_becomes_null_and_a_subset_schema_takes_only_its_fields():
    line = article_line(2)
    del line["source"], line["extraction"]
    schema = arrow_schema(["id", "source", "extraction"])
    (batch,) = record_batches([line], schema)
    assert batch.to_pylist() == [{"id": line["id"], "source": None, "extraction": None}]


def test_a_value_that_is_not_a_time_stops_the_batch():
    with pytest.raises(ValueError, match="is not an ISO 8601 time"):
        list(record_batches([article_line(1, published_at="27/02/2023")], arrow_schema(["published_at"])))
