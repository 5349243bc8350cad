"""A conservative detector for the keyword strings hijacked mirrors plant in pages.

Planted strings are short runs made *only* of porn/gambling keywords (``日韩欧美综合``). A line
is spam when, separators aside, it is entirely such a run, short, and holds at least one
unambiguous ("strong") keyword among several hits. Words that are harmless alone (综合, 在线,
免费 …) only count as "filler" inside a run, so ``综合`` or ``在线服务`` alone is never spam,
and any prose around a keyword keeps the line.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dgportal_crawler.extract.normalise import to_simplified

#: Keywords that do not occur as a whole line on a government page.
STRONG_KEYWORDS = (
    "日韩", "欧美", "亚洲", "无码", "有码", "色情", "情色", "黄色网站", "激情", "偷拍", "自拍",
    "一区", "二区", "三区", "四区", "毛片", "三级片", "伦理片", "成人", "av", "porn", "xxx",
    "博彩", "赌场", "百家乐", "六合彩", "时时彩", "娱乐城", "老虎机", "葡京", "太阳城",
)
#: Words that only count as spam inside a run with a strong keyword.
FILLER_KEYWORDS = (
    "综合", "精品", "国产", "中文字幕", "字幕", "视频", "在线", "观看", "免费", "高清", "无删减",
    "最新", "电影", "影院", "久久", "午夜", "福利", "专区", "彩票", "官网", "网址", "入口",
    "大全", "资源", "日本", "韩国", "欧洲", "美国", "人妻", "中文",
)
#: Longest line (characters, separators excluded) the detector will call spam, and longest
#: line it looks at (separators included).
SPAM_MAX_CHARS = 40
SPAM_LINE_MAX_CHARS = 80
#: Fewest keyword hits in a spam line, and fewest strong ones among them.
SPAM_MIN_HITS = 2
SPAM_MIN_STRONG = 1
#: A keyword run glued to the end of other text (a title) is cut only with this many hits,
#: so ``出口欧美日韩`` (two hits) stays while ``…栏目日韩欧美综合`` (three) is cut.
EDGE_MIN_HITS = 3
EDGE_MIN_STRONG = 2

_SEPARATOR_CHARS = " \t|/_·,，、-–—:：;；!！?？.。"
_SEPARATORS = re.compile(f"[{re.escape(_SEPARATOR_CHARS)}\\s]+")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], frozenset[str]]:
    words = sorted({*STRONG_KEYWORDS, *FILLER_KEYWORDS}, key=len, reverse=True)
    alternation = "|".join(map(re.escape, words))
    return (
        re.compile(alternation),
        re.compile(f"(?:{alternation})+"),
        re.compile(f"(?:{alternation})+$"),
        frozenset(STRONG_KEYWORDS),
    )


def _hits(run: str) -> tuple[int, int]:
    """(keyword hits, strong hits) in a run made only of keywords."""
    word, _, _, strong = _patterns()
    found = word.findall(run)
    return len(found), sum(w in strong for w in found)


#: Characters a spam line can open with: a keyword's first letter (any case) or a separator.
SPAM_LINE_STARTS = "".join(sorted(
    {w[0] for w in (*STRONG_KEYWORDS, *FILLER_KEYWORDS)}
    | {w[0].upper() for w in (*STRONG_KEYWORDS, *FILLER_KEYWORDS)}
    | set(_SEPARATOR_CHARS)
))


@lru_cache(maxsize=1)
def _first_chars() -> frozenset[str]:
    return frozenset(w[0] for w in (*STRONG_KEYWORDS, *FILLER_KEYWORDS))


def is_spam_line(key: str) -> bool:
    """True when the (simplified) line is nothing but a planted keyword run."""
    head = key.lstrip(_SEPARATOR_CHARS)[:1].lower()
    if not head or head not in _first_chars():  # quick reject: prose starts otherwise
        return False
    compact = _SEPARATORS.sub("", key.lower())
    if not compact or len(compact) > SPAM_MAX_CHARS:
        return False
    if not _patterns()[1].fullmatch(compact):
        return False
    hits, strong = _hits(compact)
    return hits >= SPAM_MIN_HITS and strong >= SPAM_MIN_STRONG


#: Sentence ends after which a planted run can be glued to a paragraph (``…显著。日韩欧美综合``).
_SENTENCE_ENDS = "。！？!?”」"
_GLUED_TAIL = re.compile(rf"(?<=[{_SENTENCE_ENDS}])[^{_SENTENCE_ENDS}\s]{{2,{SPAM_MAX_CHARS}}}$")


def cut_spam_tail(text: str) -> tuple[str, int]:
    """Cut a planted keyword run glued to the end of a paragraph after its last sentence;
    returns (text, runs cut). Only a run the line detector calls spam is cut."""
    stripped = text.rstrip()
    if not stripped or stripped[-1] in _SENTENCE_ENDS:
        return text, 0
    match = _GLUED_TAIL.search(stripped)
    if match is None or not is_spam_line(to_simplified(match.group()).lower()):
        return text, 0
    return stripped[: match.start()], 1


def strip_trailing_spam(text: str, key: str) -> tuple[str, int]:
    """Cut a planted run glued to the end of ``text`` (a title); returns (text, runs cut).

    ``key`` is the simplified, lower-cased form of ``text`` with the same length, used for
    matching so traditional pages are handled too.
    """
    if len(key) != len(text):
        return text, 0
    match = _patterns()[2].search(key)
    if not match or match.start() == 0:
        return text, 0
    hits, strong = _hits(match.group())
    if hits < EDGE_MIN_HITS or strong < EDGE_MIN_STRONG:
        return text, 0
    return text[: match.start()].rstrip(" _|-"), 1
