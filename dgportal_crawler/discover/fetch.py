"""The client discovery fetches with: ``dgportal clean``'s polite fetcher (our User-Agent,
robots.txt of each host, one request at a time, a delay between two requests to one host),
with a budget: at most ``budget`` requests in all, robots.txt included.

The delay is the crawl's: without a ``DOWNLOAD_DELAY`` of the user's, the add-on's polite
one, and none on loopback (the replica), as a crawl there; a delay the user gave holds on
every host, loopback included, as it does in a crawl (``-s`` outranks the add-on).
"""

from __future__ import annotations

from dataclasses import dataclass

from dgportal_crawler.addon import LOOPBACK, POLITE
from dgportal_crawler.commands.clean import Fetcher


class BudgetSpent(Exception):
    """The request budget is spent: discovery stops and reports what it found so far."""


@dataclass
class BudgetFetcher(Fetcher):
    budget: int = 200
    delay: float | None = None  # seconds between two requests to one host; None: the crawl's default
    used: int = 0

    def get(self, url: str) -> tuple[int, str, list[tuple[str, str]], bytes]:
        if self.used >= self.budget:
            raise BudgetSpent(url)
        self.used += 1
        return super().get(url)

    def delay_for(self, loopback: bool) -> float:
        if self.delay is not None:
            return max(0.0, self.delay)
        return float((LOOPBACK if loopback else POLITE)["DOWNLOAD_DELAY"])

    def _wait(self, host: str, loopback: bool) -> None:
        last, delay = self._last.get(host), self.delay_for(loopback)
        if last is not None and delay > 0:
            self.sleep(max(0.0, delay - (self.clock() - last)))
