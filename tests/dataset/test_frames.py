"""pandas, Arrow and polars tables of the crawled archive: explicit types, values as the
replica published them, and one clear error when the analysis extra is missing."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from dataset_helpers import SITE, UNDATED_ID, CrawledArchive, add_undated_article, copy_archive, text_of

from dgportal_crawler.dataset import (
    MissingExtraError,
    arrow_schema,
    load_arrow,
    load_dataframe,
    load_polars,
    polars_schema,
)
from dgportal_crawler.dataset.extras import INSTALL, require


@pytest.fixture(scope="module")
def frame(crawled: CrawledArchive) -> pd.DataFrame:
    return load_dataframe(crawled.final / SITE)


def test_times_are_tz_aware_and_fall_on_the_published_day(frame: pd.DataFrame, crawled: CrawledArchive):
    assert str(frame["published_at"].dtype) == "datetime64[us, Asia/Shanghai]"
    assert str(frame["fetched_at"].dtype) == "datetime64[us, UTC]"
    truth = {a["id"]: a["published_at"] for a in crawled.truth1}
    got = dict(zip(frame["id"], frame["published_at"], strict=True))
    assert {i: t.isoformat() for i, t in got.items()} == truth
    day_precision = [a["id"] for a in crawled.truth1 if a["published_precision"] == "day"]
    assert day_precision, "the replica should have day-precision dates"
    assert all(str(got[i].date()) == truth[i][:10] for i in day_precision)  # not the day before


def test_strings_stay_strings_even_when_all_null(frame: pd.DataFrame, crawled: CrawledArchive):
    text_columns = ["id", "title", "source", "author", "editor", "reviewer", "text", "column_name"]
    assert all(frame[c].dtype == pd.StringDtype() for c in text_columns)
    no_reviewer = [a["published_at"][:10] for a in crawled.truth1 if a["reviewer"] is None]
    some_days = [d for d in no_reviewer if all(a["reviewer"] is None for a in crawled.truth1
                                               if a["published_at"][:10] == d)]
    one_day = load_dataframe(crawled.final, since=some_days[0], until=some_days[0], columns=["id", "reviewer"])
    assert len(one_day) >= 1 and one_day["reviewer"].isna().all()
    assert one_day["reviewer"].dtype == pd.StringDtype()
    assert frame["revision"].dtype == pd.Int64Dtype() and frame["http_status"].dtype == pd.Int64Dtype()


def test_lists_stay_lists_and_objects_dicts(frame: pd.DataFrame, crawled: CrawledArchive):
    truth = {a["id"]: a for a in crawled.truth1}
    rows = frame.set_index("id")
    for article_id, a in truth.items():
        row = rows.loc[article_id]
        assert row["column_path"] == a["column_path"]
        assert row["images"] == a["images"] and row["attachments"] == a["attachments"]
        assert row["gov_meta"] == a["gov_meta"]
        assert row["text"] == text_of(a)
    extraction = rows.iloc[0]["extraction"]
    assert isinstance(extraction, dict) and isinstance(extraction["removed"], dict)
    assert extraction["encoding"]["charset"] == "utf-8"  # the open object is a dict again
    assert sum(g is not None for g in frame["gov_meta"]) == sum(a["gov_meta"] is not None for a in truth.values())


def test_the_withdrawn_view_and_revisions_as_frames(crawled: CrawledArchive):
    withdrawn = load_dataframe(crawled.edition2, view="withdrawn", columns=["id", "url"])
    assert set(withdrawn["id"]) == crawled.removed_ids
    every = load_dataframe(crawled.final, view="all", columns=["id", "revision"])
    assert Counter(every["revision"].tolist()) == Counter({1: 150, 2: 3, 3: 3})


def test_an_undated_file_keeps_the_types(crawled: CrawledArchive, tmp_path):
    root = copy_archive(crawled.final, tmp_path / "archive")
    add_undated_article(root)
    frame = load_dataframe(root)
    assert len(frame) == 151
    assert str(frame["published_at"].dtype) == "datetime64[us, Asia/Shanghai]"
    assert frame.loc[frame["id"] == UNDATED_ID, "published_at"].isna().all()
    assert frame["published_at"].dt.year.notna().sum() == 150


def test_arrow_and_polars_use_the_one_schema(crawled: CrawledArchive):
    table = load_arrow(crawled.final)
    assert table.schema == arrow_schema() and table.num_rows == 150
    assert table.schema.field("gov_meta").type == pa.map_(pa.string(), pa.string())
    assert table.schema.field("published_at").type == pa.timestamp("us", tz="Asia/Shanghai")
    frame = load_polars(crawled.final, columns=["id", "published_at", "gov_meta", "images"])
    assert frame.schema == polars_schema(["id", "published_at", "gov_meta", "images"])
    assert frame.schema["published_at"] == pl.Datetime("us", "Asia/Shanghai")
    truth = {a["id"]: a for a in crawled.truth1}
    for row in frame.iter_rows(named=True):
        assert row["images"] == truth[row["id"]]["images"]
        assert row["published_at"].isoformat() == truth[row["id"]]["published_at"]


def test_a_missing_library_is_one_error_naming_the_extra():
    with pytest.raises(MissingExtraError, match=r"pip install 'dgportal-crawler\[analysis\]'"):
        require("pyarrow_not_installed_here")


def test_a_missing_pandas_stops_load_dataframe_with_the_extra_named(crawled: CrawledArchive):
    code = ("import sys; sys.modules['pandas'] = None\n"  # as if pandas were not installed
            "from dgportal_crawler.dataset import load_dataframe\n"
            f"load_dataframe({str(crawled.final)!r})\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"dgportal_crawler.dataset.extras.MissingExtraError: pandas is needed for this and is not installed: {INSTALL}")
