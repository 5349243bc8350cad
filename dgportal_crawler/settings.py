"""Scrapy settings of the project. Politeness and the User-Agent are set by
:class:`dgportal_crawler.addon.DgportalAddon` from the ``DGPORTAL_*`` settings below."""

BOT_NAME = "dgportal_crawler"
SPIDER_MODULES = ["dgportal_crawler.spiders"]
NEWSPIDER_MODULE = "dgportal_crawler.spiders"

ADDONS = {"dgportal_crawler.addon.DgportalAddon": 0}

# --- our settings (all prefixed DGPORTAL_) -------------------------------------------------
DGPORTAL_ARCHIVE_ROOT = "archive"  # output root; <root>/<site>/articles/…
DGPORTAL_PROFILE = ""  # a site name or a path to a profile TOML; default: the spider's site
DGPORTAL_BASE_URL = ""  # override the profile's base URL (e.g. the replica's)
DGPORTAL_CONTACT = ""  # e-mail or URL put in the User-Agent
DGPORTAL_FSYNC = False  # fsync after every line (only a power loss needs it)
DGPORTAL_PROGRESS = "auto"  # progress bar: auto (only on a terminal), on, off
DGPORTAL_SUMMARY = True  # print the per-column table at the end of a run
DGPORTAL_FALLBACK_WARN_RATE = 0.05  # warn when more of a column needed the fallback
DGPORTAL_CLOCK = ""  # dotted path to a clock callable (tests fix it)

ITEM_PIPELINES = {
    "dgportal_crawler.pipelines.ExtractPipeline": 100,
    "dgportal_crawler.pipelines.ValidatePipeline": 200,
    "dgportal_crawler.pipelines.DedupePipeline": 300,
    "dgportal_crawler.pipelines.StorePipeline": 800,
}
DOWNLOADER_MIDDLEWARES = {
    "dgportal_crawler.middlewares.FetchTimeMiddleware": 950,
}
EXTENSIONS = {
    "dgportal_crawler.extensions.progress.ProgressBar": 500,
    "dgportal_crawler.extensions.summary.RunSummary": 510,
}

RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
