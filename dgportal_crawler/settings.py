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
DGPORTAL_CLOCK = ""  # "fixed:<ISO time>" or a dotted path to a clock callable; default: now
DGPORTAL_MODE = "incremental"  # incremental | full | resume (see dgportal_crawler.incremental)
DGPORTAL_RECHECK_DAYS = 30  # re-check known articles published within this many days
DGPORTAL_STOP_AFTER_SEEN_PAGES = 1  # stop paging a column after this many all-known list pages
DGPORTAL_WARC = True  # keep every request/response in <root>/<site>/warc/
DGPORTAL_WARC_MAX_BYTES = 100 * 2**20  # start a new WARC file past this size
DGPORTAL_LOCK_HELD = False  # the caller (dgportal crawl) already holds the archive's lock
DGPORTAL_ATTACHMENTS = False  # also fetch attachments (pdf, doc …) so the WARC keeps them

ITEM_PIPELINES = {
    "dgportal_crawler.pipelines.AnswerPipeline": 50,
    "dgportal_crawler.pipelines.ExtractPipeline": 100,
    "dgportal_crawler.pipelines.ValidatePipeline": 200,
    "dgportal_crawler.pipelines.DedupePipeline": 300,
    "dgportal_crawler.pipelines.RevisionPipeline": 400,
    "dgportal_crawler.pipelines.StorePipeline": 800,
    "dgportal_crawler.pipelines.AttachmentPipeline": 900,
}
DOWNLOADER_MIDDLEWARES = {
    "dgportal_crawler.middlewares.FetchTimeMiddleware": 950,
    "dgportal_crawler.middlewares.WarcCaptureMiddleware": 960,
}
SPIDER_MIDDLEWARES = {
    "dgportal_crawler.incremental.IncrementalMiddleware": 800,
}
EXTENSIONS = {
    "dgportal_crawler.extensions.archive.ArchiveSession": 100,
    "dgportal_crawler.extensions.progress.ProgressBar": 500,
    "dgportal_crawler.extensions.summary.RunSummary": 510,
}

LOG_FORMATTER = "dgportal_crawler.logformat.DgportalLogFormatter"
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
