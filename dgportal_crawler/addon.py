"""The project's Scrapy add-on: defaults, components, politeness and the User-Agent, set once
before the crawler starts.

It is all another Scrapy project needs to use our components
(``ADDONS = {"dgportal_crawler.addon.DgportalAddon": 0}``): it registers the pipelines,
middlewares and extensions ("set if not set", so a project can reorder or switch one off with
``None``) and the ``DGPORTAL_*`` defaults from :mod:`dgportal_crawler.config`.

Politeness depends on the target: the real portal gets robots.txt, AutoThrottle, a delay and
few concurrent requests; the bundled replica on a loopback address is crawled at full speed
(robots.txt is still obeyed). Values set on the command line (``-s``) or in a user's settings
module win, because an add-on sets at its own, lower priority.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from dgportal_crawler import __version__
from dgportal_crawler.config import DEFAULTS

POLITE = {
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 2.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "DOWNLOAD_DELAY": 1.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
}
LOOPBACK = {
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}



def request_delay(loopback: bool, given: float | None = None) -> float:
    """Seconds between two requests to one host, as a crawl waits them: the user's
    ``-s DOWNLOAD_DELAY`` (``given``) on every host, loopback included (``-s`` outranks the
    add-on); else the add-on's, polite on a real host and none on loopback (the replica)."""
    if given is not None:
        return max(0.0, given)
    return float((LOOPBACK if loopback else POLITE)["DOWNLOAD_DELAY"])


#: URL schemes whose Scrapy download handlers are switched off.
OFF_SCHEMES = ("file", "ftp", "s3", "data")

#: The project's components, by setting and order.
COMPONENTS: dict[str, dict[str, int | None]] = {
    "ITEM_PIPELINES": {
        "dgportal_crawler.pipelines.AnswerPipeline": 50,
        "dgportal_crawler.pipelines.ExtractPipeline": 100,
        "dgportal_crawler.pipelines.ValidatePipeline": 200,
        "dgportal_crawler.pipelines.DedupePipeline": 300,
        "dgportal_crawler.pipelines.RevisionPipeline": 400,
        "dgportal_crawler.pipelines.StorePipeline": 800,
        "dgportal_crawler.pipelines.AttachmentPipeline": 900,
    },
    "DOWNLOADER_MIDDLEWARES": {
        "dgportal_crawler.middlewares.SiteBoundsMiddleware": 40,  # before robots.txt
        # Scrapy's offsite filter drops an off-site request when it is scheduled, with neither
        # errback nor request_dropped: a list page redirected (or meta-refreshed) off the site
        # ended its column silently, exit 0. SiteBounds refuses the same requests in the
        # downloader, where the request's errback counts the failure.
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        # robots.txt per RFC 9309 (a 5xx or no answer disallows everything) instead of Scrapy's
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "dgportal_crawler.robots.RobotsPolicyMiddleware": 100,
        # Content-Encoding undone with the archive's own table (reextract reads the same codings)
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
        "dgportal_crawler.decoding.ContentDecodingMiddleware": 590,
        "dgportal_crawler.middlewares.FetchTimeMiddleware": 950,
        "dgportal_crawler.middlewares.WarcCaptureMiddleware": 960,
    },
    "SPIDER_MIDDLEWARES": {
        "dgportal_crawler.incremental.IncrementalMiddleware": 800,
    },
    "EXTENSIONS": {
        "dgportal_crawler.extensions.archive.ArchiveSession": 100,
        "dgportal_crawler.extensions.progress.ProgressBar": 500,
        "dgportal_crawler.extensions.summary.RunSummary": 510,
    },
}


def is_loopback_url(url: str | None) -> bool:
    host = urlsplit(url or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def user_agent(contact: str) -> str:
    """An honest User-Agent: what we are, and whom to write to."""
    who = contact.strip() or "no contact configured; set DGPORTAL_CONTACT"
    return f"dgportal-crawler/{__version__} (research archive crawler; contact: {who})"


class DgportalAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        for name, value in DEFAULTS.items():
            settings.set(name, value, priority="addon")
        for name, components in COMPONENTS.items():
            _add_components(settings, name, components)
        # Never on for an archive crawl: a code-execution endpoint, a token file left behind.
        settings.set("REMOTE_CONTROL_ENABLED", False, priority="addon")
        settings.set("TELNETCONSOLE_ENABLED", False, priority="addon")
        # Only http(s) is ever fetched: no handler for local files, ftp, s3 or data: URLs.
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        settings.set("DOWNLOAD_HANDLERS", {**{s: None for s in OFF_SCHEMES}, **handlers},
                     priority=settings.getpriority("DOWNLOAD_HANDLERS") or 0)
        settings.set("LOG_FORMATTER", "dgportal_crawler.logformat.DgportalLogFormatter", priority="addon")
        policy = LOOPBACK if is_loopback_url(settings.get("DGPORTAL_BASE_URL")) else POLITE
        for name, value in policy.items():
            settings.set(name, value, priority="addon")
        settings.set("USER_AGENT", user_agent(settings.get("DGPORTAL_CONTACT", "")), priority="addon")


def _add_components(settings: BaseSettings, name: str, components: dict[str, int | None]) -> None:
    """Add each component unless the setting already names it (a ``None`` there switches it
    off). Paths are compared as strings: loading the classes here would import Twisted's
    reactor before Scrapy chooses one."""
    current = settings.getdict(name)
    missing = {path: order for path, order in components.items() if path not in current}
    if missing:
        settings.set(name, {**current, **missing}, settings.getpriority(name) or 0)
