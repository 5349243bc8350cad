"""``dgportal stats``: the table per column × period, ``--json``, ``--plot``, and one line for
every user mistake. Through ``main(argv)`` on a small archive whose numbers are known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.commands.stats import TABLE, _cell
from tests.dataset.dataset_helpers import SITE, article_line, write_site

TEXT_CHARS = len("厚街镇第1篇新闻的正文。")  # every article_line text has this many characters
WITHDRAWN_AT = "2026-11-26T00:00:00Z"  # after every line's fetched_at


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["stats", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """hjyw, 2023: articles 1–3, article 1 revised once, article 3 withdrawn;
    tzgg, 2024: one article with a day only, no source, an image, extracted by the fallback."""
    notice = article_line(5, column="tzgg", column_name="通知公告", published_at="2024-03-01",
                          published_precision="day", source=None, images=[{"url": "a.jpg", "alt": ""}],
                          extraction={"method": "fallback", "template": None, "removed": {}})
    revised = article_line(1, revision=2, text="厚街镇第1篇新闻的新正文", fetched_at="2026-11-25T18:00:00Z")
    lines = [article_line(1), article_line(2), article_line(3), revised, notice]
    events = [{"event": "withdrawn", "id": article_line(3)["id"], "at": WITHDRAWN_AT}]
    write_site(tmp_path / "archive", lines, events)
    return tmp_path / "archive" / SITE


def test_json_rows_per_column_and_year_then_the_total(capsys, folder):
    code, out, err = run(capsys, str(folder), "--json")
    assert (code, err) == (0, "")
    hjyw, tzgg, total = json.loads(out)
    assert hjyw == {"column": "hjyw", "column_name": "厚街要闻", "period": "2023", "articles": 2,
                    "mean_chars": (TEXT_CHARS + len("厚街镇第1篇新闻的新正文")) / 2, "with_time": 1.0,
                    "with_source": 1.0, "with_images": 0.0, "with_attachments": 0.0, "fallback": 0.0,
                    "revisions": 1, "withdrawals": 1, "withdrawn": 1}
    assert (tzgg["column"], tzgg["period"], tzgg["articles"]) == ("tzgg", "2024", 1)
    assert (tzgg["with_time"], tzgg["with_source"], tzgg["with_images"], tzgg["fallback"]) == (0.0, 0.0, 1.0, 1.0)
    assert (total["column"], total["period"], total["articles"], total["revisions"], total["withdrawn"]) == (
        "total", "all", 3, 1, 1)
    assert total["with_time"] == pytest.approx(2 / 3)


def test_by_month_and_other_views(capsys, folder):
    _, out, _ = run(capsys, str(folder), "--json", "--by", "month")
    assert [(r["column"], r["period"]) for r in json.loads(out)] == [
        ("hjyw", "2023-02"), ("tzgg", "2024-03"), ("total", "all")]
    _, out, _ = run(capsys, str(folder), "--json", "--view", "withdrawn")
    # a row for every group with articles in the dates, whatever the view holds of it
    assert [(r["column"], r["articles"], r["withdrawn"]) for r in json.loads(out)] == [
        ("hjyw", 1, 1), ("tzgg", 0, 0), ("total", 1, 1)]
    _, out, _ = run(capsys, str(folder), "--json", "--view", "all", "--since", "2024-01-01")
    assert [(r["column"], r["articles"]) for r in json.loads(out)] == [("tzgg", 1), ("total", 1)]


def test_the_table_names_columns_and_shows_shares_as_percentages(capsys, folder):
    code, out, _ = run(capsys, str(folder))
    assert code == 0
    assert f"dgportal stats {folder} (current view, by year)" in out
    for header, _, _ in TABLE:
        assert header in out
    hjyw = next(line for line in out.splitlines() if "厚街要闻 (hjyw)" in line)
    assert "2023" in hjyw and "100%" in hjyw
    total = next(line for line in out.splitlines() if line.strip("│ ").startswith("total"))
    assert "67%" in total  # two of three articles have a time of day


@pytest.mark.parametrize(("value", "fmt", "shown"), [
    (None, "{:.0%}", "–"), (0.5, "{:.0%}", "50%"), (0.0125, "{:.1%}", "1.2%"), (7, "{:d}", "7"),
])
def test_a_cell_is_formatted_or_a_dash(value, fmt, shown):
    assert _cell(value, fmt) == shown


def test_nothing_in_the_dates_is_said_on_stderr_but_not_an_error(capsys, folder):
    code, out, err = run(capsys, str(folder), "--since", "2030-01-01")
    assert code == 0
    assert err == f"{folder}: no current article in these dates\n"
    assert "total" in out  # the table still shows its zero total


@pytest.mark.parametrize(("argv", "message"), [
    (("--since", "2023-13-01"), "since '2023-13-01' is not a date (YYYY-MM-DD)"),
    (("--until", "yesterday"), "until 'yesterday' is not a date (YYYY-MM-DD)"),
])
def test_bad_dates_are_one_line_and_exit_2(capsys, folder, argv, message):
    assert run(capsys, str(folder), *argv) == (2, "", f"dgportal: error: {message}\n")


def test_a_missing_folder_is_one_line_and_exit_2(capsys, tmp_path):
    missing = tmp_path / "nowhere"
    assert run(capsys, str(missing)) == (
        2, "", f"dgportal: error: {missing}: no such archive folder (expected e.g. archive/houjie)\n")


def test_damaged_lines_are_reported_once_and_exit_1(capsys, folder):
    month = folder / "articles" / "2023" / "2023-02.jsonl"
    with month.open("ab") as handle:
        handle.write(b"[1, 2]\n")
    code, out, err = run(capsys, str(folder), "--json")
    assert code == 1
    assert json.loads(out)[-1]["articles"] == 3  # the good lines still count
    assert err.count("skipped a damaged line") == 1  # three readers, one report
    assert err.splitlines()[-1] == "1 damaged line(s) skipped; `dgportal verify` lists every problem"


def test_plot_draws_a_png(capsys, folder, tmp_path):
    png = tmp_path / "per-month.png"
    code, _, err = run(capsys, str(folder), "--json", "--plot", str(png))
    assert code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert err.splitlines()[-1].startswith(f"{png}: articles per month over ")


def test_plot_with_no_dated_article_is_one_line_and_exit_2(capsys, tmp_path):
    write_site(tmp_path / "archive", [article_line(1, published_at=None, published_precision=None)])
    png = tmp_path / "p.png"
    code, _, err = run(capsys, str(tmp_path / "archive" / SITE), "--json", "--plot", str(png))
    assert (code, err) == (2, f"dgportal: error: --plot {png}: nothing to draw, no dated current article\n")
    assert not png.exists()
