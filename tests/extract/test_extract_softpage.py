"""Soft pages: the home page (or a list) after an on-site redirect, and a 200 "not found"
page, scored by their signal tables, both ways."""

from __future__ import annotations

import pytest

from dgportal_crawler.extract.signals import PageFacts, score
from dgportal_crawler.extract.softpage import HOME_PAGE, NOT_FOUND, NOT_FOUND_PAGE, REDIRECT_PAGE, REFRESH

LIST_TEXT = "\n".join(f"第{i}条通知 2024-05-0{i}" for i in range(1, 6))  # five dated list lines


def test_a_home_page_reached_by_redirect_scores_every_home_signal() -> None:
    facts = PageFacts(title="东莞市厚街镇人民政府", text=LIST_TEXT, redirected=True, article_url=False,
                      site_page=True, site_title=True)
    verdict = score("home_page", HOME_PAGE, facts)
    assert verdict.signals == ("site_title", "list_lines", "site_address", "redirected_away", "no_date")
    assert verdict.score == 2 + 2 + 2 + 1 + 1


def test_four_dated_lines_are_not_a_list_and_a_dated_article_counts_against() -> None:
    text = "\n".join(LIST_TEXT.splitlines()[:4])
    verdict = score("home_page", HOME_PAGE, PageFacts(title="通知", text=text, dated=True))
    assert verdict.signals == ("dated",) and verdict.score == -1


def test_a_redirect_to_another_article_url_is_not_redirected_away() -> None:
    facts = PageFacts(title="t", text="", dated=True, redirected=True, article_url=True)
    assert "redirected_away" not in score("home_page", HOME_PAGE, facts).signals


@pytest.mark.parametrize("text", ["404", "Error 404", "页面不存在", "頁面不存在", "抱歉，找不到您要页面",
                                  "该信息已被删除", "Page Not Found", "无法找到该页"])
def test_not_found_words(text: str) -> None:
    assert NOT_FOUND.search(text)


@pytest.mark.parametrize("text", ["4040号文件", "第1404期", "关于404号文件", "页面正常", "找到了"])
def test_numbers_and_words_that_only_look_like_not_found(text: str) -> None:
    # 404 inside a run of letters or digits (CJK included) is no word of its own
    assert NOT_FOUND.search(text) is None


def test_a_short_undated_not_found_page_scores_its_words_and_its_shape() -> None:
    facts = PageFacts(title="页面不存在", text="您访问的页面不存在或已被删除。")
    verdict = score("not_found", NOT_FOUND_PAGE, facts)
    assert verdict.signals == ("not_found_words", "short_text", "no_date") and verdict.score == 4


def test_a_long_dated_article_mentioning_404_scores_below_zero() -> None:
    facts = PageFacts(title="关于 404 错误页的说明", text="说明内容。" * 100, dated=True)
    verdict = score("not_found", NOT_FOUND_PAGE, facts)
    assert verdict.signals == ("not_found_words", "dated", "long_text") and verdict.score == 2 - 1 - 3


@pytest.mark.parametrize("tag", [
    '<meta http-equiv="refresh" content="0; url=http://example.invalid/a.html">',
    '<meta content="3;URL=/houjie/" http-equiv="Refresh">',  # attributes the other way round
    "<meta http-equiv=refresh content=0;url=post_2.html>",
])
def test_a_meta_refresh_that_moves_on_is_a_redirect(tag: str) -> None:
    assert REFRESH.search(f"<html><head>{tag}</head>")


@pytest.mark.parametrize("tag", [
    '<meta http-equiv="refresh" content="300">',  # a page that reloads itself every 5 minutes
    '<meta name="refresh" content="0;url=/x">',  # not an http-equiv
    '<meta http-equiv="refresh" content="60; url=/x">',  # a minute: the page is meant to be read
])
def test_a_reload_or_a_slow_refresh_is_no_redirect(tag: str) -> None:
    assert REFRESH.search(f"<html><head>{tag}</head>") is None


def test_a_redirect_stub_is_a_redirect_page_and_an_article_with_a_refresh_is_not() -> None:
    head = '<meta http-equiv="refresh" content="0; url=http://example.invalid/">'
    stub = score("redirect_page", REDIRECT_PAGE, PageFacts(title="正在跳转", text="页面正在跳转，请稍候……", html=head))
    assert stub.signals == ("meta_refresh", "short_text", "no_date") and stub.score == 4
    article = PageFacts(title="厚街镇召开会议", text="厚街镇召开会议，部署工作。" * 40, dated=True, html=head)
    assert score("redirect_page", REDIRECT_PAGE, article).score == 2 - 1 - 3
