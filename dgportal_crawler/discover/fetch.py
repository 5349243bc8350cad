"""The client discovery fetches with: ``dgportal clean``'s polite fetcher (our User-Agent,
robots.txt of each host, one request at a time, a delay between requests except on loopback),
with a budget: at most ``budget`` requests in all, robots.txt included."""

from __future__ import annotations

import time
from dataclasses import dataclass

from dgportal_crawler.commands.clean import Fetcher


class BudgetSpent(Exception):
    """The request budget is spent: discovery stops and reports what it found so far."""


@dataclass
class BudgetFetcher(Fetcher):
    budget: int = 200
    delay: float = 1.0  # seconds between two requests to one host (not on loopback)
    used: int = 0

    def get(self, url: str) -> tuple[int, str, list[tuple[str, str]], bytes]:
        if self.used >= self.budget:
            raise BudgetSpent(url)
        self.used += 1
        return super().get(url)

    def _wait(self, host: str, loopback: bool) -> None:
        last = self._last.get(host)
        if last is not None and not loopback:
            self.sleep(max(0.0, self.delay - (time.monotonic() - last)))
