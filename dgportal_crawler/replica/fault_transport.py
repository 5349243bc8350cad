"""How the fault-injecting replica breaks an answer on the wire (see :mod:`.faults`): a
connection reset, a body cut short of its announced length, an answer later than the client
waits, a body that never ends. The server calls :func:`transport_fault` for every answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .fault_pages import ENDLESS_CHUNK
from .site import ReplicaResponse

_HTML = "text/html; charset=utf-8"


#: Seconds a "slow" answer waits: slow enough to hold a download slot, far below the crawl's
#: DOWNLOAD_TIMEOUT (30 s), so the page still arrives.
SLOW_SECONDS = 2.0


@dataclass(frozen=True)
class FaultResponse(ReplicaResponse):
    """An answer the HTTP layer must break on purpose: ``reset`` (abort the connection),
    ``truncate`` (announce the whole body, send half, close), ``slow`` (answer ``delay``
    seconds late) or ``endless`` (a body without end)."""

    transport: str = ""
    delay: float = SLOW_SECONDS


def late(ok: ReplicaResponse, delay: float) -> FaultResponse:
    """``ok``, sent ``delay`` seconds late (past the crawler's DOWNLOAD_TIMEOUT, when asked to)."""
    return FaultResponse(ok.status, ok.headers, ok.body, ok.kind, transport="slow", delay=delay)


def _send(request: Any, response: ReplicaResponse, body: bytes) -> None:
    request.setResponseCode(response.status)
    for name, value in response.headers.items():
        request.setHeader(name, value)
    request.setHeader("Content-Length", str(len(response.body)))
    request.write(body)


def _reset(request: Any, response: ReplicaResponse) -> None:
    request.transport.abortConnection()


def _truncate(request: Any, response: ReplicaResponse) -> None:
    _send(request, response, response.body[: len(response.body) // 2])  # announced in full
    request.transport.loseConnection()


def _slow(request: Any, response: ReplicaResponse) -> None:
    from twisted.internet import reactor

    def finish() -> None:
        if not request.finished and not request._disconnected:  # the client may have gone
            _send(request, response, response.body)
            request.finish()

    reactor.callLater(response.delay, finish)  # type: ignore[attr-defined]


def _endless(request: Any, response: ReplicaResponse) -> None:
    """A body that never ends (no Content-Length, chunks until the client hangs up)."""
    from twisted.internet import reactor

    request.setResponseCode(200)
    request.setHeader("Content-Type", _HTML)

    def more() -> None:
        if request._disconnected:
            return
        request.write(ENDLESS_CHUNK)
        reactor.callLater(0, more)  # type: ignore[attr-defined]

    more()


TRANSPORT: dict[str, Callable[[Any, ReplicaResponse], None]] = {
    "reset": _reset, "truncate": _truncate, "slow": _slow, "endless": _endless}


def transport_fault(request: Any, response: ReplicaResponse) -> Any:
    """The server's hook: answer a :class:`FaultResponse` the broken way and return
    ``NOT_DONE_YET``; None for every other answer."""
    action = TRANSPORT.get(getattr(response, "transport", ""))
    if action is None:
        return None
    from twisted.web.server import NOT_DONE_YET

    action(request, response)
    return NOT_DONE_YET
