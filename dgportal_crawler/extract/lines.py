"""Paragraph lines → content, with the metadata furniture lines carry.

Body paragraphs and the fallback extractor's lines go through the line rules; an info line
or editor line found among them is furniture for the text but still a source of metadata.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from dgportal_crawler.extract import labels as L
from dgportal_crawler.extract.boilerplate import classify_lines, line_key, match_line
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.metadata import more_precise, parse_date, parse_editor, parse_source
from dgportal_crawler.extract.patterns import is_weak_footer_line


def read_fields(draft: Draft, text: str) -> None:
    """Date, source and people of an info or editor line: one parser for both, since both
    are lines of fields from the same vocabulary (``labels``)."""
    key = line_key(text)
    draft.published = more_precise(draft.published, parse_date(key))
    draft.source = draft.source or parse_source(key)
    draft.take_people(parse_editor(key))


#: What a furniture line still tells about the article, by rule name.
FURNITURE_READERS: dict[str, Callable[[Draft, str], None]] = {
    "info_line": read_fields,
    "editor_line": read_fields,
}


#: Furniture that may stand between footer lines (the toolbar's region anchors, separators).
PASS_THROUGH = frozenset({"toolbar_announcement", "punctuation_only", "spam_keywords", "stray_token"})
#: Fewest distinct labels a trailing run of owner/contact lines needs to be a footer.
FOOTER_RUN_MIN_LABELS = 2

Classified = list[tuple[str | None, str]]


def _footer_before(lines: Classified, index: int) -> bool:
    """True when the nearest line before ``index`` that is not pass-through is a footer line."""
    for rule, _ in reversed(lines[:index]):
        if rule not in PASS_THROUGH:
            return rule == "footer_field"
    return False


def _run_labels(lines: Classified) -> tuple[set[str], set[str]]:
    fields = [f for _, text in lines for f in (L.fields_of(line_key(text)) or ())]
    return {f.label for f in fields}, {f.kind for f in fields}


def mark_footer_runs(lines: Classified, removed: Counter[str]) -> Classified:
    """Owner/contact lines (``主办：…``, ``地址：…``, one a line) are content alone but footer
    next to the footer: a run of them touching a footer line, or ending the page with an owner
    among several labels, becomes ``footer_field`` (and is counted so)."""
    weak = [rule is None and is_weak_footer_line(line_key(text)) for rule, text in lines]
    out = list(lines)
    index = 0
    while index < len(lines):
        if not weak[index]:
            index += 1
            continue
        end = index
        while end < len(lines) and (weak[end] or lines[end][0] in PASS_THROUGH):
            end += 1
        labels, kinds = _run_labels([lines[i] for i in range(index, end) if weak[i]])
        touching = (end < len(lines) and lines[end][0] == "footer_field") or _footer_before(lines, index)
        trailing = all(rule is not None for rule, _ in lines[end:])
        if touching or (trailing and "owner" in kinds and len(labels) >= FOOTER_RUN_MIN_LABELS):
            for i in range(index, end):
                if weak[i]:
                    out[i] = ("footer_field", lines[i][1])
                    removed["footer_field"] += 1
        index = end
    return out


def _joined(label: str, value: str) -> str | None:
    """``label:value`` when that is a furniture line (a metadata cell pair), else None."""
    line = f"{label.strip().rstrip(':：').strip()}:{value.strip()}"
    return line if match_line(line_key(line)) is not None else None


#: Kinds of labels whose value may stand on the next line (``信息提供日期：`` / ``2019年…``).
_LABEL_LINE_MAX_CHARS = 12
_VALUE_KINDS = frozenset({"date", "other_date", "source", "person", "counter", "owner", "contact"})


def _value_label(line: str) -> bool:
    """A line that is only a label and its colon, of a kind that takes a value."""
    if not line.rstrip().endswith((":", "：")) or len(line) > _LABEL_LINE_MAX_CHARS:
        return False
    label = line_key(line).removesuffix(":").rstrip()
    return L.LABEL_KINDS.get(label) in _VALUE_KINDS


def join_label_lines(lines: list[str]) -> list[str]:
    """Metadata split over lines or cells, joined back into field lines: a label-only line
    and the value after it (``信息提供日期：`` / ``2019年01月12日``, a ``<dl>`` or a text
    extractor's lines), and table rows of label/value cells (``发布时间\t2023-…\t信息来源\t
    本网``). Only pairs that make a furniture line are joined: content stays as it was."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        cells = line.split("\t") if "\t" in line else ()
        pairs = [_joined(a, b) for a, b in zip(cells[::2], cells[1::2], strict=False)]
        if cells and len(cells) % 2 == 0 and all(pairs):
            out.append(" ".join(p for p in pairs if p))
        elif _value_label(line) and index + 1 < len(lines) and (
            joined := _joined(line, lines[index + 1])
        ):
            out.append(joined)
            index += 1
        else:
            out.append(line)
        index += 1
    return out


def content_keys(lines: list[str]) -> list[str]:
    """Keys of the content lines of a whole page's ``lines`` (a text extractor's output):
    furniture, metadata cell pairs and the owner/contact lines of its footer left out."""
    classified = classify_lines(join_label_lines(lines), Counter())
    return [line_key(text) for rule, text in mark_footer_runs(classified, Counter()) if rule is None]


def read_lines(
    lines: list[str], draft: Draft, *, trimmed: bool = False, footer_runs: bool = False
) -> None:
    """Append the content lines to ``draft.paragraphs``; read metadata off furniture lines.
    ``trimmed``: the lines are whitespace-normalised already; ``footer_runs``: the lines are
    a whole page's (not a body element's), so owner/contact lines by the footer are footer."""
    classified = classify_lines(join_label_lines(lines), draft.removed, trimmed=trimmed)
    if footer_runs:
        classified = mark_footer_runs(classified, draft.removed)
    for rule, text in classified:
        if rule is None:
            draft.paragraphs.append(text)
        elif rule in FURNITURE_READERS:
            FURNITURE_READERS[rule](draft, text)


def read_furniture_metadata(lines: list[str], draft: Draft) -> None:
    """Only the metadata of the furniture lines (date, source, editors); nothing is kept or
    counted, for lines whose content is taken from elsewhere."""
    for rule, text in classify_lines(lines, Counter()):
        if rule in FURNITURE_READERS:
            FURNITURE_READERS[rule](draft, text)
