"""Scrapy settings of the project.

Our own components, the ``DGPORTAL_*`` defaults (listed in :mod:`dgportal_crawler.config`),
politeness and the User-Agent are all set by :class:`dgportal_crawler.addon.DgportalAddon`,
so the add-on alone is enough in another Scrapy project.
"""

BOT_NAME = "dgportal_crawler"
SPIDER_MODULES = ["dgportal_crawler.spiders"]
NEWSPIDER_MODULE = "dgportal_crawler.spiders"

ADDONS = {"dgportal_crawler.addon.DgportalAddon": 0}
# `scrapy crawl` with the project's exit codes (see dgportal_crawler.outcome).
COMMANDS_MODULE = "dgportal_crawler.scrapy_commands"

RETRY_TIMES = 2
# Pages of a news site are kilobytes; a huge, endless or gzip-bomb answer is cut off and
# counted as failed, instead of costing a gigabyte of memory (Scrapy's default).
DOWNLOAD_MAXSIZE = 32 * 2**20
DOWNLOAD_WARNSIZE = 8 * 2**20
# Items handled in parallel per response: Scrapy starts this many tasks for every response,
# and ours yield one article (or a list page's ~15 requests), so 100 is all overhead.
CONCURRENT_ITEMS = 16
DOWNLOAD_TIMEOUT = 30
FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control opens a code-execution endpoint and leaves a token file behind.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# Scrapy re-reads and parses a callback's source on every response to warn about generators
# that `return` a value, and its cache is lost whenever a request comes back from the disk
# queue with a fresh bound method: 5% of a crawl's CPU. Our callbacks are checked once, by
# tests/spiders/test_columns_spider.py, instead of once per page.
WARN_ON_GENERATOR_RETURN_VALUE = False
