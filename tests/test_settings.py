"""The project's settings module plus its add-on: every component registered, risky services off."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object

from dgportal_crawler import settings as project_settings
from dgportal_crawler.addon import COMPONENTS, DgportalAddon
from dgportal_crawler.extensions.archive import ArchiveSession
from dgportal_crawler.extensions.progress import ProgressBar
from dgportal_crawler.extensions.summary import RunSummary
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler

ADDON = "dgportal_crawler.addon.DgportalAddon"


def project(**values) -> Settings:
    """The settings a crawl in this project starts from, with the add-on applied."""
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict(values, priority="project")
    for path in settings.getdict("ADDONS"):
        load_object(path)().update_settings(settings)
    return settings


def test_the_settings_module_enables_the_addon_and_nothing_risky():
    assert project_settings.ADDONS == {ADDON: 0}
    assert project_settings.SPIDER_MODULES == ["dgportal_crawler.spiders"]
    settings = project()
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False


def test_the_addon_alone_switches_remote_control_and_telnet_off():
    settings = Settings()  # another project: only the add-on
    DgportalAddon().update_settings(settings)
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False


def test_only_http_and_https_can_be_downloaded():
    handlers = project().getwithbase("DOWNLOAD_HANDLERS")
    for scheme in ("file", "ftp", "s3", "data"):
        assert handlers[scheme] is None, scheme
    assert handlers["http"] and handlers["https"]


def test_every_component_is_registered_in_order():
    settings = project()
    for name, components in COMPONENTS.items():
        assert settings.getdict(name) == components, name
    # the order the pipelines must run in, written out by hand
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert sorted(pipelines, key=pipelines.get) == [
        "dgportal_crawler.pipelines.AnswerPipeline",
        "dgportal_crawler.pipelines.ExtractPipeline",
        "dgportal_crawler.pipelines.ValidatePipeline",
        "dgportal_crawler.pipelines.DedupePipeline",
        "dgportal_crawler.pipelines.RevisionPipeline",
        "dgportal_crawler.pipelines.StorePipeline",
        "dgportal_crawler.pipelines.AttachmentPipeline",
    ]
    assert settings.getdict("SPIDER_MIDDLEWARES") == {"dgportal_crawler.incremental.IncrementalMiddleware": 800}
    downloader = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert downloader == {
        "dgportal_crawler.middlewares.SiteBoundsMiddleware": 40,
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,  # drops silently; SiteBounds counts
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,  # replaced by ours, at its place
        "dgportal_crawler.robots.RobotsPolicyMiddleware": 100,
        # Content-Encoding undone with the table reextract uses, at Scrapy's own place
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
        "dgportal_crawler.decoding.ContentDecodingMiddleware": 590,
        "dgportal_crawler.middlewares.FetchTimeMiddleware": 950,  # next to the downloader
        "dgportal_crawler.middlewares.WarcCaptureMiddleware": 960,
    }
    assert set(settings.getdict("EXTENSIONS")) == {
        "dgportal_crawler.extensions.archive.ArchiveSession", "dgportal_crawler.extensions.progress.ProgressBar",
        "dgportal_crawler.extensions.summary.RunSummary"}


@pytest.mark.parametrize("path", [p for components in COMPONENTS.values() for p, order in components.items()
                                  if order is not None])
def test_every_registered_path_is_a_component_built_from_the_crawler(path):
    assert callable(getattr(load_object(path), "from_crawler", None)), path


def test_a_project_can_reorder_or_switch_off_a_component():
    settings = project(ITEM_PIPELINES={"dgportal_crawler.pipelines.AttachmentPipeline": None,
                                       "dgportal_crawler.pipelines.StorePipeline": 850,
                                       "myproject.pipelines.Mine": 999})
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert pipelines["dgportal_crawler.pipelines.AttachmentPipeline"] is None
    assert pipelines["dgportal_crawler.pipelines.StorePipeline"] == 850
    assert pipelines["myproject.pipelines.Mine"] == 999
    assert pipelines["dgportal_crawler.pipelines.AnswerPipeline"] == 50  # the rest added


def test_a_crawler_from_the_project_settings_builds_our_extensions(tmp_path):
    values = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    crawler = make_crawler(HoujieSpider, {**values, "DGPORTAL_ARCHIVE_ROOT": str(tmp_path)})
    assert isinstance(crawler.get_extension(ArchiveSession), ArchiveSession)
    assert isinstance(crawler.get_extension(RunSummary), RunSummary)
    assert crawler.get_extension(ProgressBar) is None  # auto: stderr is no terminal under pytest
    assert crawler.settings["USER_AGENT"].startswith("dgportal-crawler/")
    assert not any(tmp_path.iterdir())  # building opens nothing


def test_the_spider_loader_finds_the_houjie_spider():
    loader = SpiderLoader.from_settings(project())
    assert "houjie" in loader.list()
    assert loader.load("houjie") is HoujieSpider
