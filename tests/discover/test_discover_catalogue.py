"""The template catalogue shipped in the package, and a broken install's one-line error."""

from __future__ import annotations

import pytest

from dgportal_crawler.discover import catalogue
from dgportal_crawler.discover.catalogue import load_catalogue
from dgportal_crawler.profile import ProfileError


def test_the_catalogue_lists_the_portal_templates_current_first() -> None:
    templates = load_catalogue()
    assert list(templates)[:3] == ["current", "legacy", "department"]
    assert templates["current"].list_entry == "ul.news-list > li"
    assert templates["legacy"].next_page == "div.page a"
    assert templates["department"].list_date == "em"


def _install(monkeypatch, tmp_path, text: str) -> None:
    folder = tmp_path / "sites" / "portal"
    folder.mkdir(parents=True)
    (folder / "templates.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalogue.resources, "files", lambda package: tmp_path)


def test_a_catalogue_that_is_not_toml_is_a_profile_error(monkeypatch, tmp_path) -> None:
    _install(monkeypatch, tmp_path, "[templates.current\n")
    with pytest.raises(ProfileError, match="cannot read the template catalogue"):
        load_catalogue()


@pytest.mark.parametrize("text", ["", "templates = 1\n", "[templates]\n"])
def test_a_catalogue_without_templates_is_a_missing_table(monkeypatch, tmp_path, text: str) -> None:
    _install(monkeypatch, tmp_path, text)
    with pytest.raises(ProfileError) as raised:
        load_catalogue()
    assert (raised.value.key, raised.value.problem) == ("templates", "missing table")


def test_a_missing_catalogue_file_is_a_profile_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(catalogue.resources, "files", lambda package: tmp_path)
    with pytest.raises(ProfileError, match="cannot read the template catalogue"):
        load_catalogue()
