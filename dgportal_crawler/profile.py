"""Site profiles: the TOML files under ``sites/`` that describe one sub-site.

A profile is read once, checked completely, and frozen into plain dataclasses. Every problem
is reported as a :class:`ProfileError` naming the file, the key and what is wrong, so a user
who edits a selector gets a sentence, not a traceback.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import ExpressionError, SelectorError
from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

TEMPLATE_KEYS = (
    "list_entry",
    "list_link",
    "list_date",
    "next_page",
    "article_title",
    "article_info",
    "article_body",
    "article_editor",
    "gov_meta",
    "breadcrumb",
)
#: Keys a template may leave empty (the page kind simply has no such element).
OPTIONAL_TEMPLATE_KEYS = frozenset({"article_editor", "gov_meta", "breadcrumb"})
COLUMN_KEYS = ("id", "name", "parent", "path", "list_page", "template")
COLUMN_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ProfileError(ValueError):
    """A site profile cannot be read or is invalid."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source, self.key, self.problem = source, key, problem
        where = f"{source}: {key}: " if key else f"{source}: "
        super().__init__(where + problem)


@dataclass(frozen=True, slots=True)
class TemplateSelectors:
    name: str
    list_entry: str
    list_link: str
    list_date: str
    next_page: str
    article_title: str
    article_info: str
    article_body: str
    article_editor: str
    gov_meta: str
    breadcrumb: str


@dataclass(frozen=True, slots=True)
class Column:
    id: str
    name: str
    parent: str
    path: str
    list_page: str
    template: str
    feed: int | None = None  # the column's feed id (/postmeta/i/<feed>.json): a second route

    @property
    def column_path(self) -> list[str]:
        return [p for p in (self.parent, self.name) if p]


@dataclass(frozen=True, slots=True)
class SiteProfile:
    source: str
    name: str
    display_name: str
    base_url: str
    timezone: str
    article_id_pattern: re.Pattern[str]
    title_suffixes: tuple[str, ...]
    columns: tuple[Column, ...]
    templates: dict[str, TemplateSelectors]
    sha256: str = ""  # of the profile file as read, recorded in each run report
    #: (folder path, column), longest column path first: see :meth:`column_for_url`.
    _folders: tuple[tuple[str, Column], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Worked out once: column_for_url runs for every page read back (reextract, clean).
        folders = [(urlsplit(urljoin(self.base_url, col.path)).path, col) for col in self.columns]
        folders.sort(key=lambda pair: len(pair[1].path), reverse=True)  # stable: ties keep file order
        object.__setattr__(self, "_folders", tuple(folders))

    def column(self, column_id: str) -> Column:
        for col in self.columns:
            if col.id == column_id:
                return col
        raise KeyError(column_id)

    @property
    def column_ids(self) -> list[str]:
        return [c.id for c in self.columns]

    def list_url(self, column: Column) -> str:
        return urljoin(urljoin(self.base_url, column.path), column.list_page)

    def post_id(self, url: str) -> str | None:
        """The post id in an article URL's path (``article_id_pattern``), or None."""
        match = self.article_id_pattern.search(urlsplit(url).path)
        return match.group("id") if match else None

    def article_id(self, url: str) -> str:
        """``<site>:<post id>`` where the URL has one, else ``<site>:url:<path>``."""
        post_id = self.post_id(url)
        if post_id is not None:
            return f"{self.name}:{post_id}"
        return f"{self.name}:url:{urlsplit(url).path}"

    def column_for_url(self, url: str | None) -> Column | None:
        """The column whose folder holds this URL (the longest match), if any."""
        if not url:
            return None
        path = urlsplit(url).path
        return next((col for folder, col in self._folders if path.startswith(folder)), None)

    def with_base_url(self, base_url: str) -> SiteProfile:
        return replace(self, base_url=_check_base_url(self.source, "site.base_url", base_url))


def builtin_profile_path(site: str) -> Traversable:
    """A built-in profile, read through importlib.resources so it also works from a zipped
    egg (scrapyd) where there is no file path."""
    return resources.files("dgportal_crawler") / "sites" / f"{site}.toml"


def builtin_sites() -> list[str]:
    folder = resources.files("dgportal_crawler") / "sites"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_profile(site_or_path: str | Path) -> SiteProfile:
    """Load a profile by built-in site name (``houjie``) or by path to a TOML file."""
    path: Path | Traversable = Path(site_or_path)
    if Path(site_or_path).suffix != ".toml":
        path = builtin_profile_path(str(site_or_path))
        if not path.is_file():
            raise ProfileError(
                str(site_or_path), "", f"no such site; built-in sites: {', '.join(builtin_sites())}"
            )
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ProfileError(source, "", f"cannot read file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(source, "", "not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, "", f"not valid TOML ({exc})") from exc
    return replace(parse_profile(data, source), sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def parse_profile(data: dict[str, Any], source: str) -> SiteProfile:
    site = _table(data, "site", source)
    templates = parse_templates(_table(data, "templates", source), source)
    columns = _columns(data.get("columns"), templates, source)
    pattern_text = _string(site, "article_id_pattern", source, "site.")
    try:
        pattern = re.compile(pattern_text)
    except re.error as exc:
        raise ProfileError(source, "site.article_id_pattern", f"invalid regex ({exc})") from exc
    if "id" not in pattern.groupindex:
        raise ProfileError(source, "site.article_id_pattern", "needs a named group (?P<id>…)")
    timezone = _string(site, "timezone", source, "site.")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ProfileError(source, "site.timezone", f"unknown time zone {timezone!r}") from exc
    suffixes = site.get("title_suffixes", [])
    if not isinstance(suffixes, list) or not all(isinstance(s, str) for s in suffixes):
        raise ProfileError(source, "site.title_suffixes", "must be a list of strings")
    name = _string(site, "name", source, "site.")
    if not COLUMN_ID.match(name):  # it names a folder of the archive and a spider
        raise ProfileError(source, "site.name", f"{name!r} must be lower-case letters, digits, - or _")
    return SiteProfile(
        source=source,
        name=name,
        display_name=str(site.get("display_name", "")),
        base_url=_check_base_url(source, "site.base_url", _string(site, "base_url", source, "site.")),
        timezone=timezone,
        article_id_pattern=pattern,
        title_suffixes=tuple(suffixes),
        columns=columns,
        templates=templates,
    )


def parse_templates(table: dict[str, Any], source: str) -> dict[str, TemplateSelectors]:
    """The ``[templates.*]`` tables of a profile (or of the portal's template catalogue)."""
    return {name: _template(name, _table(table, name, source, "templates."), source) for name in table}


def _table(data: dict[str, Any], key: str, source: str, prefix: str = "") -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        problem = "missing table" if value is None else "must be a table"
        raise ProfileError(source, prefix + key, problem)
    return value


def _string(table: dict[str, Any], key: str, source: str, prefix: str, empty_ok: bool = False) -> str:
    value = table.get(key)
    if value is None:
        raise ProfileError(source, prefix + key, "missing")
    if not isinstance(value, str):
        raise ProfileError(source, prefix + key, f"must be a string, not {type(value).__name__}")
    if not value.strip() and not empty_ok:
        raise ProfileError(source, prefix + key, "must not be empty")
    return value


def _template(name: str, table: dict[str, Any], source: str) -> TemplateSelectors:
    prefix = f"templates.{name}."
    unknown = sorted(set(table) - set(TEMPLATE_KEYS))
    if unknown:
        raise ProfileError(source, prefix + unknown[0], f"unknown key; expected one of {', '.join(TEMPLATE_KEYS)}")
    values = {
        key: _string(table, key, source, prefix, empty_ok=key in OPTIONAL_TEMPLATE_KEYS)
        if key in table or key not in OPTIONAL_TEMPLATE_KEYS
        else ""
        for key in TEMPLATE_KEYS
    }
    for key, selector in values.items():
        _check_selector(selector, source, prefix + key)
    return TemplateSelectors(name=name, **values)


def _check_selector(selector: str, source: str, key: str) -> None:
    """Compile the selector once now, so a typo is reported before any crawl starts."""
    if not selector:
        return
    try:
        if selector.startswith("xpath:"):
            Selector(text="<html/>").xpath(selector.removeprefix("xpath:"))
        else:
            HTMLTranslator().css_to_xpath(selector)
    except (SelectorError, ExpressionError, etree.XPathError, ValueError) as exc:
        raise ProfileError(source, key, f"invalid selector {selector!r} ({exc})") from exc


def _columns(value: Any, templates: dict[str, TemplateSelectors], source: str) -> tuple[Column, ...]:
    if not isinstance(value, list) or not value:
        raise ProfileError(source, "columns", "need at least one [[columns]] entry")
    columns: list[Column] = []
    for index, table in enumerate(value):
        prefix = f"columns[{index}]."
        if not isinstance(table, dict):
            raise ProfileError(source, f"columns[{index}]", "must be a table")
        fields = {key: _string(table, key, source, prefix, empty_ok=key == "parent") for key in COLUMN_KEYS}
        if not COLUMN_ID.match(fields["id"]):
            raise ProfileError(source, prefix + "id", f"{fields['id']!r} must be lower-case letters, digits, - or _")
        if fields["template"] not in templates:
            raise ProfileError(
                source, prefix + "template",
                f"unknown template {fields['template']!r}; defined: {', '.join(sorted(templates))}",
            )
        if any(c.id == fields["id"] for c in columns):
            raise ProfileError(source, prefix + "id", f"duplicate column id {fields['id']!r}")
        columns.append(Column(**fields, feed=_feed(table.get("feed"), source, prefix + "feed")))
    return tuple(columns)


def _feed(value: Any, source: str, key: str) -> int | None:
    # bool is an int in Python: `feed = true` is a typo, not feed 1
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
        return value
    raise ProfileError(source, key, f"{value!r} must be a positive integer (a feed id)")


def _check_base_url(source: str, key: str, url: str) -> str:
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise ProfileError(source, key, f"{url!r} contains spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ProfileError(source, key, f"{url!r} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProfileError(source, key, f"{url!r} is not an http(s) URL")
    return url if url.endswith("/") else url + "/"
