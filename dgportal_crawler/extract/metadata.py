"""Article metadata from text: dates, the info line, the editor line, government tables and
breadcrumbs (the site name in titles: ``sitenames``).

Functions take line *keys* (simplified, ASCII punctuation; see ``boilerplate.line_key``), so
traditional and full-width pages parse with the same patterns, and return simplified values.
Every label comes from ``labels``, the vocabulary the furniture rules use too: a line the
rules call an info or editor line is a field line whose values are read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from dgportal_crawler.extract import labels as L
from dgportal_crawler.extract.boilerplate import line_key
from dgportal_crawler.extract.kinds import DatePrecision

#: Time zone used when no site profile is given (the Dongguan portal's own).
DEFAULT_TIMEZONE = "Asia/Shanghai"
#: A moment in every zone's standard-time era, whose offset stands in for local mean time.
STANDARD_REFERENCE = datetime(1970, 1, 1)
_DATE = (
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?)?"
)
_LABELLED_DATE = re.compile(rf"(?:{L.alternation(L.DATE_LABELS)})\s*:?\s*{_DATE}")
_OTHER_DATE = re.compile(rf"(?:{L.alternation(L.OTHER_DATE_LABELS)})\s*:?\s*{_DATE}")
_ANY_DATE = re.compile(_DATE)
#: A label found by search in running text: not glued to a preceding character (资金来源).
_NOT_AFTER_CJK = r"(?<![\u4e00-\u9fff])"
_SOURCE = re.compile(
    rf"{_NOT_AFTER_CJK}(?:{L.alternation(L.SOURCE_LABELS)})\s*:\s*(?P<v>[^\s|\[\]{{}}]+)"
)
_PERSON = re.compile(
    rf"{_NOT_AFTER_CJK}(?P<label>{L.alternation(tuple(L.PERSON_ROLES))})\s*:\s*(?P<v>[^\s|\[\]:{{}}]+)"
)
_GOV_LABEL = re.compile(rf"^(?P<label>{L.alternation(L.GOV_TABLE_LABELS)})\s*:?\s*(?P<v>.*)$")
_CRUMB_SPLIT = re.compile(r"\s*(?:/|>|»|›|→|\|)\s*")
_CRUMB_PREFIX = re.compile(rf"^\[?\s*(?:{L.alternation(L.CRUMB_LABELS)})\s*:\s*")
_PRECISIONS: tuple[tuple[str, DatePrecision], ...] = (("S", "second"), ("M", "minute"))
_RANK: dict[DatePrecision, int] = {"day": 0, "minute": 1, "second": 2}


@dataclass(frozen=True, slots=True)
class PubDate:
    """A publication time as written: the naive local time and how precise it was."""

    value: datetime
    precision: DatePrecision

    def iso(self, timezone: str) -> str:
        """ISO 8601 with the zone's offset at that moment (``2023-02-27T10:14:00+08:00``).

        Before a zone kept standard time its offset was local mean time (Shanghai before
        1901: +08:05:43), which ISO 8601 and the archive's schema cannot write; such a moment
        gets the zone's offset at :data:`STANDARD_REFERENCE` instead."""
        zone = ZoneInfo(timezone)
        moment = self.value.replace(tzinfo=zone)
        offset = moment.utcoffset()
        if offset is not None and offset.total_seconds() % 60:
            standard = zone.utcoffset(STANDARD_REFERENCE)
            moment = self.value.replace(tzinfo=dt_timezone(standard) if standard is not None else zone)
        return moment.isoformat()


def _pub_date(match: re.Match[str]) -> PubDate | None:
    parts = match.groupdict()
    precision = next((name for group, name in _PRECISIONS if parts[group]), "day")
    try:
        value = datetime(*(int(parts[g] or 0) for g in ("y", "m", "d", "H", "M", "S")))
    except ValueError:
        return None
    return PubDate(value, precision)


def more_precise(known: PubDate | None, found: PubDate | None) -> PubDate | None:
    """``known`` unless it is missing, or ``found`` is the same day told more precisely (a
    table shows the day, the info line the second: the second is the page's own precision)."""
    if known is None or found is None:
        return known or found
    same_day = known.value.date() == found.value.date()
    if same_day and _RANK[found.precision] > _RANK[known.precision]:
        return found
    return known


def parse_date(key: str, *, labelled_only: bool = False) -> PubDate | None:
    """The publication date in ``key``: the first one labelled 发布日期/发布时间/发表时间/信息提供
    日期 (told most precisely), else any date not labelled 成文日期/更新时间 (unless
    ``labelled_only``)."""
    found: PubDate | None = None
    for match in _LABELLED_DATE.finditer(key):
        found = more_precise(found, _pub_date(match))
    if found is not None or labelled_only:
        return found
    other = {m.start("y") for m in _OTHER_DATE.finditer(key)}
    for match in _ANY_DATE.finditer(key):
        if match.start() not in other and (date := _pub_date(match)) is not None:
            return date
    return None


def _until_next_label(value: str) -> str:
    """A value found in running text, cut where the next field starts (``本网发布日期:…``) or
    the sentence goes on (``本网,欢迎转载。``): a field's value never holds a sentence mark."""
    ends = [m.start() for m in (L.START.search(value), L.SENTENCE_MARKS.search(value)) if m]
    return value[: min(ends)] if ends else value


def parse_source(key: str) -> str | None:
    """The 来源 / 信息来源 / 稿件来源 / 文章来源 value: of the field line ``key``, else of the
    first such label in running text (one word)."""
    fields = L.fields_of(key)
    if fields is not None:
        return next((f.value for f in fields if f.kind == "source" and f.value), None)
    match = _SOURCE.search(key)
    value = _until_next_label(match.group("v")) if match else ""
    return value or None


def parse_editor(key: str) -> dict[str, str]:
    """author / editor / reviewer from person fields (first value of each role wins; 校对,
    摄影, 通讯员 and 记者 are recognised and not kept)."""
    fields = L.fields_of(key)
    if fields is not None:
        found = [(f.label, f.value) for f in fields if f.kind == "person" and f.value]
    else:
        found = [(m.group("label"), _until_next_label(m.group("v"))) for m in _PERSON.finditer(key)]
    people: dict[str, str] = {}
    for label, value in found:
        role = L.PERSON_ROLES[label]
        if role is not None and value:
            people.setdefault(role, value)
    return people


def label_cell_lines(cells: list[str]) -> list[str]:
    """Field lines from the cells of a metadata table or definition list: a cell that is only
    a label (``信息来源`` / ``信息来源：``) joined to the next cell, and cells that are field
    lines themselves, as keys."""
    keys = [line_key(c) for c in cells]
    out = []
    for index, key in enumerate(keys):
        label = key.rstrip(": ")
        following = keys[index + 1] if index + 1 < len(keys) else ""
        if label in L.LABEL_KINDS and following and following.rstrip(": ") not in L.LABEL_KINDS:
            out.append(f"{label}:{following}")
        elif label not in L.LABEL_KINDS and L.fields_of(key):
            out.append(key)
    return out


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

