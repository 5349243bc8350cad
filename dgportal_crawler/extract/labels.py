"""The one label vocabulary: every label that opens a metadata or furniture field, by kind.

Both sides read it: the furniture rules (``patterns``) call a line made only of such fields
furniture, and the metadata parser (``metadata``) reads the values of the very same fields,
so a label recognised as furniture is also parsed, and vice versa. Labels are written as they
stand in a line *key* (simplified, ASCII punctuation, single spaces; ``boilerplate.line_key``),
so one entry covers traditional and full-width pages too.

A *field line* (:func:`fields_of`) is a line made only of fields (``label:value``), bare
furniture tokens (``网站地图``, ``粤ICP备19114884号``, ``[打印本页]``) and separators (spaces,
``|``, brackets) in any order: ``主办:东莞市厚街镇人民政府 承办:厚街镇党政办 地址:…``. Prose is
never one: its words are left over, or a value holds sentence punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

LabelKind = Literal[
    "date", "other_date", "source", "person", "crumb", "owner", "contact", "footer", "counter",
    "tool",
]

#: The publication date (published_at comes only from these) and other dates of a page.
DATE_LABELS = ("发布日期", "发布时间", "发表时间", "发表日期", "信息提供日期", "发稿时间")
OTHER_DATE_LABELS = ("更新时间", "更新日期", "成文日期", "修改时间")
SOURCE_LABELS = ("来源", "信息来源", "稿件来源", "文章来源", "新闻来源", "本文来源")
#: Person labels → the article field they fill; None: recognised (furniture) but not kept.
PERSON_ROLES: dict[str, str | None] = {
    "作者": "author", "责任编辑": "editor", "编辑": "editor", "责编": "editor",
    "审核": "reviewer", "审稿": "reviewer", "审校": "reviewer",
    "校对": None, "摄影": None, "通讯员": None, "记者": None,
}
CRUMB_LABELS = ("您的当前位置", "您当前的位置", "您当前位置", "您的位置", "当前位置", "当前的位置",
                "您现在的位置", "您现在所在的位置", "您所在的位置", "您所在位置", "所在位置")
#: Footer labels: "footer" ones belong to footers only; "owner" (主办/承办/协办) and "contact"
#: (地址/电话 …) also open lines of event notices, so alone they are content.
FOOTER_LABELS = ("版权所有", "网站标识码", "备案号", "备案编号", "icp备案号", "icp备案", "技术支持",
                 "网站地图", "联系我们", "隐私声明", "隐私政策", "免责声明", "网站声明", "我要纠错",
                 "网站纠错", "纠错", "站长统计", "关于我们", "使用帮助", "copyright")
OWNER_LABELS = ("主办单位", "主办", "承办单位", "承办", "协办单位", "协办")
CONTACT_LABELS = ("联系地址", "地址", "联系电话", "电话", "邮编", "邮政编码", "传真", "电子邮箱",
                  "邮箱")
COUNTER_LABELS = ("浏览次数", "浏览量", "本站访问量", "总访问量", "访问量", "点击数", "点击量",
                  "点击率", "阅读次数", "阅读量")
#: Labels of the government-information table of notices (索引号 …), read into ``gov_meta``.
GOV_TABLE_LABELS = ("索引号", "发布机构", "发文机关", "发文字号", "文号", "成文日期", "发布日期",
                    "主题分类", "公开方式", "公开范围", "公开时限", "有效性", "名称", "组配分类")
#: Bare tokens (no colon) of info lines: print/close links and the like.
TOOL_TOKENS = ("打印本页", "打印页面", "打印本文", "打印", "关闭窗口", "关闭页面", "关闭本页", "关闭",
               "返回顶部", "收藏本页", "收藏", "保存本页")
#: Footer labels that may stand without a colon (``版权所有 © …``, link texts).
COLON_OPTIONAL = ("版权所有", "网站标识码", "copyright", "网站地图", "联系我们", "隐私声明",
                  "隐私政策", "免责声明", "网站声明", "我要纠错", "网站纠错", "纠错", "站长统计",
                  "关于我们", "使用帮助")

_GROUPS: tuple[tuple[LabelKind, tuple[str, ...]], ...] = (
    ("date", DATE_LABELS), ("other_date", OTHER_DATE_LABELS), ("source", SOURCE_LABELS),
    ("person", tuple(PERSON_ROLES)), ("crumb", CRUMB_LABELS), ("footer", FOOTER_LABELS),
    ("owner", OWNER_LABELS), ("contact", CONTACT_LABELS), ("counter", COUNTER_LABELS),
)
#: Every label with its kind (the vocabulary the tests walk through).
LABEL_KINDS: dict[str, LabelKind] = {label: kind for kind, group in _GROUPS for label in group}

#: Patterned footer tokens: ICP and public-security filing numbers, copyright signs.
ICP_NUMBER = r"[\u4e00-\u9fff]?icp[备证]\s*\d+\s*号?(?:\s*-\s*\d+)?"
POLICE_NUMBER = r"[\u4e00-\u9fff]?公网安备\s*\d*\s*号?"
#: The font-size switch, also in the capture's damaged form (``字体大?。? 、 、``).
FONT_SIZE = r"字[体号](?:大小)?[\s\[\]大中小、,?。:]*"

#: Longest value a field can have; a longer "value" is a sentence.
FIELD_VALUE_MAX_CHARS = 60
#: Characters a value never holds: a line holding them is prose ("主办单位：A；承办单位：B。").
SENTENCE_MARKS = re.compile(r"[。;!?]|(?<!\d),|,(?!\d)")
#: What may stand between fields.
SEPARATORS = " |/·•\u2022[]()©-_,、"


def alternation(labels: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of ``labels``, longest first (so 责任编辑 wins over 编辑)."""
    return "|".join(re.escape(label) for label in sorted(set(labels), key=len, reverse=True))


ALL_LABELS = alternation(list(LABEL_KINDS))
_OPTIONAL = alternation(COLON_OPTIONAL)
_TOKENS = alternation(TOOL_TOKENS)
#: Where a field or token starts. Group names tell which: a labelled field, an optional-colon
#: label, a patterned footer token, a tool token or the font-size switch.
START = re.compile(
    rf"(?P<label>(?i:{ALL_LABELS}))\s*:"
    rf"|(?P<open>(?i:{_OPTIONAL}))\s*:?"
    rf"|(?P<icp>(?i:{ICP_NUMBER}))|(?P<police>{POLICE_NUMBER})"
    rf"|(?P<tool>{_TOKENS})"
    rf"|(?P<font>{FONT_SIZE})"
)
#: Characters a field line can open with, and the ICP/police-number opening (``粤ICP备``): a
#: quick reject before the regex.
_FIRST_CHARS = frozenset(
    {w[0] for w in (*LABEL_KINDS, *COLON_OPTIONAL, *TOOL_TOKENS)} | {"字", "C", "I", "公"}
)
_NUMBER_HEAD = re.compile(r"[\u4e00-\u9fff]?(?:icp|ICP|公网安备)")
_TOKEN_KINDS: dict[str, tuple[str, LabelKind]] = {
    "icp": ("ICP备案", "footer"), "police": ("公网安备", "footer"), "tool": ("打印", "tool"), "font": ("字体", "tool"),
}


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a field line: its label (as in the vocabulary), kind and value."""

    label: str
    kind: LabelKind
    value: str


def kind_of(label: str) -> LabelKind:
    return LABEL_KINDS[label.lower() if label.isascii() else label]


def _field(match: re.Match[str], value: str) -> Field | None:
    group = match.lastgroup or ""
    if group in _TOKEN_KINDS:
        label, kind = _TOKEN_KINDS[group]
        return Field(label, kind, "") if not value else None
    label = (match.group(group) or "").lower() if group == "open" else match.group(group)
    if len(value) > FIELD_VALUE_MAX_CHARS or SENTENCE_MARKS.search(value) or "{" in value:
        return None
    return Field(label, kind_of(label), value)


@lru_cache(maxsize=8192)
def fields_of(key: str) -> tuple[Field, ...] | None:
    """The fields of a field line, in order; None when ``key`` is not one (prose, or text
    before the first label). Values are trimmed of separators."""
    head = len(key) - len(key.lstrip(SEPARATORS))
    if head == len(key) or (key[head] not in _FIRST_CHARS and not _NUMBER_HEAD.match(key, head)):
        return None  # quick reject: prose does not open with a label
    if START.match(key, head) is None:
        return None
    matches = list(START.finditer(key, head))
    fields = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following is not None else len(key)
        found = _field(match, key[match.end() : end].strip(SEPARATORS))
        if found is None:
            return None
        fields.append(found)
    return tuple(fields)


def kinds_of(fields: tuple[Field, ...]) -> set[LabelKind]:
    return {f.kind for f in fields}
