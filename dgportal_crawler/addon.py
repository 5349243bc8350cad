"""Turns the ``DGPORTAL_*`` settings into Scrapy's own, once, before the crawler starts.

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
        policy = LOOPBACK if is_loopback_url(settings.get("DGPORTAL_BASE_URL")) else POLITE
        for name, value in policy.items():
            settings.set(name, value, priority="addon")
        settings.set("USER_AGENT", user_agent(settings.get("DGPORTAL_CONTACT", "")), priority="addon")
