"""Bulk extraction on a process pool: ``ordered_map``, ``--jobs``, and ``reextract`` and ``clean``
giving the same bytes in the same order on 1 and on 2 processes."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.cli import main
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.parallel import CHUNK, ordered_map
from dgportal_crawler.profile import load_profile
from dgportal_crawler.replica import Replica
from dgportal_crawler.store.layout import SiteLayout
from dgportal_crawler.store.site import ArchiveOptions, SiteArchive

ORIGIN = "https://www.dg.gov.cn"
RUN_ID = "20260101T000000Z-abcdef"


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@pytest.mark.parametrize("jobs", [1, 2])
def test_ordered_map_keeps_input_order_across_many_chunks(jobs: int) -> None:
    items = range(CHUNK * 12 + 5)  # more chunks than are ever in flight, and a short last one
    assert [square for square, _ in ordered_map(square_and_pid, items, jobs)] == [n * n for n in items]


def test_two_jobs_run_in_other_processes_and_one_job_in_this_one() -> None:
    assert {pid for _, pid in ordered_map(square_and_pid, range(3), 1)} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in ordered_map(square_and_pid, range(CHUNK * 4), 2)}


def test_ordered_map_of_nothing_is_nothing() -> None:
    assert list(ordered_map(square_and_pid, [], 2)) == []


@pytest.mark.parametrize(("value", "message"), [
    ("0", "argument --jobs: must be at least 1 (got 0); leave it out to use every usable CPU"),
    ("-2", "argument --jobs: must be at least 1 (got -2); leave it out to use every usable CPU"),
    ("two", "argument --jobs: must be a whole number of processes, not 'two'"),
])
@pytest.mark.parametrize("command", ["reextract", "clean"])
def test_a_bad_jobs_count_is_a_one_line_usage_error(capsys, tmp_path: Path, command: str, value: str,
                                                    message: str) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, str(tmp_path), "--jobs", value])
    assert info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"dgportal {command}: error: {message}"


@pytest.fixture(scope="module")
def pages() -> list[tuple[dict, bytes]]:
    """40 replica articles (template pages and rendered captures alike) with their bytes."""
    replica = Replica(seed=11, articles=40)
    truth = replica.ground_truth(ORIGIN)
    return [(r, replica.respond(r["url"].removeprefix(ORIGIN)).body) for r in truth]


def test_the_pages_include_rendered_captures(pages) -> None:
    assert {r["variant"] for r, _ in pages} >= {"plain", "rendered"}


@pytest.fixture
def archive(tmp_path: Path, pages) -> SiteLayout:
    """Every page captured in the WARC and extracted into a line, as a crawl leaves them."""
    profile = load_profile("houjie")
    layout = SiteLayout.of(tmp_path / "archive", "houjie")
    site = SiteArchive.open(layout, RUN_ID, lambda: datetime(2026, 1, 1, tzinfo=UTC), ArchiveOptions(warc_info={}))
    headers = {"content-type": "text/html; charset=utf-8"}
    for record, body in pages:
        ref = site.warc.write_exchange(record["url"], "GET", [], b"", 200, "OK", list(headers.items()), body)
        column = profile.column(record["column"])
        page = FetchedPage(url=record["url"], site="houjie", column=column.id, column_name=column.name,
                           template=column.template, status=200, headers=headers, body=body,
                           fetched_at="2026-01-01T00:00:00Z", meta={"dgportal_warc": ref.to_dict()})
        site.append(article_from_page(page, profile, RUN_ID).to_dict())
    site.close()
    return layout


def test_reextract_writes_the_same_bytes_on_one_and_two_processes(capsys, archive, tmp_path: Path) -> None:
    outputs = {}
    for jobs in ("1", "2"):
        written = tmp_path / f"jobs{jobs}.jsonl"
        code = main(["reextract", str(archive.site_dir), "--write", str(written), "--jobs", jobs])
        outputs[jobs] = (code, capsys.readouterr().out, written.read_bytes())
    assert outputs["1"] == outputs["2"]
    code, report, lines = outputs["1"]
    assert (code, report) == (0, "re-extracted 40 articles from WARC: 0 differ, 0 failed\n")
    assert lines.count(b"\n") == 40


def test_clean_prints_the_same_bytes_on_one_and_two_processes(capsysbinary, pages, tmp_path: Path) -> None:
    files = []
    for n, (_, body) in enumerate(pages):
        files.append(tmp_path / f"{n:02d}.html")
        files[-1].write_bytes(body)
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"<html><body></body></html>")
    files.insert(7, empty)  # a skip in the middle: its message keeps its place too
    outputs = {}
    for jobs in ("1", "2"):
        code = main(["clean", *map(str, files), "--jobs", jobs])
        outputs[jobs] = (code, *capsysbinary.readouterr())
    assert outputs["1"] == outputs["2"]
    code, out, err = outputs["1"]
    assert (code, out.count(b"\n")) == (1, 40)
    assert err.decode().startswith(f"dgportal clean: {empty}: skipped")
