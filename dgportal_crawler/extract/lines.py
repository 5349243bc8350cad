"""Paragraph lines → content, with the metadata furniture lines carry.

Body paragraphs and the fallback extractor's lines go through the line rules; an info line
or editor line found among them is furniture for the text but still a source of metadata.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from dgportal_crawler.extract.boilerplate import classify_lines, line_key
from dgportal_crawler.extract.draft import Draft
from dgportal_crawler.extract.metadata import parse_date, parse_editor, parse_source


def _info(draft: Draft, text: str) -> None:
    key = line_key(text)
    draft.published = draft.published or parse_date(key)
    draft.source = draft.source or parse_source(key)


def _editor(draft: Draft, text: str) -> None:
    draft.take_people(parse_editor(line_key(text)))


#: What a furniture line still tells about the article, by rule name.
FURNITURE_READERS: dict[str, Callable[[Draft, str], None]] = {
    "info_line": _info,
    "editor_line": _editor,
}


def read_lines(lines: list[str], draft: Draft, *, trimmed: bool = False) -> None:
    """Append the content lines to ``draft.paragraphs``; read metadata off furniture lines.
    ``trimmed``: the lines are whitespace-normalised already."""
    for rule, text in classify_lines(lines, draft.removed, trimmed=trimmed):
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
