"""The named-signal classifier: page facts (short, long, dated lines), matchers, scoring and
the verdict, both ways. Pure: no pages fetched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dgportal_crawler.extract.signals import (
    LONG_TEXT_CHARS,
    SHAPE,
    SHORT_TEXT_CHARS,
    PageFacts,
    Verdict,
    classify,
    in_html,
    in_text,
    score,
    words,
)


def test_short_is_strictly_under_the_limit_after_stripping_whitespace() -> None:
    assert PageFacts(title="", text="字" * (SHORT_TEXT_CHARS - 1) + "   \n").short
    assert not PageFacts(title="", text="字" * SHORT_TEXT_CHARS).short


def test_long_is_strictly_over_the_limit() -> None:
    assert PageFacts(title="", text="字" * (LONG_TEXT_CHARS + 1)).long
    assert not PageFacts(title="", text="字" * LONG_TEXT_CHARS).long


def test_dated_lines_counts_only_lines_that_end_in_a_date() -> None:
    text = "\n".join([
        "通知一 2024-05-01",
        "通知二 2023年5月1日",
        "通知三 2022.12.31  ",
        "2024-05-01 发布的通知",  # the date does not end the line
        "没有日期的行",
        "古老的 1899-01-01",  # not a 19xx/20xx year
    ])
    assert PageFacts(title="", text=text).dated_lines() == 3


def test_words_match_case_insensitively() -> None:
    assert words("not found").search("Page NOT FOUND")
    assert words("not found").search("found nothing") is None


def test_in_text_looks_at_the_title_and_the_text_but_not_the_html() -> None:
    matcher = in_text(words("验证码"))
    assert matcher(PageFacts(title="请输入验证码", text=""))
    assert matcher(PageFacts(title="", text="请输入验证码"))
    assert not matcher(PageFacts(title="通知", text="正文", html="<div>验证码</div>"))


def test_in_html_looks_only_at_the_raw_page() -> None:
    matcher = in_html(words("geetest"))
    assert matcher(PageFacts(title="", text="", html="<script src='/GeeTest.js'>"))
    assert not matcher(PageFacts(title="geetest", text="geetest"))


def test_score_sums_the_weights_of_matching_signals_in_table_order() -> None:
    facts = PageFacts(title="", text="短", dated=False)
    verdict = score("x", SHAPE, facts)
    assert verdict == Verdict("x", 2, ("short_text", "no_date"))


def test_long_dated_text_scores_against_the_kind() -> None:
    facts = PageFacts(title="", text="字" * (LONG_TEXT_CHARS + 1), dated=True)
    assert score("x", SHAPE, facts) == Verdict("x", -4, ("dated", "long_text"))


def test_classify_returns_none_below_the_threshold_and_the_verdict_at_it() -> None:
    facts = PageFacts(title="", text="短")  # SHAPE scores 2
    assert classify(facts, {"x": SHAPE}, 3) is None
    verdict = classify(facts, {"x": SHAPE}, 2)
    assert verdict is not None and (verdict.kind, verdict.score) == ("x", 2)


def test_classify_picks_the_highest_score_and_the_first_kind_on_a_tie() -> None:
    facts = PageFacts(title="", text="短")
    one = {"always": (lambda f: True, 1)}
    three = {"always": (lambda f: True, 3)}
    assert classify(facts, {"low": one, "high": three}, 1).kind == "high"
    assert classify(facts, {"first": three, "second": dict(three)}, 1).kind == "first"


def test_classify_with_no_kinds_is_none() -> None:
    assert classify(PageFacts(title="", text=""), {}, 0) is None


def test_describe_names_the_kind_its_signals_and_its_score() -> None:
    assert Verdict("challenge", 4, ("captcha_words", "short_text")).describe() == (
        "looks like a captcha/challenge page (signals: captcha_words, short_text; score 4)")
    assert Verdict("odd", 1, ("a",)).describe() == "looks like odd (signals: a; score 1)"


_PIECES = ["验证码", "安全验证", "请稍候", "访问过于频繁", "404", "页面不存在", "正在跳转",
           "厚街镇召开会议。" * 30, "2024-01-02", '<input name="captcha">',
           '<meta http-equiv="refresh" content="0; url=/x">', "厚街镇人民政府"]


@given(title=st.lists(st.sampled_from(_PIECES), max_size=2).map("".join),
       text=st.lists(st.sampled_from(_PIECES), max_size=6).map("\n".join),
       html=st.lists(st.sampled_from(_PIECES), max_size=3).map("".join),
       flags=st.tuples(*[st.booleans()] * 5), threshold=st.integers(-3, 6))
def test_stopping_early_gives_the_full_scores_verdict_whenever_it_reaches_the_threshold(
        title, text, html, flags, threshold) -> None:
    """``classify`` skips signals once a kind cannot reach the threshold: the verdict must be
    the one full scoring gives, for every kind table the crawler uses."""
    from dgportal_crawler.extract.signals import score_if_reaching
    from dgportal_crawler.validate import CHALLENGE_KINDS, SOFT_PAGE_KINDS

    dated, redirected, article_url, site_page, site_title = flags
    facts = PageFacts(title=title, text=text, dated=dated, html=html, redirected=redirected,
                      article_url=article_url, site_page=site_page, site_title=site_title)
    for kinds in (CHALLENGE_KINDS, SOFT_PAGE_KINDS):
        for kind, table in kinds.items():
            full = score(kind, table, facts)
            assert score_if_reaching(kind, table, facts, threshold) == (full if full.score >= threshold else None)
        fulls = [score(kind, table, facts) for kind, table in kinds.items()]
        best = max(fulls, key=lambda v: v.score)
        assert classify(facts, kinds, threshold) == (best if best.score >= threshold else None)
