"""Each side's Scrapy settings (:mod:`dgportal_crawler.distributed.settings`): the fetch settings
the coordinator ships to workers, the coordinator's own settings, and a worker's, with who wins
over whom (project < crawl description < worker's -s < what makes it a worker)."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from distributed_helpers import REPLICA_URL, houjie_info
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import Settings, default_settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.test import get_reactor_settings

from dgportal_crawler.config import DEFAULTS
from dgportal_crawler.distributed.scheduler import CRAWL_SETTING
from dgportal_crawler.distributed.settings import (
    FETCH_SETTINGS,
    PRIORITY,
    fetch_settings,
    make_coordinator,
    worker_settings,
)

REDIS = "redis://127.0.0.1:6390/0"
PKG = "dgportal_crawler.distributed."
REAL_SITE_FETCH = {"DOWNLOAD_DELAY": 1.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 2, "AUTOTHROTTLE_ENABLED": True,
                   "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0}


def project(**chosen: object) -> Settings:
    """Settings as ``dgportal crawl`` starts them: the project's module, then the command's."""
    settings = Settings()
    settings.setmodule("dgportal_crawler.settings", priority="project")
    settings.setdict(chosen, priority="cmdline")
    return settings


def test_the_replica_is_fetched_at_full_speed_and_robots_txt_still_obeyed():
    fetch = fetch_settings(project(DGPORTAL_BASE_URL=REPLICA_URL))
    assert (fetch["DOWNLOAD_DELAY"], fetch["CONCURRENT_REQUESTS_PER_DOMAIN"]) == (0.0, 16)
    assert fetch["AUTOTHROTTLE_ENABLED"] is False and fetch["ROBOTSTXT_OBEY"] is True
    # the project's own module (settings.py), not Scrapy's defaults
    assert (fetch["RETRY_TIMES"], fetch["DOWNLOAD_TIMEOUT"], fetch["DOWNLOAD_MAXSIZE"]) == (2, 30, 32 * 2**20)


def test_the_real_site_gets_the_profiles_politeness_and_the_user_agent_names_the_contact():
    fetch = fetch_settings(project(DGPORTAL_BASE_URL="https://www.dg.gov.cn/houjie/",
                                   DGPORTAL_CONTACT="me@example.org"))
    assert {k: fetch[k] for k in REAL_SITE_FETCH} == REAL_SITE_FETCH
    assert (fetch["AUTOTHROTTLE_START_DELAY"], fetch["AUTOTHROTTLE_MAX_DELAY"]) == (2.0, 30.0)
    assert "contact: me@example.org" in fetch["USER_AGENT"]


def test_command_line_values_win_over_the_addon_and_the_callers_settings_stay_as_they_were():
    settings = project(DGPORTAL_BASE_URL="https://www.dg.gov.cn/houjie/", DOWNLOAD_DELAY="3")
    fetch = fetch_settings(settings)
    assert fetch["DOWNLOAD_DELAY"] == "3" and fetch["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert settings.get("AUTOTHROTTLE_ENABLED") is default_settings.AUTOTHROTTLE_ENABLED
    assert "DgportalAddon" not in str(settings.getdict("DOWNLOADER_MIDDLEWARES")), "not the add-on's work"


def test_fetch_settings_are_plain_json_with_every_project_default():
    fetch = fetch_settings(project(DGPORTAL_BASE_URL=REPLICA_URL))
    assert json.loads(json.dumps(fetch)) == fetch, "tuples become lists, nested settings become dicts"
    assert set(FETCH_SETTINGS) | set(DEFAULTS) == set(fetch)
    assert fetch["DEFAULT_REQUEST_HEADERS"] == default_settings.DEFAULT_REQUEST_HEADERS
    assert fetch["RETRY_HTTP_CODES"] == list(default_settings.RETRY_HTTP_CODES)


def test_a_value_that_cannot_travel_as_json_stays_behind():
    settings = project(DGPORTAL_BASE_URL=REPLICA_URL)
    settings.set("DGPORTAL_CLOCK", object(), priority="cmdline")  # a clock callable set from Python
    assert "DGPORTAL_CLOCK" not in fetch_settings(settings)


def test_a_coordinator_keeps_its_crawl_and_hands_downloads_and_politeness_to_the_workers():
    info = houjie_info()
    settings = project(DGPORTAL_BASE_URL=REPLICA_URL, DOWNLOAD_DELAY="5", ROBOTSTXT_OBEY="True")
    make_coordinator(settings, info, REDIS)
    assert settings.get("SCHEDULER") == PKG + "scheduler.CoordinatorScheduler"
    assert settings.get("REDIS_URL") == REDIS
    assert settings.getdict(CRAWL_SETTING) == asdict(info)
    assert settings.getdict("ADDONS") == {"dgportal_crawler.addon.DgportalAddon": 0,
                                          PKG + "addon.CoordinatorAddon": 100}
    assert settings.getfloat("DOWNLOAD_DELAY") == 0 and settings.getbool("ROBOTSTXT_OBEY") is False
    assert settings.getpriority("DOWNLOAD_DELAY") == PRIORITY
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 64
    assert settings.get("DUPEFILTER_CLASS") == "scrapy_redis.dupefilter.RFPDupeFilter"


def test_a_coordinator_crawler_has_the_projects_components_around_the_result_middleware():
    settings = project(DGPORTAL_BASE_URL=REPLICA_URL, **get_reactor_settings())
    make_coordinator(settings, houjie_info(), REDIS)
    crawler = Crawler(Spider, settings)
    crawler._apply_settings()
    applied = crawler.settings
    assert build_component_list(applied.getwithbase("DOWNLOADER_MIDDLEWARES")) == [PKG + "inject.ResultMiddleware"]
    spider_mws = build_component_list(applied.getwithbase("SPIDER_MIDDLEWARES"))
    assert spider_mws[0] == PKG + "inject.AckMiddleware", "outermost: it sees the spider's whole output"
    assert "dgportal_crawler.incremental.IncrementalMiddleware" in spider_mws
    pipelines = build_component_list(applied.getwithbase("ITEM_PIPELINES"))
    assert PKG + "inject.ShippedExtractPipeline" in pipelines
    assert "dgportal_crawler.pipelines.ExtractPipeline" not in pipelines
    extensions = build_component_list(applied.getwithbase("EXTENSIONS"))
    assert {PKG + "coordinator.Coordinator", "dgportal_crawler.extensions.archive.ArchiveSession"} <= set(extensions)


def test_a_worker_takes_the_crawls_fetch_settings_under_its_own_command_line():
    info = houjie_info(fetch_settings={"USER_AGENT": "the coordinator's agent", "RETRY_TIMES": 5,
                                       "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 16})
    settings = worker_settings(info, REDIS, "w1", {"RETRY_TIMES": "1", "CONCURRENT_REQUESTS": "8"})
    assert settings.get("BOT_NAME") == "dgportal_crawler", "the project's settings module"
    assert settings.get("USER_AGENT") == "the coordinator's agent"
    assert settings.getint("RETRY_TIMES") == 1 and settings.getint("CONCURRENT_REQUESTS") == 8
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 16, "unthrottled: the profile's own"
    assert settings.get("SCHEDULER") == PKG + "scheduler.WorkerScheduler"
    assert settings.get("DGPORTAL_WORKER_ID") == "w1"
    assert settings.getdict(CRAWL_SETTING) == asdict(info)
    assert settings.getbool("HTTPERROR_ALLOW_ALL") is True
    assert settings.getdict("DOWNLOADER_MIDDLEWARES") == {PKG + "politeness.GlobalPolitenessMiddleware": 940,
                                                          PKG + "worker.CaptureMiddleware": 960}


@pytest.mark.parametrize(("name", "asked", "kept"), [
    ("DGPORTAL_ARCHIVE_ROOT", "/tmp/mine", ""),  # a worker never writes an archive
    ("DGPORTAL_PROGRESS", "on", "off"),
    ("DGPORTAL_SUMMARY", "True", False),
    ("DGPORTAL_WORKER_ID", "someone-else", "w1"),
])
def test_what_makes_a_process_a_worker_cannot_be_undone_with_s(name, asked, kept):
    assert worker_settings(houjie_info(), REDIS, "w1", {name: asked}).get(name) == kept


def test_the_crawl_wide_budget_replaces_a_workers_own_pacing():
    info = houjie_info(fetch_settings=REAL_SITE_FETCH)
    settings = worker_settings(info, REDIS, "w1", {"DOWNLOAD_DELAY": "5", "AUTOTHROTTLE_ENABLED": "True"})
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is False
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1, "AutoThrottle's target of 1 in flight"
