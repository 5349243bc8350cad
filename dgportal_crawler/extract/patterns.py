"""Patterns of page furniture, written against line *keys* (see ``boilerplate.line_key``).

A key is simplified Chinese with ASCII ``: , ; ? ! ( ) [ ] |`` and single spaces, so each
pattern below covers traditional and full-width text too. Patterns are anchored on the whole
line or need the furniture's own fixed wording; a sentence that merely mentions a word is kept.
Labels (发布日期, 来源, 作者, 主办 …) come from the one vocabulary in ``labels``, which the
metadata parser reads too.
"""

from __future__ import annotations

import re

from dgportal_crawler.extract import labels as L
from dgportal_crawler.extract.normalise import CJK_CLASS

#: Longest line each kind of furniture line can be; a longer line is prose and is not tried.
TOOLBAR_LINE_MAX_CHARS = 200
TOGGLE_LINE_MAX_CHARS = 60
SHARE_LINE_MAX_CHARS = 60
SHORT_LINE_MAX_CHARS = 40  # QR prompts, font-size and print/close links
BREADCRUMB_LINE_MAX_CHARS = 200
HEADING_LINE_MAX_CHARS = 20  # 相关链接 and the like
FOOTER_LINE_MAX_CHARS = 200
EDITOR_LINE_MAX_CHARS = 60
INFO_LINE_MAX_CHARS = 300
INFO_LINE_BARE_MAX_CHARS = 40  # a line that is only a date label and date
FILENAME_LINE_MAX_CHARS = 100
STRAY_TOKEN_MAX_CHARS = 4
SEPARATOR_LINE_MAX_CHARS = 200
#: Distinct footer labels that make a line a footer line wherever the labels stand.
FOOTER_MIN_LABELS = 2
#: Sentence ends: a line ending so is prose, whatever labels it holds.
SENTENCE_END = ("。", "!", "?", ";")

_TOOLBAR_ANNOUNCEMENT = re.compile(
    r"^已打开.{0,80}?页面\s*,?\s*本页面是由.{0,80}?组成"
    r"|操作帮助\s*,?\s*请?按\s*alt\s*加\s*问号键"
    r"|^(?:提示\s*:?\s*)?您已(?:进入|离开)(?:导航|视窗|交互|内容|功能)区\s*\d*"
    r"(?:\s*,\s*本区域(?:含有|共有)\s*\d+\s*个链接)?(?:\s*,\s*按下?\s*tab\s*键浏览信息)?\s*\.?$"
    r"|^操作帮助.{0,20}$",
    re.IGNORECASE,
)
ACCESSIBILITY_TOGGLE = re.compile(
    r"^(?:(?:无障碍(?:浏览|阅读|模式|通道)?|退出无障碍|长者模式|关怀版|关怀模式|适老版|适老化"
    r"|简体(?:版|中文)?|繁体(?:版|中文)?|读屏|english)\s*[|/·]?\s*)+$",
    re.IGNORECASE,
)
SHARE_BAR = re.compile(
    r"^分享(?:到|至)\s*:?\s*(?:(?:微信|微博|新浪微博|腾讯微博|qq空间|qq|朋友圈|豆瓣|人人网"
    r"|复制链接|更多)\s*[|/·]?\s*)*$",
    re.IGNORECASE,
)
QRCODE_PROMPT = re.compile(
    r"^(?:手机|微信)?(?:扫一扫|扫描二维码|扫码)\s*"
    r"(?:在?手机上?(?:打开|浏览|阅读|查看)(?:当前|本|此)页面?|(?:分享|关注)(?:到朋友圈)?|阅读)?\s*\.?$"
)
_DATE_LABEL = re.compile(rf"(?:{L.alternation(L.DATE_LABELS + L.OTHER_DATE_LABELS)})\s*:?\s*\d{{4}}")
_INFO_COMPANION = re.compile(
    rf"(?:{L.alternation(L.SOURCE_LABELS)})\s*:|字[体号]|打印|{L.alternation(L.COUNTER_LABELS)}"
)
FONT_SIZE = re.compile(r"^字[体号][\s\[\]大中小、,?。:]*$")
PRINT_CLOSE = re.compile(
    r"^(?:\[?\s*(?:打印(?:本页|页面|此页|正文|本文)?|关闭(?:本页|页面|窗口|本文)?|返回顶部"
    r"|收藏(?:本页)?|保存(?:本页)?)\s*\]?\s*)+$"
)
BREADCRUMB = re.compile(rf"^\[?\s*(?:{L.alternation(L.CRUMB_LABELS)})\s*:")
PREV_NEXT = re.compile(r"^(?:上一篇|下一篇|上一条|下一条)\s*(?::|$)")
RELATED_LIST = re.compile(r"^(?:相关(?:链接|文章|阅读|新闻|信息|稿件)?|延伸阅读|推荐阅读)\s*:?$")
_EDITOR_LABEL = re.compile(rf"^\[?\s*(?:{L.alternation(tuple(L.PERSON_ROLES))})\s*:")
_IMAGE_FILENAME = re.compile(
    r"^[^\s/\\:*?\"<>|]{1,80}\.(?:jpe?g|png|gif|bmp|webp|tiff?)$", re.IGNORECASE
)
#: A client-side template's placeholder (``{{ detail.title }}``): the page was not rendered.
TEMPLATE_PLACEHOLDER = re.compile(r"\{\{[^{}]{0,80}\}\}")
#: A line without a letter, digit or character: separators left by removed links ("/", "|").
PUNCTUATION_ONLY = re.compile(r"^[\W_]+$")
#: A lone run of a few lower-case letters (a mirror's marker such as ``slh``).
STRAY_TOKEN = re.compile(rf"^[a-z]{{1,{STRAY_TOKEN_MAX_CHARS}}}$")
#: A pinyin syllable with a tone mark in brackets right after a CJK character: ``網(wǎng)``.
PINYIN_ANNOTATION = re.compile(
    rf"(?<=[{CJK_CLASS}])[(（]\s*[a-zü]{{0,5}}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ][a-zü]{{0,5}}\s*[)）]"
)

# Footer labels anywhere in a line (damaged captures too). Owner and contact labels (主办,
# 地址 …) also open event notices, so they count only next to a footer label or in a line
# made only of fields (``labels.fields_of``).
_STRONG_FOOTER = rf"{L.alternation(L.FOOTER_LABELS)}|©|{L.ICP_NUMBER}|{L.POLICE_NUMBER}"
_FOOTER_START = re.compile(rf"^(?:{_STRONG_FOOTER})\s*(?::|$|©|\d)", re.IGNORECASE)
_FOOTER_STRONG_ANY = re.compile(_STRONG_FOOTER, re.IGNORECASE)
_FOOTER_ANY = re.compile(
    rf"{_STRONG_FOOTER}|{L.alternation(L.OWNER_LABELS + L.CONTACT_LABELS)}", re.IGNORECASE
)
#: Kinds of an info line's fields, and the kinds that may stand beside them there.
INFO_KINDS = frozenset({"date", "other_date", "source", "counter"})
_INFO_COMPANION_KINDS = INFO_KINDS | {"person", "tool"}
#: Kinds of a line of footer fields without a footer label (主办：… 承办：… 地址：…).
WEAK_FOOTER_KINDS = frozenset({"owner", "contact", "counter"})


_TOOLBAR_OPENINGS = ("已打开", "提示", "您已", "操作帮助")
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff")


def is_toolbar_announcement(key: str) -> bool:
    """The accessibility toolbar's announcements (quick reject on their fixed wording)."""
    if not key.startswith(_TOOLBAR_OPENINGS) and "操作帮助" not in key:
        return False
    return _TOOLBAR_ANNOUNCEMENT.search(key) is not None


def is_image_filename(key: str) -> bool:
    """A line that is only an image file name (``微信图片_20230227101143.jpg``)."""
    return key[-5:].lower().endswith(_IMAGE_EXTENSIONS) and _IMAGE_FILENAME.match(key) is not None


def is_footer_line(key: str) -> bool:
    """A line of footer fields: it opens with a footer label, or it is a field line with a
    footer label or with several owner/contact fields one of them an owner (主办, 承办), or
    it is not a sentence and holds several footer labels, one of them a footer-only one."""
    if len(key) > FOOTER_LINE_MAX_CHARS:
        return False
    if _FOOTER_START.search(key):
        return True
    fields = L.fields_of(key)
    if fields is not None:
        kinds = L.kinds_of(fields)
        if "footer" in kinds:
            return True
        labels = {f.label for f in fields}
        return "owner" in kinds and kinds <= WEAK_FOOTER_KINDS and len(labels) >= FOOTER_MIN_LABELS
    if key.endswith(SENTENCE_END) or _FOOTER_STRONG_ANY.search(key) is None:
        return False
    labels = {m.group().lower() for m in _FOOTER_ANY.finditer(key)}
    return len(labels) >= FOOTER_MIN_LABELS


def is_weak_footer_line(key: str) -> bool:
    """A field line of owner/contact fields only (``主办：…``, ``联系电话：…``): content alone,
    footer next to the footer (``capture`` and ``lines`` decide by position)."""
    fields = L.fields_of(key)
    return fields is not None and L.kinds_of(fields) <= WEAK_FOOTER_KINDS


def is_info_line(key: str) -> bool:
    """The article's date/source line: a field line with a date, source or counter field
    (and no footer field), else a dated 发布日期 with other info-line furniture or a short
    line opening with the date label."""
    fields = L.fields_of(key)
    if fields is not None:
        kinds = L.kinds_of(fields)
        return bool(kinds & INFO_KINDS) and kinds <= _INFO_COMPANION_KINDS
    if "日期" not in key and "时间" not in key:
        return False
    date = _DATE_LABEL.search(key)
    if not date:
        return False
    if date.start() == 0 and len(key) <= INFO_LINE_BARE_MAX_CHARS:
        return True
    return _INFO_COMPANION.search(key) is not None


def is_template_placeholder(key: str) -> bool:
    """A line holding a client-side template's placeholder (``{{ detail.title }}``)."""
    return "{{" in key and TEMPLATE_PLACEHOLDER.search(key) is not None


def is_tool_line(key: str) -> bool:
    """Print/close links and the font-size switch, alone or together (``字号:[大 中 小] 打印``)."""
    if PRINT_CLOSE.search(key):
        return True
    fields = L.fields_of(key)
    return fields is not None and L.kinds_of(fields) == {"tool"}


def is_editor_line(key: str) -> bool:
    """``作者：… 责任编辑：… 审稿：…``, ``【责任编辑：…】``, ``摄影：…``: a field line of person
    fields, or a short line opening with a person label that is not a sentence."""
    fields = L.fields_of(key)
    if fields is not None:
        kinds = L.kinds_of(fields)
        return "person" in kinds and kinds <= {"person", "tool"}
    return (
        len(key) <= EDITOR_LINE_MAX_CHARS
        and not key.endswith(SENTENCE_END)
        and _EDITOR_LABEL.match(key) is not None
    )
