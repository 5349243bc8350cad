"""Crawler challenges answered with status 200: captcha and verification pages, slider
puzzles, "checking your browser" interstitials, WAF block pages and rate-limit notices.

Each family of wording is one signal (two phrases of one family count once); the shape of the
page (short, undated) adds to it, a date and a long text count against. See
:mod:`dgportal_crawler.extract.signals` for how a table becomes a verdict.
"""

from __future__ import annotations

from dgportal_crawler.extract.signals import SHAPE, PageFacts, SignalTable, in_html, in_text, words

CAPTCHA = words(r"安全验证|安全驗證|访问验证|訪問驗證|人机验证|人機驗證|请完成验证|請完成驗證|完成验证后"
                r"|验证码|驗證碼|captcha|滑动验证|滑動驗證|拖动滑块|拖動滑塊|完成拼图|完成拼圖")
BROWSER_CHECK = words(r"checking your browser|检查您的浏览器|檢查您的瀏覽器|just a moment"
                      r"|enable javascript and cookies|(?:开启|启用|開啟|啟用)\s*javascript|ddos protection")
WAF_BLOCK = words(r"防火墙|防火牆|\bWAF\b|访问被拦截|訪問被攔截|已被拦截|已被攔截|已被阻断|疑似攻击"
                  r"|request (?:was )?blocked|access denied|事件ID|安全狗|云盾")
RATE_LIMIT = words(r"访问过于频繁|訪問過於頻繁|请求过于频繁|請求過於頻繁|访问频率|訪問頻率|操作过于频繁"
                   r"|too many requests|rate limit")
#: Markup of a captcha or slider widget in the raw page.
WIDGET = words(r"<input[^>]+name=[\"']?[^\"'>]*(?:captcha|verify|yzm|checkcode)|class=[\"'][^\"']*"
               r"(?:captcha|slide-verify|slider-track|geetest|nc_wrapper)|<canvas")

#: A title this short that is challenge wording is the page's own name (安全验证), not a headline.
TITLE_MAX_CHARS = 12


def _challenge_title(facts: PageFacts) -> bool:
    title = facts.title.strip()
    families = (CAPTCHA, BROWSER_CHECK, WAF_BLOCK, RATE_LIMIT)
    return len(title) <= TITLE_MAX_CHARS and any(p.search(title) for p in families)


SIGNALS: SignalTable = {
    "challenge_title": (_challenge_title, 1),
    "captcha_words": (in_text(CAPTCHA), 2),
    "browser_check_words": (in_text(BROWSER_CHECK), 2),
    "waf_block_words": (in_text(WAF_BLOCK), 2),
    "rate_limit_words": (in_text(RATE_LIMIT), 2),
    "captcha_widget": (in_html(WIDGET), 1),
    **SHAPE,
}

