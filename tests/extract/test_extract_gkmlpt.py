"""The disclosure platform's list API and detail pages (window._CONFIG), read without I/O."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dgportal_crawler.extract import extract_article
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.gkmlpt import parse_api, read_detail
from dgportal_crawler.profile import load_profile

API = "http://127.0.0.1:8800/dghjz/gkmlpt/api/all/2941?page=1"


def test_api_entries_keep_the_path_on_the_requests_origin_and_the_day_in_beijing():
    body = json.dumps({"classify": {"id": 2941, "name": "工作动态", "parent": "政务动态", "post_count": 12},
                       "articles": [{"title": "甲", "date": 1677430800,  # 2023-02-27 01:00 in Beijing
                                     "url": "https://www.dg.gov.cn/dghjz/gkmlpt/content/6/6000/post_6000024.html"},
                                    {"title": "no url"}]}).encode()
    page = parse_api(body, API)
    assert (page.category, page.name, page.parent, page.post_count) == (2941, "工作动态", "政务动态", 12)
    assert [(e.url, e.date) for e in page.entries] == [
        ("http://127.0.0.1:8800/dghjz/gkmlpt/content/6/6000/post_6000024.html", dt.date(2023, 2, 27))]


@pytest.mark.parametrize("body", [b"<html></html>", b'{"classify": {}}', b"[]"])
def test_anything_but_the_api_is_an_extraction_error(body):
    with pytest.raises(ExtractionError):
        parse_api(body, API)


def _page(detail: dict) -> str:
    return ('<html><body><div id="app"><h1 class="title">{{ detail.title }}</h1></div>'
            f"<script>window._CONFIG = {{DETAIL: {json.dumps(detail, ensure_ascii=False)}}};</script>"
            "</body></html>")


DETAIL = {"title": "关于开展燃气安全排查的通知", "date": 1677464040, "source": "本网",
          "identifier": "11441900/2023-00001", "publisher": "黄江镇人民政府", "classify_main_name": "综合政务/其他",
          "content": '<p>第一段。</p><p>附件：<a href="/attachment/0/1/1.pdf">表.pdf</a></p>'}


def test_detail_is_read_from_the_config_script_not_the_placeholders():
    url = "https://www.dg.gov.cn/dghjz/gkmlpt/content/6/6000/post_6000024.html"
    article = extract_article(_page(DETAIL).encode("utf-8"), url=url, profile=load_profile("houjie"))
    assert article.title == "关于开展燃气安全排查的通知"
    assert article.published_at == "2023-02-27T10:14:00+08:00" and article.published_precision == "second"
    assert article.source == "本网"
    assert article.gov_meta == {"索引号": "11441900/2023-00001", "发布机构": "黄江镇人民政府",
                                "主题分类": "综合政务/其他"}
    assert article.text.split("\n")[0] == "第一段。"
    assert [a.url for a in article.attachments] == ["https://www.dg.gov.cn/attachment/0/1/1.pdf"]
    assert article.extraction.template == "gkmlpt"


def test_a_page_without_a_usable_config_is_not_a_detail():
    assert read_detail("<html>window._CONFIG = {DETAIL: not json}</html>", "http://x/") is None
    assert read_detail(_page({"title": "no content"}), "http://x/") is None
