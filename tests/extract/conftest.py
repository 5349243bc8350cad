"""Fixtures of the extraction tests."""

from __future__ import annotations

import pytest

from dgportal_crawler.profile import SiteProfile, load_profile


@pytest.fixture(scope="session")
def houjie() -> SiteProfile:
    return load_profile("houjie")
