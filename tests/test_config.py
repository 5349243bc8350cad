"""The DGPORTAL_* defaults: the getters fall back to them, the add-on sets them, projects win."""

from __future__ import annotations

import pytest
from scrapy.settings import SETTINGS_PRIORITIES, Settings

from dgportal_crawler import config
from dgportal_crawler.addon import DgportalAddon
from dgportal_crawler.config import DEFAULTS

# The documented defaults (README, "Settings"), written out by hand.
DOCUMENTED = {
    "DGPORTAL_ARCHIVE_ROOT": "archive",
    "DGPORTAL_PROGRESS": "auto",
    "DGPORTAL_SUMMARY": True,
    "DGPORTAL_FALLBACK_WARN_RATE": 0.05,
    "DGPORTAL_FSYNC": False,
    "DGPORTAL_MODE": "incremental",
    "DGPORTAL_RECHECK_DAYS": 30,
    "DGPORTAL_STOP_AFTER_SEEN_PAGES": 1,
    "DGPORTAL_WARC": True,
    "DGPORTAL_WARC_MAX_BYTES": 104857600,
}


def test_the_documented_defaults():
    assert {k: DEFAULTS[k] for k in DOCUMENTED} == DOCUMENTED
    assert all(name.startswith("DGPORTAL_") for name in DEFAULTS)


def test_getters_fall_back_to_the_defaults_without_the_addon():
    empty = Settings()
    assert config.get(empty, "DGPORTAL_MODE") == "incremental"
    assert config.get_int(empty, "DGPORTAL_RECHECK_DAYS") == 30
    assert config.get_bool(empty, "DGPORTAL_WARC") is True
    assert config.get_bool(empty, "DGPORTAL_FSYNC") is False
    assert config.get_float(empty, "DGPORTAL_FALLBACK_WARN_RATE") == 0.05
    assert config.get_str(empty, "DGPORTAL_ARCHIVE_ROOT") == "archive"


def test_getters_read_and_convert_a_set_value():
    settings = Settings({"DGPORTAL_RECHECK_DAYS": "7", "DGPORTAL_WARC": "False", "DGPORTAL_FSYNC": "1",
                         "DGPORTAL_FALLBACK_WARN_RATE": "0.2", "DGPORTAL_ARCHIVE_ROOT": "/data/archive"})
    assert config.get_int(settings, "DGPORTAL_RECHECK_DAYS") == 7
    assert config.get_bool(settings, "DGPORTAL_WARC") is False
    assert config.get_bool(settings, "DGPORTAL_FSYNC") is True
    assert config.get_float(settings, "DGPORTAL_FALLBACK_WARN_RATE") == 0.2
    assert config.get_str(settings, "DGPORTAL_ARCHIVE_ROOT") == "/data/archive"


def test_an_empty_string_falls_back_for_get_str_only():
    settings = Settings({"DGPORTAL_ARCHIVE_ROOT": "", "DGPORTAL_MODE": ""})
    assert config.get_str(settings, "DGPORTAL_ARCHIVE_ROOT") == "archive"
    assert config.get(settings, "DGPORTAL_MODE") == ""


def test_an_unknown_name_is_a_programming_error():
    with pytest.raises(KeyError):
        config.get(Settings(), "DGPORTAL_NO_SUCH_SETTING")


def test_the_addon_sets_every_default_at_addon_priority():
    settings = Settings()
    DgportalAddon().update_settings(settings)
    for name, value in DEFAULTS.items():
        assert settings[name] == value, name
        assert settings.getpriority(name) == SETTINGS_PRIORITIES["addon"], name


def test_a_project_setting_wins_over_the_addon():
    settings = Settings()
    settings.setdict({"DGPORTAL_RECHECK_DAYS": 7, "DGPORTAL_WARC": False}, priority="project")
    settings.set("DGPORTAL_MODE", "full", priority="cmdline")
    DgportalAddon().update_settings(settings)
    assert settings.getint("DGPORTAL_RECHECK_DAYS") == 7
    assert settings.getbool("DGPORTAL_WARC") is False
    assert settings["DGPORTAL_MODE"] == "full"
    assert settings.getpriority("DGPORTAL_RECHECK_DAYS") == SETTINGS_PRIORITIES["project"]
    assert settings["DGPORTAL_STOP_AFTER_SEEN_PAGES"] == 1  # the rest still from the add-on


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"DGPORTAL_RECHECK_DAYS": "7", "DOWNLOAD_DELAY": "1.5", "DGPORTAL_WARC": "false"}, []),
        ({"DGPORTAL_RECHECK_DAYS": "seven"}, ["setting DGPORTAL_RECHECK_DAYS='seven' is not a whole number"]),
        ({"DGPORTAL_RECHECK_DAYS": "1.5"}, ["setting DGPORTAL_RECHECK_DAYS='1.5' is not a whole number"]),
        ({"DOWNLOAD_DELAY": "abc"}, ["setting DOWNLOAD_DELAY='abc' is not a number"]),
        ({"DGPORTAL_WARC": "maybe"}, ["setting DGPORTAL_WARC='maybe' is not true or false"]),
        ({"DGPORTAL_MODE": "sometimes"},
         ["setting DGPORTAL_MODE='sometimes' must be one of incremental, full, resume"]),
        ({"DGPORTAL_PROGRESS": "yes"}, ["setting DGPORTAL_PROGRESS='yes' must be one of auto, on, off"]),
    ],
)
def test_check_values_names_each_unusable_value(values, problems):
    assert config.check_values(Settings(values)) == problems


@pytest.mark.parametrize(
    ("name", "getter", "problem"),
    [("DGPORTAL_RECHECK_DAYS", "getint", "setting DGPORTAL_RECHECK_DAYS='' is not a whole number"),
     ("DGPORTAL_WARC", "getbool", "setting DGPORTAL_WARC='' is not true or false"),
     ("DOWNLOAD_DELAY", "getfloat", "setting DOWNLOAD_DELAY='' is not a number")],
)
def test_check_values_refuses_a_blank_number_or_boolean(name, getter, problem):
    # `-s NAME=` gives '', which the component reading it could not use either
    settings = Settings({name: ""})
    with pytest.raises(ValueError):
        getattr(settings, getter)(name)
    assert config.check_values(settings) == [problem]
