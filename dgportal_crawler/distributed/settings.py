"""The Scrapy settings of each side of a distributed crawl, built once from plain values.

The coordinator keeps the settings a one-machine crawl would have (archive, run id, mode …)
and swaps its downloads for the workers' results; the profile's politeness (what the add-on
chose, plus ``-s``) goes to the workers in the crawl's description. A worker gets the
project's settings, those fetch settings, and its own ``-s`` on top.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from scrapy.settings import BaseSettings, Settings

from dgportal_crawler.addon import DgportalAddon
from dgportal_crawler.config import DEFAULTS
from dgportal_crawler.distributed.crawlinfo import CrawlInfo
from dgportal_crawler.distributed.politeness import budget
from dgportal_crawler.distributed.scheduler import CRAWL_SETTING

#: Above ``-s`` (cmdline, 40): what makes a process a coordinator or a worker.
PRIORITY = 50
#: What a worker fetches with, as the coordinator's command line and profile decide (with
#: every ``DGPORTAL_*`` setting; a worker's own archive, progress and table stay off).
FETCH_SETTINGS = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY",
    "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_REQUESTS_PER_IP",
    "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY",
    "AUTOTHROTTLE_TARGET_CONCURRENCY", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE", "RETRY_ENABLED",
    "RETRY_TIMES", "RETRY_HTTP_CODES", "REDIRECT_MAX_TIMES", "COOKIES_ENABLED",
    "DEFAULT_REQUEST_HEADERS",
)
_FRONTIER = {
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
}
_PKG = "dgportal_crawler.distributed"


def fetch_settings(settings: Settings) -> dict[str, Any]:
    """The fetch settings a one-machine crawl with ``settings`` would use (the add-on's
    politeness for the base URL, then the project's and ``-s`` values), as JSON values."""
    effective = settings.copy()
    DgportalAddon().update_settings(effective)
    out = {}
    for name in (*FETCH_SETTINGS, *DEFAULTS):  # our own too: extraction limits, clock …
        value = effective.get(name)
        if isinstance(value, BaseSettings):
            value = value.copy_to_dict()
        if value is None or isinstance(value, str | int | float | bool | list | tuple | dict):
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


def make_coordinator(settings: Settings, info: CrawlInfo, redis_url: str) -> None:
    """Turn one-machine crawl settings into a coordinator's: the same spider, pipelines and
    archive; downloads replaced by results from Redis; politeness left to the workers."""
    settings.setdict({
        **_FRONTIER,
        "SCHEDULER": f"{_PKG}.scheduler.CoordinatorScheduler",
        "REDIS_URL": redis_url,
        CRAWL_SETTING: asdict(info),
        "ADDONS": {**settings.getdict("ADDONS"), f"{_PKG}.addon.CoordinatorAddon": 100},
        "SPIDER_MIDDLEWARES": {f"{_PKG}.inject.AckMiddleware": 1},
        "EXTENSIONS": {f"{_PKG}.coordinator.Coordinator": 50},
        "ROBOTSTXT_OBEY": False,  # workers obey it
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
    }, priority=PRIORITY)


def worker_settings(info: CrawlInfo, redis_url: str, worker_id: str,
                    overrides: dict[str, str]) -> Settings:
    settings = Settings()
    settings.setmodule("dgportal_crawler.settings", priority="project")
    settings.setdict(info.fetch_settings, priority="spider")
    settings.setdict(overrides, priority="cmdline")
    settings.setdict({
        **_FRONTIER,
        "SCHEDULER": f"{_PKG}.scheduler.WorkerScheduler",
        "REDIS_URL": redis_url,
        CRAWL_SETTING: asdict(info),
        "DGPORTAL_WORKER_ID": worker_id,
        "DGPORTAL_ARCHIVE_ROOT": "",  # a worker never writes an archive
        "DGPORTAL_PROGRESS": "off",  # the coordinator shows progress and the table
        "DGPORTAL_SUMMARY": False,
        "HTTPERROR_ALLOW_ALL": True,  # every answer goes to the coordinator, which judges it
        "DOWNLOADER_MIDDLEWARES": {
            f"{_PKG}.politeness.GlobalPolitenessMiddleware": 940,
            f"{_PKG}.worker.CaptureMiddleware": 960,
        },
        "EXTENSIONS": {f"{_PKG}.worker.Worker": 50},
    }, priority=PRIORITY)
    limits = budget(info.fetch_settings)
    if limits is not None:  # the crawl-wide budget replaces this worker's own pacing
        settings.setdict({"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                          "CONCURRENT_REQUESTS_PER_DOMAIN": limits[1]}, priority=PRIORITY)
    return settings
