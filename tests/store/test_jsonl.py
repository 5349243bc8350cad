import json
from pathlib import Path

from dgportal_crawler.store.jsonl import JsonlArchive, encode_line, iter_archive_lines
from dgportal_crawler.store.layout import SiteLayout, partition_of
from dgportal_crawler.store.recovery import torn_line_event


def test_lines_are_partitioned_by_publication_month_and_utf8(tmp_path: Path):
    with JsonlArchive(SiteLayout.of(tmp_path, "houjie")) as archive:
        p1 = archive.append({"id": "houjie:1", "published_at": "2023-02-27T10:14:00+08:00", "title": "厚街"})
        p2 = archive.append({"id": "houjie:2", "published_at": "2023-02-01T00:00:00+08:00", "title": "寮厦"})
        p3 = archive.append({"id": "houjie:3", "published_at": None, "title": "无日期"})
    assert p1 == p2 == tmp_path / "houjie" / "articles" / "2023" / "2023-02.jsonl"
    assert p3 == tmp_path / "houjie" / "articles" / "undated" / "undated.jsonl"
    raw = p1.read_bytes()
    assert "厚街".encode() in raw and b"\\u" not in raw
    assert [json.loads(line)["id"] for line in raw.splitlines()] == ["houjie:1", "houjie:2"]


def test_encode_line_is_one_compact_line():
    line = encode_line({"text": "第一段\n第二段", "n": 1})
    assert line == '{"text":"第一段\\n第二段","n":1}\n'.encode()


def test_partition_of():
    assert partition_of("2019-05-10T09:30:00+08:00") == ("2019", "2019-05")
    assert partition_of(None) == ("undated", "undated")
    assert partition_of("garbage") == ("undated", "undated")


def test_repair_cuts_a_torn_tail_and_records_it(tmp_path: Path):
    archive = JsonlArchive(SiteLayout.of(tmp_path, "houjie"))
    path = archive.append({"id": "houjie:1", "published_at": "2023-02-27"})
    archive.close()
    whole = path.read_bytes()
    with path.open("ab") as handle:
        handle.write(b'{"id":"houjie:2","tit')
    torn = archive.repair()
    assert len(torn) == 1
    assert (torn[0].path, torn[0].offset, torn[0].data) == (path, len(whole), b'{"id":"houjie:2","tit')
    assert path.read_bytes() == whole
    event = torn_line_event(archive.layout, torn[0])
    assert event["event"] == "torn_line_repaired" and event["offset"] == len(whole)
    assert event["file"] == "articles/2023/2023-02.jsonl"
    assert archive.repair() == []  # idempotent


def test_repair_of_a_file_that_is_only_a_torn_line(tmp_path: Path):
    archive = JsonlArchive(SiteLayout.of(tmp_path, "houjie"))
    path = archive.layout.article_file("2020-01-01")
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"id":')
    assert [t.offset for t in archive.repair()] == [0]
    assert path.read_bytes() == b""


def test_reading_skips_a_torn_tail(tmp_path: Path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"id":"a"}\n\n{"id":"b"}\n{"id":')
    assert list(iter_archive_lines(path)) == [{"id": "a"}, {"id": "b"}]


def test_reading_reports_damaged_lines_and_goes_on(tmp_path: Path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"id":"a"}\n{"broken":\n[1,2]\n\xff\xfe\n{"id":"b"}\n')
    bad = []
    assert list(iter_archive_lines(path, bad.append)) == [{"id": "a"}, {"id": "b"}]
    assert [b.line for b in bad] == [2, 3, 4]
    assert bad[1].problem == "not an object with an id"


_FILE_TOO_LARGE_CHILD = """
import errno, resource, signal, sys
from pathlib import Path
from dgportal_crawler.store.jsonl import JsonlArchive
from dgportal_crawler.store.layout import SiteLayout

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
lines = JsonlArchive(SiteLayout(Path(sys.argv[1])))
month = "2024-01-01T00:00:00+08:00"
lines.append({"id": "a", "published_at": month, "text": "x" * 100})
try:
    lines.append({"id": "b", "published_at": month, "text": "y" * 64 * 1024})
except OSError as exc:
    print(errno.errorcode[exc.errno])
lines.append({"id": "c", "published_at": month, "text": "z" * 100})
lines.close()
"""


def test_a_line_that_does_not_fit_leaves_no_half_line_behind(tmp_path: Path) -> None:
    """A real EFBIG mid-line (a child's file size limit): the part that reached the file is
    cut, and the next line follows the last complete one."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _FILE_TOO_LARGE_CHILD, str(tmp_path / "houjie")],
                          capture_output=True, text=True, timeout=60, cwd=root)
    assert (done.returncode, done.stdout) == (0, "EFBIG\n"), done.stderr
    (path,) = (tmp_path / "houjie" / "articles").rglob("*.jsonl")
    assert [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()] == ["a", "c"]
