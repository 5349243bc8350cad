"""The site's own name where pages show it: in page titles, in article titles, in breadcrumbs.

The portal's ``<title>`` is ``{article title}_{column}_{site}`` (``…_城镇建设_中国东莞厚街镇栏目``)
and the accessibility toolbar announces ``{column}_{parent}_{site}``. The names a profile
gives (``display_name``, ``title_suffixes``, column names) are compared as line keys
(simplified, ASCII punctuation; see ``boilerplate.line_key``), so traditional pages match too.
"""

from __future__ import annotations

from functools import lru_cache

from dgportal_crawler.extract.boilerplate import line_key
from dgportal_crawler.extract.normalise import normalise_whitespace, to_simplified
from dgportal_crawler.extract.spam import is_spam_line, strip_trailing_spam
from dgportal_crawler.profile import SiteProfile

#: What separates the article title, column names and site name in a page title.
TITLE_SEPARATOR = "_"


@lru_cache(maxsize=16)
def _name_keys(names: tuple[str, ...]) -> frozenset[str]:
    """Line keys of a profile's names (cached: the same profile extracts every page)."""
    return frozenset(line_key(n) for n in names if n.strip())


def site_names(profile: SiteProfile | None) -> set[str]:
    """The site's display names as line keys (simplified), to find them in breadcrumbs."""
    if profile is None:
        return set()
    return set(_name_keys((profile.display_name, *profile.title_suffixes)))


def page_site_names(profile: SiteProfile | None, page_title: str) -> set[str]:
    """The site's names; without them (no profile), the last segment of the page title,
    which is where the portal puts the site name."""
    return site_names(profile) or {line_key(page_title.split(TITLE_SEPARATOR)[-1])}


def title_strip_names(profile: SiteProfile | None, extra: list[str]) -> set[str]:
    """Simplified names that may trail a page title: site names, column names, ``extra``."""
    names = {line_key(n) for n in extra if n.strip()}
    if profile is not None:
        columns = tuple(n for c in profile.columns for n in (c.name, c.parent))
        names |= _name_keys((profile.display_name, *profile.title_suffixes, *columns))
    return names


def clean_title(title: str, strip_names: set[str]) -> tuple[str, int]:
    """Strip planted spam and ``_column_site`` suffixes from a title (original script kept).

    ``strip_names`` are simplified names removable from the end (site and column names).
    Returns the title and the number of spam strings removed.
    """
    title, spam = strip_trailing_spam(title, to_simplified(title).lower())
    segments = [s for s in title.split(TITLE_SEPARATOR) if s.strip()] or [title]
    while len(segments) > 1 and (key := line_key(segments[-1])) and (
        key in strip_names or is_spam_line(key)
    ):
        spam += is_spam_line(key)
        segments.pop()
    kept = [s for s in segments if not is_spam_line(line_key(s))] or segments
    spam += len(segments) - len(kept)
    return normalise_whitespace(TITLE_SEPARATOR.join(s.strip() for s in kept)), spam


def column_path_from_title(page_title: str, site_names: set[str], title: str = "") -> list[str]:
    """Columns from a ``[{title}_]{column}_{parent}_{site}`` page title, outermost first
    (simplified); a first segment equal to the article ``title`` is not a column."""
    segments = [k for k in (line_key(s) for s in page_title.split(TITLE_SEPARATOR)) if k]
    if len(segments) < 2 or segments[-1] not in site_names:
        return []
    columns = segments[:-1]
    if title and columns[0] == line_key(title):
        columns = columns[1:]
    return list(reversed(columns))
