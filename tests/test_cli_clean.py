"""``dgportal clean``: saved pages and text captures to archive lines on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from dgportal_crawler.cli import main
from dgportal_crawler.commands.archive_tools import load_schema
from dgportal_crawler.replica import Replica

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "houjie-article-capture.txt"


def clean(capsysbinary, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["clean", *argv])
    out, err = capsysbinary.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err.decode("utf-8")


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed capture is not beside the checkout")
def test_the_real_capture_gives_the_interview(capsysbinary):
    code, (line,), _ = clean(capsysbinary, str(SEED))
    assert code == 0
    assert line["title"] == "一把手访谈|寮厦：今年计划投4000万推进乡村振兴"
    assert (line["published_at"], line["published_precision"], line["source"]) == (
        "2023-02-27T10:14:00+08:00", "minute", "本网")
    paragraphs = line["text"].split("\n")
    assert paragraphs[0] == "访谈嘉宾：寮厦社区党委书记 詹静"
    assert paragraphs[-1].startswith("二是充分发挥龙头企业的带动作用，扎实推进产业链招商。")
    for furniture in ("提示", "视窗区", "字体", "打印", "版权所有", "slh", "日韩欧美综合", ".jpg", "分享到"):
        assert furniture not in line["text"], furniture
    assert line["images"] == [{"url": "微信圖片_20230227101143.jpg", "alt": ""}]
    assert line["script_original"] == "hant" and line["extraction"]["method"] == "capture"
    assert (line["url"], line["fetched_at"], line["http_status"]) == (None, None, None)
    assert line["id"].startswith("houjie:file:")
    assert not list(jsonschema.Draft202012Validator(load_schema()).iter_errors(line))


def test_a_saved_html_page_with_its_url(capsysbinary, tmp_path):
    replica = Replica(seed=5, articles=12)
    record = replica.ground_truth()[0]
    page = tmp_path / "page.html"
    page.write_bytes(replica.respond(record["url"].removeprefix("https://www.dg.gov.cn")).body)
    code, (line,), _ = clean(capsysbinary, str(page), "--url", record["url"])
    assert code == 0
    assert (line["id"], line["column"], line["title"]) == (record["id"], record["column"], record["title"])
    assert line["text"].split("\n") == record["paragraphs"]
    assert line["images"] == record["images"]


def test_bad_files(capsysbinary, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02" * 10)
    good = tmp_path / "ok.txt"
    good.write_text("厚街镇举行消防演练\n发布日期：2024-03-01 来源：本网\n"
                    "演练在镇中心广场举行，三百余人参加。\n", encoding="utf-8")
    code, lines, err = clean(capsysbinary, str(junk), str(good))
    assert code == 1  # one file could not be cleaned
    assert [line["title"] for line in lines] == ["厚街镇举行消防演练"]
    assert f"dgportal clean: {junk}: skipped: " in err

    code, lines, err = clean(capsysbinary, str(tmp_path / "missing.html"))
    assert code == 2 and lines == [] and "missing.html: cannot read (No such file or directory)" in err

    code, _, err = clean(capsysbinary, str(good), str(good), "--url", "https://www.dg.gov.cn/houjie/x.html")
    assert code == 2 and "--url names one page" in err
