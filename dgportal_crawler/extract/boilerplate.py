"""The boilerplate rule table: page furniture by name, for DOM nodes and for text lines.

:data:`RULES` is the one table. Each named rule says how to recognise one kind of furniture

* as a text line (``line``: a matcher on the line's *key*), used on body paragraphs, on the
  fallback extractor's lines and on plain-text captures;
* inside a line (``inline``: a pattern cut out of the text, e.g. pinyin annotations; ``cut``:
  a function cutting furniture off a line, e.g. a spam run glued to its end);
* as a DOM element: by class name, by tag, by the exact text of a link or short element, by
  the opening words of a short block, or by a ``javascript:`` link (see ``domclean``).

The name is what ``extraction.removed`` counts, so furniture counts the same whether it was an
element or a line. A key is the line in simplified characters with ASCII punctuation and single
spaces, so one pattern covers simplified and traditional, full-width and ASCII. Line patterns
are anchored on the whole line or need the furniture's own fixed wording: prose that merely
mentions 版权所有, 无障碍 or 分享 is never matched.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from dgportal_crawler.extract import labels as L
from dgportal_crawler.extract import patterns as P
from dgportal_crawler.extract.normalise import (
    narrow_width,
    normalise_cells,
    normalise_whitespace,
    to_simplified,
    to_simplified_all,
)
from dgportal_crawler.extract.spam import (
    SPAM_LINE_MAX_CHARS,
    SPAM_LINE_STARTS,
    cut_spam_tail,
    is_spam_line,
)

#: Longest text of a block matched by its opening words (share bar, QR prompt), and of a
#: previous/next block (which holds two article titles).
SHORT_FURNITURE_CHARS = 40
PREV_NEXT_CHARS = 160

#: Full-width punctuation → the ASCII the line patterns use. Applied with str.replace, which
#: is several times faster than str.translate on CJK text.
_PUNCT_TO_ASCII = {
    "：": ":", "，": ",", "；": ";", "？": "?", "！": "!", "（": "(", "）": ")",
    "［": "[", "］": "]", "【": "[", "】": "]", "．": ".", "／": "/", "＞": ">", "｜": "|",
}

_TOGGLES = frozenset({"无障碍", "無障礙", "长者模式", "長者模式", "关怀版", "關懷版", "简体",
                      "簡體", "繁体", "繁體", "简体版", "簡體版", "繁体版", "繁體版"})


@dataclass(frozen=True, slots=True)
class Rule:
    """How one kind of furniture is recognised; every part is optional."""

    line: Callable[[str], object] | None = None  # whole line, on its key; truthy = furniture
    max_chars: int = 0  # longest key the line matcher can accept (longer is never tried)
    starts: str = ""  # if set, the first characters an anchored line pattern can accept
    inline: re.Pattern[str] | None = None  # cut out of a line, on its original text
    inline_needs: tuple[str, ...] = ()  # … only tried on lines holding one of these
    cut: Callable[[str], tuple[str, int]] | None = None  # cuts its furniture off a line
    classes: frozenset[str] = frozenset()  # class names of furniture elements
    tags: frozenset[str] = frozenset()  # furniture tags
    link_texts: frozenset[str] = frozenset()  # exact text of an <a>
    short_texts: frozenset[str] = frozenset()  # exact text of a span/button/em/li
    prefixes: tuple[str, ...] = ()  # opening words of a short block (div/p/span/li/td) whose
    #                                 text the ``line`` matcher then accepts
    prefix_max_chars: int = 0  # … whose whole text is at most this long
    script_links: tuple[str, ...] = ()  # in a javascript: href or an onclick


def _regex(pattern: re.Pattern[str]) -> Callable[[str], object]:
    """A line matcher: the pattern's bound ``search`` (a match is truthy, None is not)."""
    return pattern.search


#: The rule table. Line matchers are tried in this order; the first match names the line.
RULES: dict[str, Rule] = {
    "toolbar_announcement": Rule(
        line=P.is_toolbar_announcement, max_chars=P.TOOLBAR_LINE_MAX_CHARS,
        classes=frozenset({"esdNavLink", "ESDAssetsTextCon"}),
    ),
    "accessibility_toggle": Rule(
        line=_regex(P.ACCESSIBILITY_TOGGLE), max_chars=P.TOGGLE_LINE_MAX_CHARS,
        starts="无退长关适简繁读eE", classes=frozenset({"top-bar", "wza-bar"}),
        link_texts=_TOGGLES, short_texts=_TOGGLES,
    ),
    "share_bar": Rule(
        line=_regex(P.SHARE_BAR), max_chars=P.SHARE_LINE_MAX_CHARS, starts="分",
        classes=frozenset({"share", "bdsharebuttonbox", "bshare-custom", "share-box"}),
        prefixes=("分享到",), prefix_max_chars=SHORT_FURNITURE_CHARS,
    ),
    "qrcode_prompt": Rule(
        line=_regex(P.QRCODE_PROMPT), max_chars=P.SHORT_LINE_MAX_CHARS, starts="手微扫",
        classes=frozenset({"qrcode", "ewm"}),
        prefixes=("扫一扫", "掃一掃"), prefix_max_chars=SHORT_FURNITURE_CHARS,
    ),
    "info_line": Rule(line=P.is_info_line, max_chars=P.INFO_LINE_MAX_CHARS),
    "font_size": Rule(
        line=_regex(P.FONT_SIZE), max_chars=P.SHORT_LINE_MAX_CHARS, starts="字",
        classes=frozenset({"font-size", "fontsize", "zoom-size"}),
        link_texts=frozenset({"大", "中", "小"}),
    ),
    "print_close": Rule(
        line=P.is_tool_line, max_chars=P.SHORT_LINE_MAX_CHARS, starts="[打关返收保字",
        script_links=("print()", "close()"),
        link_texts=frozenset({"打印页面", "打印頁面", "打印本页", "打印本頁", "关闭页面", "關閉頁面",
                              "关闭窗口", "關閉窗口", "【打印】", "【关闭】", "【關閉】"}),
    ),
    "breadcrumb": Rule(
        line=_regex(P.BREADCRUMB), max_chars=P.BREADCRUMB_LINE_MAX_CHARS,
        starts="[" + "".join({label[0] for label in L.CRUMB_LABELS}),
        classes=frozenset({"location", "position", "breadcrumb", "crumbs", "bread-nav"}),
    ),
    "prev_next": Rule(
        line=_regex(P.PREV_NEXT), max_chars=PREV_NEXT_CHARS, starts="上下",
        classes=frozenset({"prev-next", "pre-next", "article-nav"}),
        prefixes=("上一篇", "下一篇"), prefix_max_chars=PREV_NEXT_CHARS,
    ),
    "related_list": Rule(
        line=_regex(P.RELATED_LIST), max_chars=P.HEADING_LINE_MAX_CHARS, starts="相延推",
        classes=frozenset({"related", "xglj", "xgwz", "relevant"}),
    ),
    "editor_line": Rule(
        line=P.is_editor_line, max_chars=P.EDITOR_LINE_MAX_CHARS,
        starts="[" + "".join({label[0] for label in L.PERSON_ROLES}),
        classes=frozenset({"editor", "bianji"}),
    ),
    "footer_field": Rule(
        line=P.is_footer_line, max_chars=P.FOOTER_LINE_MAX_CHARS,
        classes=frozenset({"footer", "foot", "copyright"}), tags=frozenset({"footer"}),
    ),
    "template_placeholder": Rule(
        line=P.is_template_placeholder, max_chars=P.INFO_LINE_MAX_CHARS,
    ),
    "spam_keywords": Rule(line=is_spam_line, max_chars=SPAM_LINE_MAX_CHARS, starts=SPAM_LINE_STARTS),
    "image_filename": Rule(line=P.is_image_filename, max_chars=P.FILENAME_LINE_MAX_CHARS),
    "stray_token": Rule(
        line=_regex(P.STRAY_TOKEN), max_chars=P.STRAY_TOKEN_MAX_CHARS,
        starts="abcdefghijklmnopqrstuvwxyz",
    ),
    "punctuation_only": Rule(line=_regex(P.PUNCTUATION_ONLY), max_chars=P.SEPARATOR_LINE_MAX_CHARS),
    "pinyin_annotation": Rule(inline=P.PINYIN_ANNOTATION, inline_needs=("(", "（")),
    "spam_tail": Rule(cut=cut_spam_tail),
}

_Matcher = tuple[str, Callable[[str], object], int]


@lru_cache(maxsize=1)
def _line_dispatch() -> tuple[dict[str, tuple[_Matcher, ...]], tuple[_Matcher, ...]]:
    """First character of a key → the line rules that can match it, in table order; plus
    the rules for any other first character (those without ``starts``)."""
    lines = [(n, r) for n, r in RULES.items() if r.line is not None]
    firsts = {c for _, r in lines for c in r.starts}
    by_first = {
        c: tuple((n, r.line, r.max_chars) for n, r in lines if not r.starts or c in r.starts)
        for c in firsts
    }
    ungated = tuple((n, r.line, r.max_chars) for n, r in lines if not r.starts)
    return by_first, ungated  # type: ignore[return-value]
_INLINE_PATTERNS = [
    (name, rule.inline, rule.inline_needs) for name, rule in RULES.items() if rule.inline is not None
]
_CUTTERS = [(name, rule.cut) for name, rule in RULES.items() if rule.cut is not None]


def line_key(text: str, *, simplified: bool = False) -> str:
    """The form line rules match: simplified, ASCII punctuation, single spaces.
    ``simplified``: the caller knows the text is simplified already (skips the check)."""
    text = narrow_width(text if simplified else to_simplified(text))
    for wide, ascii_ in _PUNCT_TO_ASCII.items():
        if wide in text:
            text = text.replace(wide, ascii_)
    return normalise_whitespace(text)


def match_line(key: str) -> str | None:
    """Name of the first rule whose line matcher accepts ``key``, or None for content."""
    if not key:
        return None
    by_first, ungated = _line_dispatch()
    length = len(key)
    for name, matcher, max_chars in by_first.get(key[0], ungated):
        if length <= max_chars and matcher(key):
            return name
    return None


def strip_inline(text: str, removed: Counter[str]) -> str:
    """Cut inline furniture out of ``text``, counting each cut into ``removed``."""
    for name, pattern, needs in _INLINE_PATTERNS:
        if needs and not any(map(text.__contains__, needs)):
            continue
        cut, count = pattern.subn("", text)
        if count:  # keep the very same object otherwise: callers test identity for "unchanged"
            text = cut
            removed[name] += count
    for name, cutter in _CUTTERS:
        cut, count = cutter(text)
        if count:
            text = cut
            removed[name] += count
    return text


def classify_lines(
    lines: list[str], removed: Counter[str], *, trimmed: bool = False,
    simplified: bool | None = None,
) -> list[tuple[str | None, str]]:
    """Each non-empty line (inline furniture cut, trimmed) with the rule it matches, or None
    for content. Every firing is counted into ``removed``. Table rows keep their tabs.
    ``trimmed`` lines are already whitespace-normalised (body paragraphs) and stay as they are
    unless an inline rule cut something. ``simplified``: whether the lines are simplified,
    when the caller knows (else one test for the batch, not one per line)."""
    out: list[tuple[str | None, str]] = []
    texts = [strip_inline(line, removed) for line in lines]
    texts = [
        text if trimmed and text is line else normalise_cells(text)
        for line, text in zip(lines, texts, strict=True)
    ]
    keyed = texts if simplified else to_simplified_all(texts)  # one conversion for the batch
    for text, simple in zip(texts, keyed, strict=True):
        if not text.strip():
            continue
        rule = match_line(line_key(simple, simplified=True))
        if rule:
            removed[rule] += 1
        out.append((rule, text))
    return out


def clean_lines(lines: list[str], removed: Counter[str]) -> list[str]:
    """The content lines of ``lines``; furniture is dropped and counted into ``removed``."""
    return [text for rule, text in classify_lines(lines, removed) if rule is None]
