"""gc_threshold: the collector's pace during a crawl, restored afterwards."""

from __future__ import annotations

import gc

import pytest

from dgportal_crawler.gctune import gc_threshold


@pytest.fixture
def python_pace():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_young_threshold_is_raised_inside_and_restored_after(python_pace) -> None:
    with gc_threshold(20_000):
        assert gc.get_threshold() == (20_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_zero_leaves_pythons_pace(python_pace) -> None:
    with gc_threshold(0):
        assert gc.get_threshold() == (700, 10, 10)


def test_the_pace_is_restored_when_the_crawl_raises(python_pace) -> None:
    with pytest.raises(KeyboardInterrupt), gc_threshold(5_000):
        raise KeyboardInterrupt
    assert gc.get_threshold() == (700, 10, 10)
