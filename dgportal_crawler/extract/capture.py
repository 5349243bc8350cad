"""Plain-text captures: a page as a browser rendered and saved it as text.

A capture has no markup, so its structure comes from the furniture itself: every line goes
through the line rules; the title is the last content line before the info line (发布日期…),
the body runs from after the info line to the first footer line (owner/contact lines next
to it included), related-links heading or previous/next line, and the toolbar's page
announcement (``已打开{page title}页面…``) names the columns. Content lines outside the body
(before the title, after the footer began) are counted as ``outside_body``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dgportal_crawler.extract.boilerplate import classify_lines, line_key
from dgportal_crawler.extract.draft import Draft, finish
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.lines import FURNITURE_READERS, join_label_lines, mark_footer_runs
from dgportal_crawler.extract.sitenames import column_path_from_title, page_site_names, title_strip_names
from dgportal_crawler.items import ExtractedArticle, Image
from dgportal_crawler.profile import SiteProfile

#: Removal count name of content-looking lines outside the article (navigation link texts).
OUTSIDE_BODY = "outside_body"
#: Lines after which a capture's body is over: the footer, a related-links heading, 上一篇/下一篇.
BODY_ENDS = frozenset({"footer_field", "related_list", "prev_next"})
_ANNOUNCED_TITLE = re.compile(r"^已打开(?P<title>.+?)页面\s*,")


def extract_capture(text: str, *, profile: SiteProfile | None = None) -> ExtractedArticle:
    """Extract an article from a plain-text capture; ExtractionError if it holds none.

    A text capture has no links to resolve, so it needs no URL (the caller keeps it for
    provenance). Without a ``profile`` the site's time zone is Asia/Shanghai and the last
    segment of the announced page title is taken as the site name.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExtractionError("empty capture")
    draft = Draft("capture")
    raw = join_label_lines(text.splitlines())
    lines = mark_footer_runs(classify_lines(raw, draft.removed), draft.removed)
    info = next((i for i, (rule, _) in enumerate(lines) if rule == "info_line"), None)
    title_at = _title_index(lines, info)
    if title_at is None:
        raise ExtractionError("capture holds no content line")
    draft.title = lines[title_at][1]
    start = title_at + 1 if info is None else max(info, title_at) + 1
    end = next((i for i in range(start, len(lines)) if lines[i][0] in BODY_ENDS), len(lines))
    for index, (rule, line) in enumerate(lines):
        if rule in CAPTURE_READERS:
            CAPTURE_READERS[rule](draft, line)
        elif rule is None and index != title_at:
            if start <= index < end:
                draft.paragraphs.append(line)
            else:
                draft.removed[OUTSIDE_BODY] += 1
    if info is None:
        draft.warnings.append("no info line (发布日期/来源) in the capture")
    draft.column_path = _announced_columns(lines, profile, draft.title)
    return finish(draft, profile, title_strip_names(profile, []))


def _image_from_filename(draft: Draft, line: str) -> None:
    """A capture shows an image only by its file name: keep it in ``images`` (the name stands
    for the URL, which a text capture does not have)."""
    name = line.strip()
    if name and all(image.url != name for image in draft.images):
        draft.images.append(Image(url=name, alt=""))


#: Furniture lines that still tell something, in a capture: the HTML readers, plus image
#: file names (on an HTML page the <img> itself is kept instead).
CAPTURE_READERS: dict[str, Callable[[Draft, str], None]] = {
    **FURNITURE_READERS,
    "image_filename": _image_from_filename,
}


def _title_index(lines: list[tuple[str | None, str]], info: int | None) -> int | None:
    """The last content line before the info line, else the first content line."""
    content = [i for i, (rule, _) in enumerate(lines) if rule is None]
    before = [i for i in content if info is not None and i < info]
    if before:
        return before[-1]
    return content[0] if content else None


def _announced_columns(
    lines: list[tuple[str | None, str]], profile: SiteProfile | None, title: str
) -> list[str]:
    """Column path from the page title the toolbar announced, if it announced one."""
    for rule, line in lines:
        match = _ANNOUNCED_TITLE.match(line_key(line)) if rule == "toolbar_announcement" else None
        if match:
            page_title = match.group("title")
            return column_path_from_title(page_title, page_site_names(profile, page_title), title)
    return []
