"""``dgportal_crawler.dataset.extras``: an optional analysis library imported on demand, or one
clear error naming the extra that installs it."""

from __future__ import annotations

import json
import sys

import pytest

import dgportal_crawler.dataset as dataset
from dgportal_crawler.dataset.extras import EXTRA, INSTALL, MissingExtraError, require

NAMED = "is needed for this and is not installed: pip install 'dgportal-crawler[analysis]'"


def test_the_install_line_names_the_analysis_extra():
    assert (EXTRA, INSTALL) == ("analysis", "pip install 'dgportal-crawler[analysis]'")


def test_an_installed_module_or_submodule_is_returned():
    assert require("json") is json
    parquet = require("pyarrow.parquet")
    assert parquet.__name__ == "pyarrow.parquet" and hasattr(parquet, "ParquetWriter")


def test_a_missing_module_names_its_top_level_package_and_the_extra():
    with pytest.raises(MissingExtraError) as caught:
        require("dgportal_no_such_library.sub")
    assert str(caught.value) == f"dgportal_no_such_library {NAMED}"
    assert isinstance(caught.value.__cause__, ImportError)  # the original kept for debugging


def test_a_blocked_installed_library_is_reported_as_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "polars", None)  # how Python marks a module as not importable
    with pytest.raises(MissingExtraError) as caught:
        require("polars")
    assert str(caught.value) == f"polars {NAMED}"


def test_the_error_is_an_import_error_and_public_in_the_package():
    assert issubclass(MissingExtraError, ImportError)
    assert dataset.MissingExtraError is MissingExtraError
