"""The pages the fault-injecting replica serves in place of articles and list pages (our own
text): crawler challenges answered with status 200, a not-found page in the site's template, a
meta refresh to another site, and a body that inflates to far more than any page (a
compression bomb)."""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache

_BARE = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>\n'
         '<body><div class="box">{body}</div></body></html>\n')
_IN_TEMPLATE = ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>\n'
                '<meta name="SiteName" content="中国东莞厚街镇栏目"></head><body>\n'
                '<div class="header"><div class="logo"><a href="/houjie/">中国东莞厚街镇栏目</a></div></div>\n'
                '<div class="main"><div class="article">{body}</div></div>\n'
                '<div class="footer"><p>版权所有：东莞市人民政府办公室</p></div></body></html>\n')

#: Challenge pages, one per kind of wall a portal puts up.
CHALLENGES: tuple[tuple[str, str, bool], ...] = (  # (title, body, inside the site template)
    ("安全验证", "<p>您的访问需要进行安全验证，请点击按钮完成验证后继续浏览。</p><button>点击验证</button>", False),
    ("访问验证", '<p>请向右拖动滑块，完成拼图后继续访问</p><div class="slider-track"></div>', False),
    ("Just a moment...", "<h1>Checking your browser before accessing the site.</h1>"
                         "<p>正在检查您的浏览器，请稍候……</p>", False),
    ("访问被拦截", "<p>您的请求疑似攻击行为，已被Web应用防火墙拦截。事件ID：0c9e27</p>", False),
    ("提示信息", "<p>您的访问过于频繁，请稍后再试。</p>", False),
    ("中国东莞厚街镇栏目", '<p>为保障网站安全，请输入验证码后继续访问。</p>'
                           '<form><input type="text" name="captcha"></form>', True),
)
NOT_FOUND = ("页面不存在_中国东莞厚街镇栏目", "<h2>404</h2><p>抱歉，您访问的页面不存在或已被删除。</p>")
#: Decoded size of the compression bomb: past the crawl's DOWNLOAD_MAXSIZE (32 MiB).
BOMB_BYTES = 64 * 2**20
#: Size of a huge article page: under DOWNLOAD_MAXSIZE, its text far over DGPORTAL_MAX_TEXT_CHARS.
HUGE_BYTES = 10 * 2**20
#: What an endless body repeats.
ENDLESS_CHUNK = ("<p>" + "无尽的正文。" * 2000 + "</p>\n").encode("utf-8")


def unit(seed: int, key: str) -> float:
    """A number in [0, 1) that only ``seed`` and ``key`` decide: which pages a seed faults."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def offsite_refresh_page(target: str) -> bytes:
    """A page that only sends the browser elsewhere, at once, with a meta refresh."""
    head = f'<meta http-equiv="refresh" content="0; url={target}">'
    return _BARE.format(title="正在跳转", body="<p>页面正在跳转，请稍候……</p>").replace(
        "</title>", "</title>" + head, 1).encode("utf-8")


def challenge_page(variant: int) -> bytes:
    title, body, in_template = CHALLENGES[variant % len(CHALLENGES)]
    return (_IN_TEMPLATE if in_template else _BARE).format(title=title, body=body).encode("utf-8")


def not_found_page() -> bytes:
    title, body = NOT_FOUND
    return _IN_TEMPLATE.format(title=title, body=body).encode("utf-8")


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """Zeros, gzip-compressed: about 64 KB on the wire, 64 MiB once inflated."""
    return gzip.compress(bytes(BOMB_BYTES), compresslevel=9)


def huge_page(page: bytes) -> bytes:
    """The article page with ~10 MiB of paragraphs added to its body text."""
    paragraph = ("<p>" + "厚街镇持续推进各项工作，" * 100 + "</p>\n").encode("utf-8")
    filler = paragraph * (HUGE_BYTES // len(paragraph))
    at = page.find(b"<p>")  # the first body paragraph, in both template generations
    return page + filler if at < 0 else page[:at] + filler + page[at:]
