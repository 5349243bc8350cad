"""Pages that are not articles, told apart by named signals, both ways: six challenge pages
served with status 200 are refused, a real notice about a new slider captcha is kept; a
redirect to the home page or a list page, and a not-found page in the site template, are
refused with their own reasons. Fixture pages under tests/fixtures/hostile/ are our own text."""

from __future__ import annotations

import pytest

from dgportal_crawler.assemble import article_from_page
from dgportal_crawler.extract.signals import PageFacts, classify
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.replica import Replica
from dgportal_crawler.validate import CHALLENGE_KINDS, Limits, PageContext, judge
from tests.extract.extract_helpers import fixture_bytes

ORIGIN = "https://www.dg.gov.cn"
ARTICLE_URL = ORIGIN + "/houjie/zwgk/tzgg/content/post_2409999.html"


def verdicts(houjie, body: bytes, url: str = ARTICLE_URL, listed_url: str | None = None,
             limits: Limits | None = None) -> list[str]:
    page = FetchedPage.saved(houjie, url, body, status=200, headers={"content-type": "text/html; charset=utf-8"})
    article = article_from_page(page, houjie, None)
    return [p.reason for p in judge(article, houjie, PageContext.of(listed_url, body), limits)]


@pytest.mark.parametrize("name", [
    "challenge_security_check.html",  # 安全验证
    "challenge_slider_puzzle.html",  # 滑动验证 puzzle
    "challenge_browser_check.html",  # "checking your browser"
    "challenge_waf_block.html",  # a WAF block page
    "challenge_rate_limit.html",  # 访问过于频繁
    "challenge_captcha_in_template.html",  # a captcha inside the site's own template
])
def test_a_challenge_served_with_status_200_is_refused(houjie, name: str) -> None:
    assert verdicts(houjie, fixture_bytes(f"hostile/{name}"))[0] == "challenge"


def test_a_real_notice_about_a_slider_captcha_is_kept(houjie) -> None:
    body = fixture_bytes("hostile/article_slider_captcha_notice.html")
    page = FetchedPage.saved(houjie, ARTICLE_URL, body, status=200)
    article = article_from_page(page, houjie, None)
    assert article.title == "关于启用滑动验证码的通知" and "拖动滑块完成验证" in article.text
    assert judge(article, houjie, PageContext.of(None, body)) == []


def test_the_threshold_is_a_setting_not_a_constant(houjie) -> None:
    body = fixture_bytes("hostile/challenge_rate_limit.html")  # scores 4: words 2, short 1, undated 1
    assert verdicts(houjie, body, limits=Limits(challenge_threshold=4)) == ["challenge"]
    assert verdicts(houjie, body, limits=Limits(challenge_threshold=5)) == []


def test_one_word_never_decides_alone() -> None:
    dated_long = PageFacts(title="网络安全宣传周活动启动", text="镇里举办验证码安全知识讲座。" * 40, dated=True)
    short_undated = PageFacts(title="活动通知", text="请带好验证码。", dated=False)
    assert classify(dated_long, CHALLENGE_KINDS, 3) is None
    verdict = classify(short_undated, CHALLENGE_KINDS, 3)
    assert verdict is not None and verdict.signals == ("captcha_words", "short_text", "no_date")


def test_a_not_found_page_in_the_site_template_is_refused(houjie) -> None:
    assert verdicts(houjie, fixture_bytes("hostile/soft404_in_template.html")) == ["not_found"]


@pytest.mark.parametrize("path", ["/houjie/", "/houjie/index.html", "/houjie/xwzx/hjyw/index.html",
                                  "/houjie/zwgk/tzgg/index.html"])
def test_an_article_redirected_to_the_home_or_a_list_page_is_refused(houjie, replica: Replica, path: str) -> None:
    body = replica.respond(path).body
    assert verdicts(houjie, body, url=ORIGIN + path, listed_url=ARTICLE_URL) == ["home_page"]


def test_the_home_page_is_known_by_the_page_at_any_address(houjie, replica: Replica) -> None:
    """Served at an unknown address (a moved home page), it still has the site's title and
    dated list lines; the address is one signal, not the decision."""
    body = replica.respond("/houjie/").body
    assert verdicts(houjie, body, url=ORIGIN + "/houjie/new-home.html", listed_url=ARTICLE_URL) == ["home_page"]


def test_no_article_of_the_replica_looks_like_a_stand_in(houjie) -> None:
    replica = Replica(seed=11, articles=300, degraded=0.2, encodings=True, redesign=0.2)
    refused = []
    for record in replica.ground_truth(ORIGIN):
        answer = replica.respond(record["url"].removeprefix(ORIGIN))
        headers = {k.lower(): v for k, v in answer.headers.items()}
        page = FetchedPage.saved(houjie, record["url"], answer.body, status=200, headers=headers)
        article = article_from_page(page, houjie, None)
        if judge(article, houjie, PageContext.of(None, answer.body)):
            refused.append(record["id"])
    assert refused == []
