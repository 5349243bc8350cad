"""Unattended runs over the replica (issue: an archive that loses nothing): incremental
re-runs, revisions and withdrawals, verify, re-extraction from WARC, kill -9 and resume."""

from __future__ import annotations

from dgportal_crawler.replica import Replica, ReplicaServer
from tests.archive_helpers import SITE, dgportal, events_of, lines_of, reports_of
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED, run_crawl


def test_second_run_on_an_unchanged_site_sends_few_requests_and_writes_nothing(server, tmp_path):
    first = run_crawl(tmp_path, SITE, "--base-url", server.base_url)
    assert first.returncode == 0, first.stderr[-2000:]
    first_requests = server.stats()["total"]
    files_before = {p: p.read_bytes() for p in (tmp_path / SITE / "articles").rglob("*.jsonl")}
    server.reset_stats()

    second = run_crawl(tmp_path, SITE, "--base-url", server.base_url)
    assert second.returncode == 0, second.stderr[-2000:]
    second_requests = server.stats()["total"]
    assert second_requests <= 0.05 * first_requests, (second_requests, first_requests)
    files_after = {p: p.read_bytes() for p in (tmp_path / SITE / "articles").rglob("*.jsonl")}
    assert files_after == files_before  # not one line written
    report = reports_of(tmp_path)[-1]
    assert sum(c["new"] + c["updated"] for c in report["columns"].values()) == 0


def test_edited_and_removed_articles_give_revisions_and_withdrawals(server, tmp_path):
    assert run_crawl(tmp_path, SITE, "--base-url", server.base_url).returncode == 0
    server.set_edition(2)
    edition2 = Replica(seed=REPLICA_SEED, articles=REPLICA_ARTICLES, edition=2)
    edited = {a["id"]: a for a in edition2.ground_truth(server.origin) if a["edition_changed"]}
    removed = {a["id"] for a in edition2.removed_articles(server.origin)}
    assert (len(edited), len(removed)) == (3, 2)

    result = run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--full")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = lines_of(tmp_path)
    revisions = [line for line in lines if line["revision"] == 2]
    assert {line["id"] for line in revisions} == set(edited)
    first_versions = {line["id"]: line for line in lines if line["revision"] == 1}
    for line in revisions:
        assert line["text"].split("\n") == edited[line["id"]]["paragraphs"]
        assert line["previous_text_sha256"] == first_versions[line["id"]]["text_sha256"]
    withdrawn = [e for e in events_of(tmp_path) if e["event"] == "withdrawn"]
    assert {e["id"] for e in withdrawn} == removed
    assert sorted(e["status"] for e in withdrawn) == [301, 404]
    report = reports_of(tmp_path)[-1]
    assert sum(c["withdrawn"] for c in report["columns"].values()) == 2
    assert sum(c["updated"] for c in report["columns"].values()) == 3
    assert dgportal("verify", str(tmp_path / SITE)).returncode == 0


def test_verify_and_reextract_after_a_crawl(server, tmp_path):
    assert run_crawl(tmp_path, SITE, "--base-url", server.base_url).returncode == 0
    folder = str(tmp_path / SITE)
    ok = dgportal("verify", folder)
    assert ok.returncode == 0, ok.stdout
    assert f"ok ({REPLICA_ARTICLES} lines" in ok.stdout

    server.stop()  # re-extraction must not need the network
    again = dgportal("reextract", folder)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"re-extracted {REPLICA_ARTICLES} articles from WARC: 0 differ, 0 failed" in again.stdout

    path = next((tmp_path / SITE / "articles").glob("*/*.jsonl"))
    path.write_bytes(path.read_bytes().replace(b'"revision":1', b'"revision":0', 1))
    bad = dgportal("verify", folder)
    assert bad.returncode == 1
    assert "changed since manifest" in bad.stdout and "schema" in bad.stdout


def test_attachments_are_kept_in_warc_when_asked(server, replica, tmp_path):
    from dgportal_crawler.store.warc_read import iter_responses

    result = run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--columns", "tzgg", "--attachments")
    assert result.returncode == 0, result.stderr[-2000:]
    wanted = {att["url"] for a in replica.ground_truth(server.origin) if a["column"] == "tzgg"
              for att in a["attachments"]}
    assert wanted, "notices should carry attachments"
    captured = {url: body for _, url, status, _, body in iter_responses(tmp_path / SITE / "warc") if status == 200}
    assert wanted <= set(captured)
    assert all(captured[url][:4] in (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0") for url in wanted)
    assert any(url.endswith("/robots.txt") for url in captured)
    report = reports_of(tmp_path)[-1]
    assert report["totals"]["dgportal/attachments"] == len(wanted)


def test_full_run_against_a_moved_host_rechecks_where_the_site_is_now(tmp_path):
    """The archive was made from one replica port; the site moved (another port) and lost two
    articles: the re-check must go to the new host and find the withdrawals."""
    with ReplicaServer(seed=REPLICA_SEED, articles=40) as old:
        assert run_crawl(tmp_path, SITE, "--base-url", old.base_url).returncode == 0
    with ReplicaServer(seed=REPLICA_SEED, articles=40, edition=2) as new:
        result = run_crawl(tmp_path, SITE, "--base-url", new.base_url, "--full")
        removed = {a["id"] for a in Replica(seed=REPLICA_SEED, articles=40, edition=2).removed_articles(new.origin)}
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Connection was refused" not in result.stderr
    assert {e["id"] for e in events_of(tmp_path) if e["event"] == "withdrawn"} == removed


def test_rebuilt_state_remembers_withdrawals(server, tmp_path):
    assert run_crawl(tmp_path, SITE, "--base-url", server.base_url).returncode == 0
    server.set_edition(2)
    assert run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--full").returncode == 0
    (tmp_path / SITE / "state.sqlite").unlink()
    rebuilt = dgportal("rebuild-state", str(tmp_path / SITE))
    assert rebuilt.returncode == 0 and ", 2 withdrawn" in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr
    assert run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--full").returncode == 0
    assert len([e for e in events_of(tmp_path) if e["event"] == "withdrawn"]) == 2  # not reported again


def test_archive_tools_survive_a_damaged_line(server, tmp_path):
    assert run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--columns", "czjs").returncode == 0
    victim = sorted((tmp_path / SITE / "articles").glob("*/*.jsonl"))[0]
    with victim.open("ab") as handle:
        handle.write(b'{"broken":\n')
    folder = str(tmp_path / SITE)
    for command in (["verify", folder], ["rebuild-state", folder], ["reextract", folder]):
        result = dgportal(*command)
        assert result.returncode == 1, command
        assert "Traceback" not in result.stderr, command
        assert f"{victim.name}:" in result.stdout + result.stderr, command


def test_a_restored_article_is_an_event_not_a_second_revision(server, tmp_path):
    assert run_crawl(tmp_path, SITE, "--base-url", server.base_url).returncode == 0
    server.set_edition(2)
    assert run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--full").returncode == 0
    lines_before = len(lines_of(tmp_path))
    server.set_edition(1)  # the removed articles come back with their old text
    result = run_crawl(tmp_path, SITE, "--base-url", server.base_url, "--full")
    assert result.returncode == 0, result.stderr[-2000:]
    events = events_of(tmp_path)
    withdrawn = {e["id"] for e in events if e["event"] == "withdrawn"}
    assert {e["id"] for e in events if e["event"] == "restored"} == withdrawn and len(withdrawn) == 2
    # the three edited articles go back to their first text: a third revision each, nothing else
    assert len(lines_of(tmp_path)) == lines_before + 3
    assert dgportal("verify", str(tmp_path / SITE)).returncode == 0


def test_failed_list_pages_make_the_run_exit_1(server, tmp_path):
    from dgportal_crawler.profile import builtin_profile_path

    profile = tmp_path / "moved.toml"
    profile.write_text(builtin_profile_path(SITE).read_text(encoding="utf-8").replace(
        'path = "tsjh/czjs/"', 'path = "tsjh/czjs-moved/"'), encoding="utf-8")
    result = run_crawl(tmp_path / "out", str(profile), "--base-url", server.base_url)
    assert result.returncode == 1
    assert "attention: list pages failed" in result.stderr
    assert len(lines_of(tmp_path / "out")) == REPLICA_ARTICLES - 23  # every other column stored


def test_young_articles_are_rechecked_with_conditional_requests(server, replica, tmp_path):
    import datetime as dt

    truth = replica.ground_truth(server.origin)
    newest = max(dt.date.fromisoformat(a["published_at"][:10]) for a in truth)
    today = newest + dt.timedelta(days=10)  # replay the runs as of ten days after the newest article
    as_of = ["-s", f"DGPORTAL_CLOCK=fixed:{today.isoformat()}T12:00:00+08:00"]
    assert run_crawl(tmp_path, SITE, "--base-url", server.base_url, *as_of).returncode == 0
    young = {a["id"] for a in truth if (today - dt.date.fromisoformat(a["published_at"][:10])).days <= 30}
    assert len(young) >= 2, "the replica should have a few articles in the last 30 days"
    server.reset_stats()
    again = run_crawl(tmp_path, SITE, "--base-url", server.base_url, *as_of)
    assert again.returncode == 0, again.stderr[-2000:]
    stats = server.stats()
    report = reports_of(tmp_path)[-1]
    unchanged = sum(c["unchanged"] for c in report["columns"].values())
    # every young article that was listed again got a conditional request and a 304
    assert stats["not_modified"] == unchanged > 0
    assert unchanged <= len(young)
    assert len(lines_of(tmp_path)) == REPLICA_ARTICLES  # nothing written again
