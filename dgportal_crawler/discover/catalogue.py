"""The page templates seen on the portal (``sites/portal/templates.toml``)."""

from __future__ import annotations

import tomllib
from importlib import resources

from dgportal_crawler.profile import ProfileError, TemplateSelectors, parse_templates


def load_catalogue() -> dict[str, TemplateSelectors]:
    """Every known template, by name, in the file's order (current first)."""
    file = resources.files("dgportal_crawler") / "sites" / "portal" / "templates.toml"
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:  # a broken install, not a user mistake
        raise ProfileError(str(file), "", f"cannot read the template catalogue ({exc})") from exc
    templates = data.get("templates")
    if not isinstance(templates, dict) or not templates:
        raise ProfileError(str(file), "templates", "missing table")
    return parse_templates(templates, str(file))
