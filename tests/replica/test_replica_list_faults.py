"""List-page faults of the fault-injecting replica, without a crawler: dealt by the seed,
transient ones heal after their attempts, persistent ones answer every time the broken way,
and the answer key says which articles a failed list page hides."""

from __future__ import annotations

from dgportal_crawler.replica import Replica
from dgportal_crawler.replica.fault_transport import FaultResponse
from dgportal_crawler.replica.faults import FAULTS, FaultSpec, FaultyReplica
from dgportal_crawler.replica.list_faults import LIST_FAULTS, page_of
from dgportal_crawler.replica.model import COLUMNS, PAGE_SIZE

REPLICA = Replica()  # 150 articles: 13 list pages in 6 columns


def faulty(spec: str) -> FaultyReplica:
    return FaultyReplica(REPLICA, FaultSpec.parse(spec))


def test_every_list_page_is_faulted_at_rate_1_and_none_at_rate_0() -> None:
    assert len(faulty("rate=1,seed=1,kinds=list_challenge").lists.faults) == 13
    assert faulty("rate=0,seed=1").lists.faults == {}


def test_the_seed_deals_the_list_pages_and_only_list_kinds_go_to_list_pages() -> None:
    first, again, other = (faulty(f"rate=0.5,seed={s}").lists.faults for s in (4, 4, 5))
    assert first == again and first != other
    assert set(first.values()) <= set(LIST_FAULTS)
    assert not set(faulty("rate=0.5,seed=4").faults.values()) & set(LIST_FAULTS)
    assert faulty("rate=1,seed=4,kinds=" + "+".join(FAULTS)).lists.faults == {}


def test_a_permanent_500_is_never_dealt_to_page_1() -> None:
    pages = faulty("rate=1,seed=1,kinds=list_server_error").lists.faults
    # the 7 pages numbered 2 or more: hjyw 2-3, tzgg 2, czjs 2, sqdt 2-3, zcjd 2
    assert sorted(pages) == [("czjs", 2), ("hjyw", 2), ("hjyw", 3), ("sqdt", 2), ("sqdt", 3),
                             ("tzgg", 2), ("zcjd", 2)]


def test_a_list_page_is_the_same_page_under_its_folder_and_its_file_name() -> None:
    assert page_of("/houjie/xwzx/hjyw/") == page_of("/houjie/xwzx/hjyw/index.html") == ("hjyw", 1)
    assert page_of("/houjie/xwzx/sqdt/list_3.shtml") == ("sqdt", 3)
    assert page_of("/houjie/xwzx/hjyw/content/post_1.html") is None


def test_transient_list_faults_spoil_only_the_first_attempts() -> None:
    burst = faulty("rate=1,seed=1,kinds=list_server_error_burst")
    assert [burst.respond("/houjie/xwzx/hjyw/index_2.html").status for _ in range(4)] == [503, 503, 200, 200]
    broken = faulty("rate=1,seed=1,kinds=list_reset+list_truncated")
    transports = {"list_reset": "reset", "list_truncated": "truncate"}
    for key, kind in broken.lists.faults.items():
        path = broken.lists.paths[key]
        first, second = broken.respond(path), broken.respond(path)
        assert isinstance(first, FaultResponse) and first.transport == transports[kind]
        assert not isinstance(second, FaultResponse) and b"post_" in second.body


def test_persistent_list_faults_answer_every_request_the_broken_way() -> None:
    path = "/houjie/zwgk/tzgg/"
    challenge = faulty("rate=1,seed=1,kinds=list_challenge")
    assert all(b"post_" not in challenge.respond(path).body for _ in range(4))
    moved = faulty("rate=1,seed=1,kinds=list_offsite_redirect").respond(path)
    assert (moved.status, moved.headers["Location"]) == (302, "http://example.invalid" + path)
    refresh = faulty("rate=1,seed=1,kinds=list_offsite_refresh").respond(path)
    assert refresh.status == 200
    assert b'http-equiv="refresh" content="0; url=http://example.invalid/houjie/zwgk/tzgg/"' in refresh.body
    loop = faulty("rate=1,seed=1,kinds=list_redirect_loop")
    hop = loop.respond(path)
    assert (hop.status, hop.headers["Location"]) == (302, path + "?hop=1")
    back = loop.respond(hop.headers["Location"])
    assert (back.status, back.headers["Location"]) == (302, path)
    assert faulty("rate=1,seed=1,kinds=list_server_error").respond(path + "index_2.html").status == 500


def test_a_failed_list_page_hides_its_articles_and_every_later_page() -> None:
    spoiled = faulty("rate=1,seed=1,kinds=list_server_error")  # page 2 of each column fails
    assert spoiled.failed_list_pages() == {(c, 2): "http_500" for c in ("hjyw", "tzgg", "czjs", "sqdt", "zcjd")}
    hidden = {m.article_id for n in range(len(COLUMNS)) for m in REPLICA.column_entries(n)[PAGE_SIZE:]}
    assert spoiled.unreached() == hidden
    assert len(hidden) == 150 - 6 * PAGE_SIZE  # fttd has 15 articles: one page, nothing hidden


def test_hidden_articles_get_no_article_fault_and_no_duplicate_points_at_them() -> None:
    mixed = faulty("rate=0.3,seed=3")
    hidden = mixed.unreached()
    assert hidden and not hidden & set(mixed.answer_key())
    ids = {m.path: m.article_id for m in REPLICA.index.articles}
    targets = [mixed.sibling(p) for p, k in mixed.faults.items() if k == "redirect_to_other"]
    assert targets and not {ids[t] for t in targets} & hidden


def test_a_failed_list_page_is_reported_once_per_column_the_first_one() -> None:
    both = faulty("rate=1,seed=2,kinds=list_challenge+list_server_error")
    failed = both.failed_list_pages()
    assert set(failed) == {(c.id, 1) for c in COLUMNS}
    assert {both.lists.faults[key] for key in failed} == {"list_challenge"}
