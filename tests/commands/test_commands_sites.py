"""``dgportal sites``: every town, how its columns are known, and its last crawl."""

from __future__ import annotations

from dgportal_crawler.cli import main


def _table(capsys, *argv: str) -> tuple[int, dict[str, list[str]], str]:
    code = main(["sites", *argv])
    out, err = capsys.readouterr()
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    return code, rows, err


def test_sites_lists_32_towns_houjie_with_its_profile_others_discovered(capsys, tmp_path):
    code, rows, _ = _table(capsys, "--out", str(tmp_path))
    assert code == 0 and len(rows) == 32
    assert rows["houjie"][1:] == ["厚街镇", "profile", "-"]
    assert rows["humen"][1:] == ["虎门镇", "discovered", "-"]


def test_sites_shows_the_day_of_the_newest_run_report(capsys, tmp_path):
    runs = tmp_path / "humen" / "runs"
    runs.mkdir(parents=True)
    for run_id in ("20260101T010000Z-aaaaaa", "20260302T230000Z-bbbbbb"):
        (runs / f"{run_id}.json").write_text("{}", encoding="utf-8")
    _, rows, _ = _table(capsys, "--out", str(tmp_path))
    assert rows["humen"][-1] == "2026-03-02"
    assert rows["hj"][-1] == "-"


def test_a_bad_portal_file_is_one_line_and_exit_2(capsys, tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("[portal]\n", encoding="utf-8")
    code, _, err = _table(capsys, "--portal", str(bad))
    assert code == 2 and err.strip() == f"dgportal: error: {bad}: portal.base_url: missing"
