"""The progress bar: off unless asked for or on a terminal; done / discovered from the stats."""

from __future__ import annotations

import io
import sys

import pytest
import scrapy
from rich.console import Console
from scrapy.exceptions import NotConfigured

from dgportal_crawler.extensions.progress import ProgressBar
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler


class Terminal(io.StringIO):
    """stderr as a terminal would be: a stand-in for the user's tty."""

    def isatty(self) -> bool:
        return True


class OtherSpider(scrapy.Spider):
    name = "other"


@pytest.mark.parametrize(("mode", "tty"), [("off", False), ("off", True), ("OFF", True), ("auto", False)])
def test_off(monkeypatch, mode, tty):
    monkeypatch.setattr(sys, "stderr", Terminal() if tty else io.StringIO())
    with pytest.raises(NotConfigured):
        ProgressBar.from_crawler(make_crawler(HoujieSpider, {"DGPORTAL_PROGRESS": mode}))


@pytest.mark.parametrize(("mode", "tty"), [("on", False), ("On", False), ("auto", True)])
def test_on(monkeypatch, mode, tty):
    monkeypatch.setattr(sys, "stderr", Terminal() if tty else io.StringIO())
    assert isinstance(ProgressBar.from_crawler(make_crawler(HoujieSpider, {"DGPORTAL_PROGRESS": mode})),
                      ProgressBar)


def test_off_under_pytest_by_default():
    with pytest.raises(NotConfigured):  # stderr is captured, not a terminal
        ProgressBar.from_crawler(make_crawler(HoujieSpider))


def test_off_for_someone_elses_spider_even_when_asked():
    with pytest.raises(NotConfigured):
        ProgressBar.from_crawler(make_crawler(OtherSpider, {"DGPORTAL_PROGRESS": "on"}))


def make_bar() -> tuple[ProgressBar, io.StringIO]:
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_PROGRESS": "on"})
    out = io.StringIO()
    return ProgressBar(crawler, Console(file=out, width=120)), out


def test_refresh_counts_done_out_of_discovered():
    bar, _ = make_bar()
    stats = bar.crawler.stats
    for key, value in {"dgportal/articles_discovered": 40, "dgportal/stored": 10, "dgportal/skipped_known": 5,
                       "dgportal/failed": 1, "dgportal/unchanged": 2, "dgportal/listed": 40,
                       "dgportal/column/czjs/list_pages": 3, "dgportal/column/sqdt/list_pages": 2}.items():
        stats.set_value(key, value)
    bar.refresh()
    (task,) = bar.progress.tasks
    assert (task.completed, task.total, task.fields["lists"]) == (18, 40, 5)


def test_no_total_before_anything_is_discovered():
    bar, _ = make_bar()
    bar.refresh()
    (task,) = bar.progress.tasks
    assert (task.completed, task.total, task.fields["lists"]) == (0, None, 0)


def test_the_last_state_is_drawn_when_the_spider_closes():
    bar, out = make_bar()
    bar.progress.start()
    bar.crawler.stats.set_value("dgportal/articles_discovered", 40)
    bar.crawler.stats.set_value("dgportal/stored", 10)
    bar.crawler.stats.set_value("dgportal/column/czjs/list_pages", 3)
    bar.spider_closed()  # the redraw loop never started: nothing to stop
    assert "10/40 articles · 3 list pages" in out.getvalue()
    assert not bar.progress.live.is_started
