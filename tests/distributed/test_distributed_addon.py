"""The coordinator's add-on (:mod:`dgportal_crawler.distributed.addon`): whatever the project
registers, a coordinator downloads through ResultMiddleware only, and extraction comes from the
workers in ExtractPipeline's place."""

from __future__ import annotations

from scrapy import Spider
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.test import get_crawler

from dgportal_crawler.distributed.addon import EXTRACT, PRIORITY, RESULTS, SHIPPED_EXTRACT, CoordinatorAddon

ADDONS = {"dgportal_crawler.addon.DgportalAddon": 0, "dgportal_crawler.distributed.addon.CoordinatorAddon": 100}
P = "dgportal_crawler.pipelines."


def applied(settings: Settings) -> Settings:
    CoordinatorAddon().update_settings(settings)
    return settings


def test_every_named_downloader_middleware_is_switched_off_for_the_result_middleware():
    settings = Settings({"DOWNLOADER_MIDDLEWARES": {"a.First": 10, "b.Second": 900}})
    applied(settings)
    assert settings.getdict("DOWNLOADER_MIDDLEWARES") == {"a.First": None, "b.Second": None, RESULTS: 100}
    assert settings.getdict("DOWNLOADER_MIDDLEWARES_BASE") == {}
    assert build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES")) == [RESULTS]


def test_shipped_extraction_takes_the_order_of_the_projects_extract_pipeline():
    settings = applied(Settings({"ITEM_PIPELINES": {P + "AnswerPipeline": 50, EXTRACT: 150, P + "StorePipeline": 800}}))
    assert settings.getdict("ITEM_PIPELINES") == {P + "AnswerPipeline": 50, EXTRACT: None, SHIPPED_EXTRACT: 150,
                                                  P + "StorePipeline": 800}
    assert applied(Settings()).getdict("ITEM_PIPELINES") == {EXTRACT: None, SHIPPED_EXTRACT: 100}


def test_the_addon_wins_over_command_line_settings():
    settings = Settings()
    settings.set("DOWNLOADER_MIDDLEWARES", {"user.Mine": 5}, priority="cmdline")
    applied(settings)
    assert settings.getpriority("DOWNLOADER_MIDDLEWARES") == PRIORITY > SETTINGS_PRIORITIES["cmdline"]
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["user.Mine"] is None


def test_after_the_project_addon_a_crawler_has_one_downloader_middleware_and_the_same_pipelines():
    crawler = get_crawler(Spider, {"ADDONS": ADDONS})
    settings = crawler.settings
    assert build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES")) == [RESULTS]
    assert build_component_list(settings.getwithbase("ITEM_PIPELINES")) == [
        P + "AnswerPipeline", SHIPPED_EXTRACT, P + "ValidatePipeline", P + "DedupePipeline",
        P + "RevisionPipeline", P + "StorePipeline", P + "AttachmentPipeline"]
    # the project's spider middlewares and extensions are untouched
    assert "dgportal_crawler.incremental.IncrementalMiddleware" in settings.getdict("SPIDER_MIDDLEWARES")
