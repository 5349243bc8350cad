"""The Twisted web resource that serves a ``Replica`` on 127.0.0.1, and ``serve()``."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import TextIO

from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request, Site

from .fault_transport import transport_fault
from .faults import with_faults
from .gate import ArticleGate
from .portal import PortalReplica
from .site import RESPONSE_KINDS, Replica, ReplicaResponse

CONTROL = "/__replica__/"


class RequestStats:
    """Counts of the requests answered, by kind and status (control requests not included)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()

    def count(self, response: ReplicaResponse) -> None:
        self.kinds[response.kind] += 1
        self.statuses[response.status] += 1

    def as_dict(self, edition: int) -> dict:
        out: dict = {"total": sum(self.statuses.values())}
        out.update({kind: self.kinds[kind] for kind in RESPONSE_KINDS})
        out["not_modified"] = self.statuses[304]
        out["by_status"] = {str(k): v for k, v in sorted(self.statuses.items())}
        out["edition"] = edition
        return out


class ReplicaResource(Resource):
    """Every path goes to ``Replica.respond``; ``/__replica__/…`` is the test control API."""

    isLeaf = True

    def __init__(self, replica: Replica | PortalReplica) -> None:
        super().__init__()
        self.replica = replica
        self.stats = RequestStats()
        self.gate = ArticleGate()

    def render_GET(self, request: Request) -> bytes | int:
        path = request.path.decode("utf-8", errors="replace")
        if path.startswith(CONTROL):
            return self._control(request, path[len(CONTROL):])
        headers = {
            name.decode("latin-1"): values[-1].decode("latin-1")
            for name, values in request.requestHeaders.getAllRawHeaders()
        }
        response = self.replica.respond(request.uri.decode("utf-8", errors="replace"), headers)
        broken = transport_fault(request, response)  # --faults: resets and truncated bodies
        if broken is not None:
            return broken

        def answer() -> bytes:
            self.stats.count(response)
            request.setResponseCode(response.status)
            for name, value in response.headers.items():
                request.setHeader(name, value)
            return response.body

        if response.kind != "article":
            return answer()
        body = self.gate.admit(request, answer)
        return NOT_DONE_YET if body is None else body

    def render_POST(self, request: Request) -> bytes:
        path = request.path.decode("utf-8", errors="replace")
        if path.startswith(CONTROL):
            return self._control(request, path[len(CONTROL):])
        request.setResponseCode(405)
        request.setHeader("Allow", "GET, HEAD")
        return b""

    def _control(self, request: Request, action: str) -> bytes:
        request.setHeader("Content-Type", "application/json")
        request.setHeader("Cache-Control", "no-store")
        if action == "stats":
            return self._json(self.stats.as_dict(self.replica.edition))
        if action == "reset":
            self.stats.reset()
            return self._json(self.stats.as_dict(self.replica.edition))
        if action == "edition":
            raw = request.args.get(b"n", [b""])[-1].decode("ascii", errors="replace")
            if raw not in ("1", "2"):
                request.setResponseCode(400)
                return self._json({"error": "n must be 1 or 2"})
            self.replica.set_edition(int(raw))
            return self._json({"edition": self.replica.edition})
        if action == "gate":
            allow = request.args.get(b"allow", [b""])[-1].decode("ascii", errors="replace")
            if request.args.get(b"open"):
                self.gate.set(None)
            elif allow.isdigit():
                self.gate.set(int(allow))
            elif allow or request.method != b"GET":
                request.setResponseCode(400)
                return self._json({"error": "gate takes allow=N or open=1"})
            return self._json(self.gate.state())
        request.setResponseCode(404)
        return self._json({"error": f"unknown control action {action!r}"})

    @staticmethod
    def _json(data: dict) -> bytes:
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


def serve(
    port: int, seed: int, articles: int, edition: int, degraded: float = 0.0,
    encodings: bool = False, out: TextIO = sys.stdout, parent_pid: int | None = None,
    faults: str | None = None,
) -> None:
    """Serve the replica on 127.0.0.1 in the foreground until Ctrl-C (or SIGTERM).

    Prints one line first, ``serving http://127.0.0.1:PORT/houjie/ (…)``, which
    ``ReplicaServer`` reads to learn the port when ``port`` is 0. Raises ``OSError`` when the
    port cannot be bound.
    """
    from twisted.internet import reactor  # importing installs a reactor: only when serving
    from twisted.internet.error import CannotListenError

    # faults apply to Houjie, whose answer key knows them; the portal serves the rest as is
    replica = PortalReplica(with_faults(Replica(seed, articles, edition, degraded, encodings), faults))
    site = Site(ReplicaResource(replica))
    site.displayTracebacks = False
    try:
        listening = reactor.listenTCP(port, site, interface="127.0.0.1")
    except CannotListenError as exc:
        # callers handle a busy port as the OSError it is, not as a Twisted type
        cause = exc.socketError
        raise cause if isinstance(cause, OSError) else OSError(str(exc)) from None
    actual = listening.getHost().port
    if parent_pid is not None:
        watch_parent(reactor, parent_pid)
    print(
        f"serving http://127.0.0.1:{actual}/houjie/ "
        f"({articles} articles, seed {seed}, edition {edition})",
        file=out, flush=True,
    )
    reactor.run()


#: Seconds between checks that the process which started the replica is still there.
PARENT_CHECK_SECONDS = 0.5


def watch_parent(reactor: object, parent_pid: int) -> None:
    """Stop serving once ``parent_pid`` is gone (killed with -9, say): a replica started for a
    test or ``--demo`` must not outlive its parent. An orphan is re-parented, so its
    ``getppid()`` changes."""
    from twisted.internet import task

    def check() -> None:
        if os.getppid() != parent_pid:
            loop.stop()
            reactor.stop()  # type: ignore[attr-defined]

    loop = task.LoopingCall(check)
    loop.start(PARENT_CHECK_SECONDS, now=False)
