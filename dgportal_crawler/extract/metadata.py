"""Article metadata from text: dates, the info line, the editor line, breadcrumbs, titles.

Functions take line *keys* (simplified, ASCII punctuation; see ``boilerplate.line_key``), so
traditional and full-width pages parse with the same patterns, and return simplified values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dgportal_crawler.extract.boilerplate import line_key
from dgportal_crawler.extract.spam import is_spam_line, strip_trailing_spam
from dgportal_crawler.normalise import normalise_whitespace, to_simplified

#: Time zone used when no site profile is given (the Dongguan portal's own).
DEFAULT_TIMEZONE = "Asia/Shanghai"
#: Labels ending a value in an info or editor line.
_STOP_LABELS = r"发布|发表|更新|来源|作者|责任编辑|编辑|责编|审核|审校|字[体号]|浏览|点击|打印|关闭|阅读|访问"
_DATE = (
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?)?"
)
_LABELLED_DATE = re.compile(rf"(?:发布|发表|更新)(?:日期|时间)\s*:?\s*{_DATE}")
_ANY_DATE = re.compile(_DATE)
_SOURCE = re.compile(rf"来源\s*:\s*(?P<v>[^\s\[]+(?:\s(?!{_STOP_LABELS}|\[)[^\s\[]+)*)")
_EDITOR_FIELD = re.compile(
    rf"(?P<label>作者|责任编辑|编辑|责编|审核|审校|审稿)\s*:\s*"
    rf"(?P<v>[^\s:]+(?:\s(?!(?:{_STOP_LABELS})\s*:)[^\s:]+)*)"
)
_EDITOR_ROLES = {"作者": "author", "责任编辑": "editor", "编辑": "editor", "责编": "editor",
                 "审核": "reviewer", "审校": "reviewer", "审稿": "reviewer"}
#: Labels of the government-information table of notices.
GOV_META_LABELS = ("索引号", "发布机构", "发文机关", "发文字号", "文号", "成文日期", "发布日期",
                   "主题分类", "公开方式", "公开范围", "公开时限", "有效性", "名称", "组配分类")
_GOV_LABEL = re.compile(rf"^(?P<label>{'|'.join(GOV_META_LABELS)})\s*:?\s*(?P<v>.*)$")
_CRUMB_SPLIT = re.compile(r"\s*(?:/|>|»|›|→|\|)\s*")
_CRUMB_PREFIX = re.compile(r"^[^:]{0,12}位置\s*:\s*")
_PRECISIONS = (("S", "second"), ("M", "minute"))


@dataclass(frozen=True, slots=True)
class PubDate:
    """A publication time as written: the naive local time and how precise it was."""

    value: datetime
    precision: str  # "day" | "minute" | "second"

    def iso(self, timezone: str) -> str:
        """ISO 8601 with the zone's offset at that moment (``2023-02-27T10:14:00+08:00``)."""
        return self.value.replace(tzinfo=ZoneInfo(timezone)).isoformat()


def parse_date(key: str, *, labelled_only: bool = False) -> PubDate | None:
    """The first publication date in ``key``: a labelled one (发布日期…) if any, else any date."""
    match = _LABELLED_DATE.search(key) or (None if labelled_only else _ANY_DATE.search(key))
    if not match:
        return None
    parts = match.groupdict()
    precision = next((name for group, name in _PRECISIONS if parts[group]), "day")
    try:
        value = datetime(*(int(parts[g] or 0) for g in ("y", "m", "d", "H", "M", "S")))
    except ValueError:
        return None
    return PubDate(value, precision)


def parse_source(key: str) -> str | None:
    """The 来源 value of an info line."""
    match = _SOURCE.search(key)
    return match.group("v").strip() if match else None


def parse_editor(key: str) -> dict[str, str]:
    """author / editor / reviewer from an editor line (first value of each role wins)."""
    found: dict[str, str] = {}
    for match in _EDITOR_FIELD.finditer(key):
        found.setdefault(_EDITOR_ROLES[match.group("label")], match.group("v").strip())
    return found


def parse_gov_meta(cells: list[str]) -> dict[str, str]:
    """label → value from the cells of a government-information table, in reading order.

    A cell is ``label：value`` or a bare label whose value is the next cell.
    """
    meta: dict[str, str] = {}
    keys = [line_key(c) for c in cells]
    for index, key in enumerate(keys):
        match = _GOV_LABEL.match(key)
        if not match or match.group("label") in meta:
            continue
        value = match.group("v").strip()
        if not value and index + 1 < len(keys) and not _GOV_LABEL.match(keys[index + 1]):
            value = keys[index + 1]
        if value:
            meta[match.group("label")] = value
    return meta


def parse_breadcrumb(names: list[str], text: str, site_names: set[str]) -> list[str]:
    """Column names after the site's display name in a breadcrumb (simplified).

    ``names`` are the breadcrumb's link texts; without links the text is split on ``/``,
    ``>`` and the like. Empty when the site name is not in the breadcrumb.
    """
    if not names:
        names = _CRUMB_SPLIT.split(_CRUMB_PREFIX.sub("", line_key(text)))
    keys = [line_key(_CRUMB_PREFIX.sub("", n)) for n in names]
    keys = [k for k in keys if k]
    for index, key in enumerate(keys):
        if key in site_names:
            return keys[index + 1 :]
    return []


def clean_title(title: str, strip_names: set[str]) -> tuple[str, int]:
    """Strip planted spam and ``_column_site`` suffixes from a title (original script kept).

    ``strip_names`` are simplified names removable from the end (site and column names).
    Returns the title and the number of spam strings removed.
    """
    title, spam = strip_trailing_spam(title, to_simplified(title).lower())
    segments = [s for s in title.split("_") if s.strip()] or [title]
    while len(segments) > 1 and (key := line_key(segments[-1])) and (
        key in strip_names or is_spam_line(key)
    ):
        spam += is_spam_line(key)
        segments.pop()
    kept = [s for s in segments if not is_spam_line(line_key(s))] or segments
    spam += len(segments) - len(kept)
    return normalise_whitespace("_".join(s.strip() for s in kept)), spam


def column_path_from_title(page_title: str, site_names: set[str], title: str = "") -> list[str]:
    """Columns from a ``[{title}_]{column}_{parent}_{site}`` page title, outermost first
    (simplified); a first segment equal to the article ``title`` is not a column."""
    segments = [k for k in (line_key(s) for s in page_title.split("_")) if k]
    if len(segments) < 2 or segments[-1] not in site_names:
        return []
    columns = segments[:-1]
    if title and columns[0] == line_key(title):
        columns = columns[1:]
    return list(reversed(columns))
