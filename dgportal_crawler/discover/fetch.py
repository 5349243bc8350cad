"""The client discovery fetches with: ``dgportal clean``'s polite fetcher (our User-Agent,
robots.txt of each host, one request at a time, a delay between two requests to one host),
with a budget: at most ``budget`` requests in all, robots.txt included.

The delay is the crawl's (:func:`dgportal_crawler.addon.request_delay`): the fetcher's
``delay`` is the user's ``-s DOWNLOAD_DELAY``, if any.
"""

from __future__ import annotations

from dataclasses import dataclass

from dgportal_crawler.commands.clean import Fetcher


class BudgetSpent(Exception):
    """The request budget is spent: discovery stops and reports what it found so far."""


@dataclass
class BudgetFetcher(Fetcher):
    budget: int = 200
    used: int = 0

    def get(self, url: str) -> tuple[int, str, list[tuple[str, str]], bytes]:
        if self.used >= self.budget:
            raise BudgetSpent(url)
        self.used += 1
        return super().get(url)
