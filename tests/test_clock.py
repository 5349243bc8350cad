import datetime as dt

import pytest
from scrapy.settings import Settings

from dgportal_crawler.clock import clock_from_settings, format_time


def test_a_fixed_clock_for_replaying_a_run():
    clock = clock_from_settings(Settings({"DGPORTAL_CLOCK": "fixed:2025-01-10T12:00:00+08:00"}))
    assert format_time(clock()) == "2025-01-10T04:00:00Z"
    naive = clock_from_settings(Settings({"DGPORTAL_CLOCK": "fixed:2025-01-10T12:00:00"}))
    assert format_time(naive()) == "2025-01-10T12:00:00Z"  # no offset given: UTC


def test_a_clock_by_dotted_path_and_the_default():
    clock = clock_from_settings(Settings({"DGPORTAL_CLOCK": "dgportal_crawler.clock.utc_now"}))
    assert clock().tzinfo is dt.UTC
    assert clock_from_settings(Settings({})).__name__ == "utc_now"


def test_a_bad_fixed_clock_says_what_it_expects():
    with pytest.raises(ValueError, match="expected fixed:<ISO 8601 time>"):
        clock_from_settings(Settings({"DGPORTAL_CLOCK": "fixed:yesterday"}))
