"""The coordinator's add-on, applied after the project's: whatever downloader middlewares
the project registers, a coordinator's only one is :class:`~.inject.ResultMiddleware`
(it downloads nothing: the workers did, and their middlewares ran there), and extraction
comes from the workers (:class:`~.inject.ShippedExtractPipeline`)."""

from __future__ import annotations

from scrapy.settings import BaseSettings

PRIORITY = 50  # above -s: what makes this process a coordinator
RESULTS = "dgportal_crawler.distributed.inject.ResultMiddleware"
EXTRACT = "dgportal_crawler.pipelines.ExtractPipeline"
SHIPPED_EXTRACT = "dgportal_crawler.distributed.inject.ShippedExtractPipeline"


class CoordinatorAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        named = settings.getdict("DOWNLOADER_MIDDLEWARES")
        settings.set("DOWNLOADER_MIDDLEWARES_BASE", {}, priority=PRIORITY)
        settings.set("DOWNLOADER_MIDDLEWARES", {**dict.fromkeys(named), RESULTS: 100}, priority=PRIORITY)
        pipelines = settings.getdict("ITEM_PIPELINES")
        order = pipelines.get(EXTRACT) or 100
        settings.set("ITEM_PIPELINES", {**pipelines, EXTRACT: None, SHIPPED_EXTRACT: order},
                     priority=PRIORITY)
