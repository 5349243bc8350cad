"""The portal definition: the towns and streets of www.dg.gov.cn (``sites/portal/towns.toml``).

Pure: a TOML text in, a frozen :class:`Portal` out. Every problem is one
:class:`PortalError` naming the file, the key and what is wrong, as for site profiles.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from dgportal_crawler.profile import ProfileError, _check_base_url

#: A site id is the town's path prefix on the portal (``houjie``, ``hj``): it names a folder.
SITE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: A disclosure-platform code (``dghjz``): one path segment.
GKMLPT_CODE = re.compile(r"^[a-z0-9]+$")
SITE_KEYS = frozenset({"id", "name", "feeds", "gkmlpt"})


class PortalError(ValueError):
    """The portal definition cannot be read or is invalid."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source, self.key, self.problem = source, key, problem
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")


@dataclass(frozen=True, slots=True)
class PortalSite:
    id: str
    name: str
    feeds: tuple[int, ...] = ()
    gkmlpt: str = ""


@dataclass(frozen=True, slots=True)
class Portal:
    source: str
    name: str
    base_url: str
    sites: tuple[PortalSite, ...]

    def site(self, site_id: str) -> PortalSite:
        for site in self.sites:
            if site.id == site_id:
                return site
        raise KeyError(site_id)

    @property
    def site_ids(self) -> list[str]:
        return [s.id for s in self.sites]

    def site_url(self, site_id: str, portal_url: str | None = None) -> str:
        """The home page of a town under the portal's root (or ``portal_url``, a replica's)."""
        root = portal_url or self.base_url
        return urljoin(root if root.endswith("/") else root + "/", f"{site_id}/")


def builtin_portal_path() -> Traversable:
    return resources.files("dgportal_crawler") / "sites" / "portal" / "towns.toml"


def load_portal(path: str | Path | None = None) -> Portal:
    """The built-in portal definition, or the one at ``path``."""
    file: Path | Traversable = Path(path) if path is not None else builtin_portal_path()
    source = str(file)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PortalError(source, "", f"cannot read file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise PortalError(source, "", "not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PortalError(source, "", f"not valid TOML ({exc})") from exc
    return parse_portal(data, source)


def parse_portal(data: dict[str, Any], source: str) -> Portal:
    head = data.get("portal")
    if not isinstance(head, dict):
        raise PortalError(source, "portal", "missing table" if head is None else "must be a table")
    try:
        base_url = _check_base_url(source, "portal.base_url", _text(head, "base_url", source, "portal."))
    except ProfileError as exc:
        raise PortalError(source, exc.key, exc.problem) from None
    rows = data.get("sites")
    if not isinstance(rows, list) or not rows:
        raise PortalError(source, "sites", "need at least one [[sites]] entry")
    sites: list[PortalSite] = []
    for index, row in enumerate(rows):
        site = _site(row, source, f"sites[{index}]")
        if any(s.id == site.id for s in sites):
            raise PortalError(source, f"sites[{index}].id", f"duplicate site id {site.id!r}")
        sites.append(site)
    return Portal(source, _text(head, "name", source, "portal."), base_url, tuple(sites))


def _site(row: Any, source: str, where: str) -> PortalSite:
    if not isinstance(row, dict):
        raise PortalError(source, where, "must be a table")
    unknown = sorted(set(row) - SITE_KEYS)
    if unknown:
        raise PortalError(source, f"{where}.{unknown[0]}",
                          f"unknown key; expected one of {', '.join(sorted(SITE_KEYS))}")
    site_id = _text(row, "id", source, where + ".")
    if not SITE_ID.match(site_id):
        raise PortalError(source, f"{where}.id", f"{site_id!r} must be lower-case letters, digits, - or _")
    feeds = row.get("feeds", [])
    # bool is an int in Python; a feed id of true is a typo, not column 1
    if not isinstance(feeds, list) or not all(isinstance(f, int) and not isinstance(f, bool) and f > 0
                                              for f in feeds):
        raise PortalError(source, f"{where}.feeds", "must be a list of positive integers")
    code = row.get("gkmlpt", "")
    if not isinstance(code, str) or (code and not GKMLPT_CODE.match(code)):
        raise PortalError(source, f"{where}.gkmlpt", f"{code!r} must be lower-case letters and digits")
    return PortalSite(site_id, _text(row, "name", source, where + "."), tuple(feeds), code)


def _text(table: dict[str, Any], key: str, source: str, prefix: str) -> str:
    value = table.get(key)
    if value is None:
        raise PortalError(source, prefix + key, "missing")
    if not isinstance(value, str) or not value.strip():
        raise PortalError(source, prefix + key, "must be a non-empty string")
    return value
