"""End to end: the dgportal command crawls the replica over real HTTP and the archive matches
the replica's ground truth, field by field."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from dgportal_crawler.items import sha256_hex
from tests.conftest import CrawlResult, run_crawl

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "archive" / "schema" / "article.schema.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def full_crawl(replica_server, tmp_path_factory) -> CrawlResult:
    return run_crawl(tmp_path_factory.mktemp("full"), "houjie", "--base-url", replica_server.base_url)


@pytest.fixture(scope="module")
def truth(replica, replica_server) -> dict[str, dict]:
    return {a["id"]: a for a in replica.ground_truth(origin=replica_server.origin)}


def test_full_crawl_exits_0_and_stores_every_article_once(full_crawl, truth):
    assert full_crawl.returncode == 0, full_crawl.stderr[-3000:]
    lines = full_crawl.lines()
    ids = [line["id"] for line in lines]
    assert len(ids) == len(set(ids)), "an article was written twice"
    assert set(ids) == set(truth)


def test_every_line_is_valid_against_the_schema(full_crawl):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for line in full_crawl.lines():
        errors = sorted(validator.iter_errors(line), key=str)
        assert not errors, f"{line['id']}: {errors[0].message}"


def test_lines_are_in_their_publication_month_file(full_crawl):
    for path in (full_crawl.out / "houjie" / "articles").glob("*/*.jsonl"):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = json.loads(raw)
            assert path.name == line["published_at"][:7] + ".jsonl"
            assert path.parent.name == line["published_at"][:4]
            assert "\\u" not in raw  # Chinese stays readable


@pytest.mark.parametrize("field", ["url", "title", "published_at", "published_precision", "source",
                                   "column", "column_name", "column_path", "images", "attachments"])
def test_metadata_matches_ground_truth(full_crawl, truth, field):
    wrong = [(line["id"], line[field], truth[line["id"]][field])
             for line in full_crawl.lines() if line[field] != truth[line["id"]][field]]
    assert not wrong, f"{len(wrong)} articles differ in {field}, e.g. {wrong[:3]}"


def test_body_text_matches_ground_truth_paragraphs(full_crawl, truth):
    wrong = [line["id"] for line in full_crawl.lines()
             if line["text"].split("\n") != truth[line["id"]]["paragraphs"]]
    assert not wrong, f"{len(wrong)} bodies differ, e.g. {wrong[:5]}"


def test_rendered_captures_are_converted_to_simplified_and_keep_the_original(full_crawl, truth):
    rendered = [line for line in full_crawl.lines() if truth[line["id"]]["variant"] in ("rendered", "hijacked")]
    assert rendered, "the replica should serve some rendered captures"
    for line in rendered:
        assert line["script_original"] == "hant"
        assert line["text_original"] != line["text"]
        assert line["extraction"]["removed"].get("toolbar_announcement", 0) > 0


def test_provenance_fields(full_crawl):
    line = full_crawl.lines()[0]
    assert line["http_status"] == 200
    assert line["text_sha256"] == sha256_hex(line["text"])
    assert line["revision"] == 1 and line["previous_text_sha256"] is None
    assert line["crawler"]["run_id"] and line["crawler"]["version"]
    assert line["extraction"]["method"] == "template"


def test_summary_table_and_run_log(full_crawl):
    err = full_crawl.stderr
    assert "dgportal crawl houjie: finished" in err
    for column in ("hjyw", "tzgg", "czjs", "fttd", "sqdt", "zcjd"):
        assert column in err
    logs = list((full_crawl.out / "houjie" / "runs").glob("*.log"))
    assert len(logs) == 1 and "Spider closed (finished)" in logs[0].read_text(encoding="utf-8")


def test_columns_and_dates_select_a_subset(replica_server, truth, tmp_path):
    result = run_crawl(tmp_path, "houjie", "--base-url", replica_server.base_url,
                       "--columns", "czjs,sqdt", "--since", "2021-01-01", "--until", "2022-12-31")
    assert result.returncode == 0, result.stderr[-3000:]
    expected = {i for i, a in truth.items()
                if a["column"] in ("czjs", "sqdt") and "2021-01-01" <= a["published_at"][:10] <= "2022-12-31"}
    assert expected, "the replica should have articles in that range"
    assert {line["id"] for line in result.lines()} == expected


def test_demo_starts_its_own_replica_and_crawls_it(tmp_path):
    result = run_crawl(tmp_path, "houjie", "--demo", "--demo-articles", "40", progress="on")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "demo: serving the replica at http://127.0.0.1:" in result.stderr
    frames = result.stderr.replace("\r", "\n").splitlines()
    bars = [f for f in frames if f.startswith("crawling")]
    assert bars and "40/40 articles" in bars[-1], bars[-3:]
    assert len(result.lines()) == 40
    assert "│ total" in result.stderr and "40 │" in result.stderr


def test_a_changed_template_falls_back_loudly_and_loses_nothing(tmp_path):
    from dgportal_crawler.replica import Replica, ReplicaServer

    with ReplicaServer(seed=7, articles=60, degraded=0.3) as server:
        result = run_crawl(tmp_path, "houjie", "--base-url", server.base_url)
        truth = {a["id"]: a for a in Replica(seed=7, articles=60, degraded=0.3).ground_truth(server.origin)}
    assert result.returncode == 1, "a column over the fallback threshold must not exit 0"
    lines = result.lines()
    assert {line["id"] for line in lines} == set(truth)
    fallback = [line for line in lines if line["extraction"]["method"] == "fallback"]
    assert {line["id"] for line in fallback} == {i for i, a in truth.items() if a["variant"] == "degraded"}
    for line in fallback:
        assert line["text"].split("\n") == truth[line["id"]]["paragraphs"]
    alerts = [ln for ln in result.stderr.splitlines() if "needed the fallback extractor" in ln]
    columns_over = {c for c in ("hjyw", "tzgg", "czjs", "fttd", "sqdt", "zcjd")
                    if sum(1 for ln in fallback if ln["column"] == c)
                    > 0.05 * sum(1 for ln in lines if ln["column"] == c)}
    assert columns_over, "the replica should degrade enough pages to trip the alarm"
    for column in columns_over:
        assert sum(f"column {column}:" in ln for ln in alerts) == 1, column  # loud, but once


def test_pages_in_gbk_and_other_charsets_are_decoded_right(tmp_path):
    from dgportal_crawler.replica import Replica, ReplicaServer

    with ReplicaServer(seed=11, articles=60, encodings=True) as server:
        replica = Replica(seed=11, articles=60, encodings=True)
        truth = {a["id"]: a for a in replica.ground_truth(server.origin)}
        result = run_crawl(tmp_path, "houjie", "--base-url", server.base_url, "--columns", "sqdt")
    assert result.returncode == 0, result.stderr[-3000:]
    encoded = [line for line in result.lines() if truth[line["id"]]["variant"] == "encoded"]
    assert encoded, "the legacy column should have pages in other encodings"
    for line in encoded:
        assert line["text"].split("\n") == truth[line["id"]]["paragraphs"], line["id"]
        assert line["title"] == truth[line["id"]]["title"]
        assert line["extraction"]["encoding"]["charset"] in ("gb18030", "utf-8", "utf-8-sig")
