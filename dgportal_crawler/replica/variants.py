"""Page variants: browser captures, hijacked mirrors, degraded markup and odd encodings.

Each function takes the plain page (or a piece of it) and returns the altered copy, so the
plain rendering stays the single source of every variant.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from functools import lru_cache

from .model import EncodingMode
from .vocab_base import PINYIN

_TEXT_NODE = re.compile(r">([^<>]+)<")
_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
_ID_ATTR = re.compile(r'\bid="([^"]*)"')
_UCAP_TAGS = {"ucaptitle": "strong", "publishtime": "span", "ucapcontent": "div"}
_UCAP = re.compile(r"<(/?)(ucaptitle|publishtime|ucapcontent)>")
_META_UTF8 = '<meta charset="utf-8">'


@lru_cache(maxsize=1)
def _s2t() -> Callable[[str], str]:
    # built on first use: loading the dictionaries takes a moment and most pages never need it
    import opencc

    return opencc.OpenCC("s2t").convert


def to_traditional(html: str) -> str:
    """Rewrite every text node (the title included) into traditional characters, as the
    site's simplified/traditional switch does in the browser; markup and attributes stay."""
    convert = _s2t()
    return _TEXT_NODE.sub(lambda m: ">" + convert(m.group(1)) + "<", html)


def pinyin_ink(seed: int, post_id: int, rate: float = 0.3) -> Callable[[str], str]:
    """A text rewriter that puts tone-marked pinyin after some characters: ``网(wǎng)站``."""
    rng = random.Random(f"replica:{seed}:{post_id}:pinyin")

    def ink(text: str) -> str:
        out = []
        for ch in text:
            out.append(ch)
            if ch in PINYIN and rng.random() < rate:
                out.append(f"({PINYIN[ch]})")
        return "".join(out)

    return ink


def inject_spam(html: str, spam: str) -> str:
    """What a hijacked mirror adds: keywords in the title and a line after the footer. The
    mirror works on the captured page, so its keywords stay in simplified characters."""
    html = html.replace("</title>", f"_{spam}</title>", 1)
    return html.replace("</body>", f'<div style="text-align:center">{spam}</div>\n</body>', 1)


def _token(name: str) -> str:
    return "r" + hashlib.md5(name.encode("utf-8")).hexdigest()[:7]


def degrade(html: str) -> str:
    """Rename every class, id and Ucap tag, so that no template selector matches any more."""
    html = _CLASS_ATTR.sub(
        lambda m: 'class="' + " ".join(_token(c) for c in m.group(1).split()) + '"', html
    )
    html = _ID_ATTR.sub(lambda m: f'id="{_token(m.group(1))}"', html)
    return _UCAP.sub(lambda m: f"<{m.group(1)}{_UCAP_TAGS[m.group(2)]}>", html)


def _http_equiv(charset: str) -> str:
    return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'


#: mode -> (codec of the bytes, charset in the HTTP header or None, charset in <meta>)
ENCODINGS: dict[EncodingMode, tuple[str, str | None, str]] = {
    "meta-only": ("gb18030", None, "gb2312"),  # no header charset; meta names the old subset
    "wrong-header": ("gbk", "utf-8", "gbk"),  # the header lies, the meta is right
    "conflict": ("gbk", "gbk", "utf-8"),  # the header is right, a stale meta still says utf-8
    "latin1-header": ("gb18030", "iso-8859-1", "gb18030"),  # a server default header
    "bom": ("utf-8-sig", None, "gb2312"),  # the BOM wins over a wrong meta
}


def encode(html: str, mode: EncodingMode | None) -> tuple[bytes, str]:
    """The page's bytes and its Content-Type header value."""
    if mode is None:
        return html.encode("utf-8"), "text/html; charset=utf-8"
    codec, header, meta = ENCODINGS[mode]
    html = html.replace(_META_UTF8, _http_equiv(meta), 1)
    content_type = "text/html" + (f"; charset={header}" if header else "")
    return html.encode(codec, errors="xmlcharrefreplace"), content_type
