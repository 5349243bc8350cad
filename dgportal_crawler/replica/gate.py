"""A gate on article answers, for tests that must stop a crawl at an exact point.

``/__replica__/gate?allow=N`` lets the first N article answers (counted since the gate was
set) through and holds every later article request open, unanswered, until the allowance
grows (another ``gate?allow=M``) or the gate opens (``gate?open=1``). A crawler killed while
it waits just drops its connections; the held requests are forgotten. Tests then kill a crawl
when exactly N articles were answered, with no sleeps and no races.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from twisted.web.server import Request


@dataclass(slots=True)
class ArticleGate:
    allow: int | None = None  # None: open, every answer goes out
    answered: int = 0
    held: list[tuple[Request, Callable[[], bytes]]] = field(default_factory=list)

    def admit(self, request: Request, answer: Callable[[], bytes]) -> bytes | None:
        """The body to send now, or None when the request is held (the caller returns
        ``NOT_DONE_YET``)."""
        if self.allow is None or self.answered < self.allow:
            self.answered += 1
            return answer()
        self.held.append((request, answer))
        request.notifyFinish().addErrback(lambda _: self._forget(request))
        return None

    def set(self, allow: int | None) -> None:
        """A new allowance (None opens the gate); held requests go out while it allows."""
        if allow is not None and self.allow is None:
            self.answered = 0  # counting starts when the gate is first set
        self.allow = allow
        while self.held and (self.allow is None or self.answered < self.allow):
            request, answer = self.held.pop(0)
            self.answered += 1
            request.write(answer())
            request.finish()

    def state(self) -> dict[str, int | None]:
        return {"allow": self.allow, "answered": self.answered, "held": len(self.held)}

    def _forget(self, request: Request) -> None:
        self.held = [(r, a) for r, a in self.held if r is not request]
