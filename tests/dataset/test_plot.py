"""The picture: articles per month stacked by column, a valid PNG of a sensible size, Chinese
labels without missing glyphs when a CJK font is installed, column ids and a note otherwise."""

from __future__ import annotations

import struct
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from dataset_helpers import SITE, CrawledArchive
from matplotlib import image

from dgportal_crawler.dataset import find_cjk_font, monthly_counts, plot_articles_per_month
from dgportal_crawler.dataset.plot import DPI, FIGURE_INCHES, NO_FONT_NOTE, month_range

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_a_real_picture(path: Path) -> None:
    assert png_size(path) == (int(FIGURE_INCHES[0] * DPI), int(FIGURE_INCHES[1] * DPI))
    pixels = image.imread(path)
    assert pixels.shape[:2] == (500, 1200)
    colours = {tuple(p) for p in pixels.reshape(-1, pixels.shape[2])[::7].tolist()}
    assert len(colours) > 20  # bars in several colours, text, axes: not a blank canvas


def test_months_are_counted_per_column_as_published(crawled: CrawledArchive):
    counts = monthly_counts(crawled.final / SITE)
    expected: dict[tuple[str, str], int] = {}
    for a in crawled.truth1:
        key = (a["column"], a["published_at"][:7])
        expected[key] = expected.get(key, 0) + 1
    got = {(col, month): n for (col, _), per in counts.items() for month, n in per.items()}
    assert got == expected
    assert {name for _, name in counts} == {a["column_name"] for a in crawled.truth1}


def test_chinese_labels_without_missing_glyphs(crawled: CrawledArchive, tmp_path):
    if find_cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk; .ci/run does)")
    out = tmp_path / "per-month.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = plot_articles_per_month(monthly_counts(crawled.final / SITE), out)
    assert [str(w.message) for w in caught] == []  # e.g. "Glyph 22478 missing from font(s) DejaVu Sans"
    assert result.font is not None and result.note is None
    names = sorted({(a["column"], a["column_name"]) for a in crawled.truth1})
    assert result.labels == tuple(f"{name} ({col})" for col, name in names)
    months = sorted({a["published_at"][:7] for a in crawled.truth1})
    assert result.months == len(month_range(months))
    assert_a_real_picture(out)


def test_without_a_cjk_font_the_legend_shows_ids_and_says_why(crawled: CrawledArchive, tmp_path):
    out = tmp_path / "per-month.png"
    result = plot_articles_per_month(monthly_counts(crawled.final / SITE), out, font=None)
    assert result.labels == tuple(sorted({a["column"] for a in crawled.truth1}))
    assert result.note == NO_FONT_NOTE and "fonts-noto-cjk" in result.note
    assert_a_real_picture(out)


def test_month_range_fills_gaps_across_years():
    assert month_range(["2023-11", "2024-02"]) == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert month_range([]) == []


def test_the_command_draws_the_picture(crawled: CrawledArchive, tmp_path):
    out = tmp_path / "houjie.png"
    result = subprocess.run([sys.executable, "-m", "dgportal_crawler", "stats", str(crawled.final / SITE),
                             "--json", "--plot", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert_a_real_picture(out)
    assert f"{out}: articles per month over" in result.stderr
