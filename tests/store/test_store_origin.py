"""origin.json: one origin per archive folder, recorded once, checked before every crawl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.origin import OriginMismatch, check_origin, origin_of, record_origin, recorded_origin

REAL = "https://www.dg.gov.cn/houjie/"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://www.dg.gov.cn/houjie/", "www.dg.gov.cn"),
        ("http://WWW.DG.GOV.CN/houjie/", "www.dg.gov.cn"),  # http and https, any case: one origin
        ("https://www.dg.gov.cn:8443/houjie/", "www.dg.gov.cn:8443"),
        ("http://127.0.0.1:8800/houjie/", "loopback"),  # the replica, whatever its port
        ("http://127.0.0.2:1/", "loopback"),
        ("http://localhost:9/houjie/", "loopback"),
        ("http://[::1]:8800/houjie/", "loopback"),
        ("http://10.0.0.1/houjie/", "10.0.0.1"),
    ],
)
def test_origin_of(url, origin):
    assert origin_of(url) == origin


def test_recorded_once_and_never_changed(tmp_path: Path):
    layout = SiteLayout.of(tmp_path, "houjie")
    assert recorded_origin(layout) is None
    record_origin(layout, REAL, "2026-01-01T00:00:00Z")
    expected = {"origin": "www.dg.gov.cn", "base_url": REAL, "recorded_at": "2026-01-01T00:00:00Z"}
    assert json.loads(layout.origin_file.read_text(encoding="utf-8")) == expected
    record_origin(layout, "http://127.0.0.1:8800/houjie/", "2026-02-01T00:00:00Z")
    assert recorded_origin(layout) == expected


def test_the_same_origin_passes(tmp_path: Path):
    layout = SiteLayout.of(tmp_path, "houjie")
    check_origin(layout, REAL)  # nothing recorded yet
    record_origin(layout, "http://127.0.0.1:8800/houjie/", "2026-01-01T00:00:00Z")
    check_origin(layout, "http://127.0.0.1:40211/houjie/")  # the replica on another port


def test_another_origin_is_refused_with_a_folder_to_use(tmp_path: Path):
    layout = SiteLayout.of(tmp_path, "houjie")
    record_origin(layout, REAL, "2026-01-01T00:00:00Z")
    with pytest.raises(OriginMismatch) as info:
        check_origin(layout, "http://127.0.0.1:8800/houjie/")
    assert str(info.value) == (
        f"{layout.site_dir} was made from {REAL}; not adding pages from http://127.0.0.1:8800/houjie/ to it "
        f"(a different site): choose another folder with --out (e.g. --out {tmp_path / 'replica'})")
    with pytest.raises(OriginMismatch, match=r"--out .*www\.dg\.gov\.cn_8443\)$"):
        check_origin(layout, "https://www.dg.gov.cn:8443/houjie/")


@pytest.mark.parametrize("content", ["{not json", '["a list"]', '{"origin": 7}', ""])
def test_an_unreadable_record_counts_as_none(tmp_path: Path, content: str):
    layout = SiteLayout.of(tmp_path, "houjie")
    layout.site_dir.mkdir()
    layout.origin_file.write_text(content, encoding="utf-8")
    assert recorded_origin(layout) is None
    check_origin(layout, "http://127.0.0.1:8800/houjie/")
