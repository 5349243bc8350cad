import pytest

from dgportal_crawler.extract.signals import LONG_TEXT_CHARS
from dgportal_crawler.items import (
    ExtractedArticle,
    Extraction,
    PendingArticle,
    Provenance,
    Validators,
    make_article,
)
from dgportal_crawler.validate import problems_of


def article(title: str = "厚街镇召开防汛工作会议", text: str = "会议部署了今年的防汛重点工作。", status: int = 200):
    extracted = ExtractedArticle(
        title=title, title_original=title, published_at="2023-02-27T10:14:00+08:00",
        published_precision="minute", source="本网", text=text, text_original=text,
        script_original="hans", extraction=Extraction("template", "current"),
    )
    prov = Provenance(url="https://www.dg.gov.cn/houjie/a/content/post_1.html", site="houjie", column="hjyw",
                      column_name="厚街要闻", fetched_at="2026-11-25T00:00:00Z", http_status=status,
                      raw_body=b"<html/>", crawler_version="0", run_id="r")
    return make_article(extracted, prov, "houjie:1")


def test_a_normal_article_has_no_problems():
    assert problems_of(article()) == []


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"title": "  "}, "no title"),
        ({"text": "短"}, "text has 1 characters (< 10)"),
        ({"status": 412}, "HTTP status 412"),
        ({"title": "安全验证", "text": "请完成下方滑动验证后继续访问本站。"}, "looks like a captcha/challenge page"),
        ({"title": "访问提示", "text": "Please enable JavaScript and cookies to continue (captcha)"},
         "looks like a captcha/challenge page"),
    ],
)
def test_what_is_not_an_article(kwargs, problem):
    assert any(p.startswith(problem) for p in problems_of(article(**kwargs)))


def test_a_long_article_that_mentions_verification_is_kept():
    text = "镇网络安全验证中心今日挂牌。" + "中心将为辖区企业提供网络安全检测服务。" * (LONG_TEXT_CHARS // 10)
    assert problems_of(article(text=text)) == []


def test_the_validators_travel_beside_the_line_not_on_it():
    pending = PendingArticle(article(), Validators.from_headers({"etag": '"abc"'}))
    assert pending.validators.etag == '"abc"'
    assert "validators" not in pending.article.to_dict()
    assert '"abc"' not in str(pending.article.to_dict())
