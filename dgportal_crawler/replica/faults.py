"""A replica that misbehaves on purpose, deterministic by seed: ``dgportal replica serve
--faults rate=0.1,seed=7``.

A share (``rate``) of the live articles is chosen by the seed, and each chosen article gets
one fault kind, dealt round-robin in a seeded order so that every kind occurs once enough
articles are chosen. Transient faults (a 5xx burst, a reset, a truncated or slow body) hit only the
first attempts at a page, so a crawler that retries recovers; the others hit every request.
List pages are chosen and dealt their own kinds the same way (:mod:`.list_faults`); the
articles a failed list page hides from the crawler get no fault and are in no answer key.

Each kind says what a correct crawler does with it (:data:`FAULTS`): store the article all
the same, fail it with a reason, or count it as a duplicate. :meth:`FaultyReplica.answer_key`
gives that per article id, the way ``Replica.ground_truth`` gives the expected lines;
:meth:`FaultyReplica.failed_list_pages` and :meth:`FaultyReplica.unreached` say the same of
list pages.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from .fault_pages import challenge_page, gzip_bomb, huge_page, not_found_page, offsite_refresh_page, unit
from .fault_transport import FaultResponse, late
from .list_faults import LIST_FAULTS, ListFaults, PageKey
from .site import Replica, ReplicaResponse

Outcome = Literal["stored", "failed", "duplicate"]
_HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Fault:
    outcome: Outcome
    reason: str  # the crawler's failure reason for failed ones (dgportal/failed/<reason>)
    attempts: int  # requests it spoils (0 = every one)
    answer: Callable[[FaultyReplica, str, ReplicaResponse], ReplicaResponse]
    duplicates: int = 0  # duplicate outcomes it causes besides its own (listed twice)


def _status(code: int) -> Callable[[FaultyReplica, str, ReplicaResponse], ReplicaResponse]:
    return lambda _r, _p, ok: ReplicaResponse(code, {"Content-Type": _HTML}, b"<h1>error</h1>", ok.kind)


def _redirect(target: Callable[[FaultyReplica, str], str]) -> Callable[..., ReplicaResponse]:
    return lambda r, p, ok: ReplicaResponse(302, {"Location": target(r, p), "Content-Type": _HTML}, b"", ok.kind)


def _body(make: Callable[[FaultyReplica, str], bytes], **headers: str) -> Callable[..., ReplicaResponse]:
    def answer(r: FaultyReplica, p: str, ok: ReplicaResponse) -> ReplicaResponse:
        return ReplicaResponse(200, {"Content-Type": _HTML, **{k.replace("_", "-"): v for k, v in headers.items()}},
                               make(r, p), ok.kind)
    return answer


def _brotli(_r: FaultyReplica, _p: str, ok: ReplicaResponse) -> ReplicaResponse:
    import brotli

    return replace(ok, headers={**ok.headers, "Content-Encoding": "br"}, body=brotli.compress(ok.body))


def _wrong_charset(_r: FaultyReplica, _p: str, ok: ReplicaResponse) -> ReplicaResponse:
    # A UTF-8 page labelled UTF-32 by the server: the bytes must win.
    return replace(ok, headers={**ok.headers, "Content-Type": "text/html; charset=utf-32"})


def _malformed(_r: FaultyReplica, _p: str, ok: ReplicaResponse) -> ReplicaResponse:
    # Unclosed paragraphs, no end of document: what a broken CMS template sends.
    return replace(ok, body=ok.body.replace(b"</p>", b"").replace(b"</body></html>", b""))


def _transport(kind: str) -> Callable[..., ReplicaResponse]:
    return lambda _r, _p, ok: FaultResponse(ok.status, ok.headers, ok.body, ok.kind, transport=kind)


#: Fault kind → what it does and what a correct crawler makes of it.
FAULTS: dict[str, Fault] = {
    "server_error_burst": Fault("stored", "", 2, _status(503)),
    "reset": Fault("stored", "", 1, _transport("reset")),
    "truncated": Fault("stored", "", 1, _transport("truncate")),
    "slow": Fault("stored", "", 1, _transport("slow")),
    # later than the crawler waits (DOWNLOAD_TIMEOUT, see FaultSpec.delay): the first time only, every time
    "timeout_once": Fault("stored", "", 1, lambda r, p, ok: late(ok, r.spec.delay)),
    "timeout": Fault("failed", "article/DownloadTimeoutError", 0, lambda r, p, ok: late(ok, r.spec.delay)),
    "wrong_charset": Fault("stored", "", 0, _wrong_charset),
    "brotli": Fault("stored", "", 0, _brotli),
    "malformed_html": Fault("stored", "", 0, _malformed),
    "challenge": Fault("failed", "challenge", 0, _body(lambda r, p: challenge_page(r.variant(p)))),
    "soft_404": Fault("failed", "not_found", 0, _body(lambda r, p: not_found_page())),
    "home_redirect": Fault("failed", "home_page", 0, _redirect(lambda r, p: "/houjie/")),
    "redirect_loop": Fault("failed", "article/redirect_loop", 0,
                           _redirect(lambda r, p: p + "?hop=1")),  # P -> P?hop=1 -> P
    "self_redirect": Fault("failed", "article/redirect_loop", 0, _redirect(lambda r, p: p)),
    "bad_location": Fault("failed", "article/bad_location", 0, _redirect(lambda r, p: "http://[::1")),
    "offsite_redirect": Fault("failed", "http_302", 0, _redirect(lambda r, p: "http://example.invalid" + p)),
    # a page that only moves on (meta refresh) elsewhere: the stub is no article
    "offsite_refresh": Fault("failed", "redirect_page", 0,
                             _body(lambda r, p: offsite_refresh_page("http://example.invalid" + p))),
    "file_redirect": Fault("failed", "http_302", 0, _redirect(lambda r, p: "file:///etc/passwd")),
    "gzip_bomb": Fault("failed", "article/IgnoreRequest", 0, _body(lambda r, p: gzip_bomb(), Content_Encoding="gzip")),
    "huge_page": Fault("failed", "too_long", 0, lambda r, p, ok: replace(ok, body=huge_page(ok.body))),
    "endless_body": Fault("failed", "article/DownloadCancelledError", 0, _transport("endless")),
    "server_error": Fault("failed", "article/http_500", 0, _status(500)),
    "robots_disallowed": Fault("failed", "article/IgnoreRequest", 0, lambda r, p, ok: ok),
    "redirect_to_other": Fault("duplicate", "", 0, _redirect(lambda r, p: r.sibling(p))),
    # Listed a second time under another URL (see FaultyReplica._list_page): stored once.
    "listed_twice": Fault("stored", "", 0, lambda r, p, ok: ok, duplicates=1),
}


@dataclass(frozen=True, slots=True)
class FaultSpec:
    rate: float = 0.1
    seed: int = 1
    kinds: tuple[str, ...] = (*FAULTS, *LIST_FAULTS)
    delay: float = 35.0  # seconds a "timeout" answer is late: past the crawl's DOWNLOAD_TIMEOUT (30)

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """``rate=0.1,seed=7,kinds=challenge+reset,delay=1.5`` (each part optional) or just ``0.1``;
        ValueError with a one-line reason otherwise."""
        values: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, sep, value = part.partition("=")
            name, value = (name, value) if sep else ("rate", name)
            try:
                values[name] = _FIELDS[name](value)
            except KeyError:
                raise ValueError(f"unknown fault setting {name!r} (rate, seed, kinds, delay)") from None
        spec = cls(**values)
        unknown = sorted(set(spec.kinds) - set(FAULTS) - set(LIST_FAULTS))
        if unknown or not spec.kinds:
            raise ValueError(f"unknown fault kind(s) {', '.join(unknown) or '(none)'}; "
                             f"known: {', '.join((*FAULTS, *LIST_FAULTS))}")
        if not 0.0 <= spec.rate <= 1.0:
            raise ValueError(f"fault rate {spec.rate} is not between 0 and 1")
        if not spec.delay > 0:
            raise ValueError(f"fault delay {spec.delay} is not a positive number of seconds")
        return spec


_FIELDS: dict[str, Callable[[str], Any]] = {
    "rate": float, "seed": int, "kinds": lambda v: tuple(k for k in v.split("+") if k), "delay": float}


class FaultyReplica:
    """``Replica`` with faults: the same interface (``respond``, ``edition`` …), worse answers."""

    def __init__(self, replica: Replica, spec: FaultSpec) -> None:
        self.replica = replica
        self.spec = spec
        self.attempts: Counter[str] = Counter()
        self.lists = ListFaults(replica, spec.seed, spec.rate, spec.kinds, spec.delay)
        hidden = self.lists.unreached()
        live = [m for m in replica.index.articles if replica.is_live(m.index) and m.path not in hidden]
        order = [k for k in spec.kinds if k in FAULTS]
        random.Random(spec.seed).shuffle(order)
        chosen = [m for m in live if order and unit(spec.seed, m.path) < spec.rate]
        self.faults: dict[str, str] = {m.path: order[i % len(order)] for i, m in enumerate(chosen)}
        self._hidden = {m.article_id for m in replica.index.articles if m.path in hidden}
        self._ids = {m.path: m.article_id for m in live}
        clean = {_folder(m.path) for m in live if m.path not in self.faults}
        for path in [p for p, kind in self.faults.items() if kind == "redirect_to_other"]:
            if _folder(path) not in clean:  # nothing left to be a duplicate of: no fault
                del self.faults[path]
        self._clean = [m.path for m in live if m.path not in self.faults]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.replica, name)

    def variant(self, path: str) -> int:
        return int(unit(self.spec.seed + 1, path) * 1000)

    def sibling(self, path: str) -> str:
        """A live, fault-free article of the same folder (the target of a duplicate)."""
        return next(p for p in self._clean if _folder(p) == _folder(path) and p != path)

    def answer_key(self) -> dict[str, tuple[str, Fault]]:
        """Article id → (fault kind, fault) for every faulted article."""
        return {self._ids[p]: (kind, FAULTS[kind]) for p, kind in self.faults.items()}

    def failed_list_pages(self) -> dict[PageKey, str]:
        """(column id, page number) → reason, for each list page a correct crawler reports as
        failed (dgportal/failed/list/<reason>): one per column at most."""
        return self.lists.failed_pages()

    def expected(self) -> dict[str, tuple[str, str]]:
        """Every live article id → (outcome, reason): ``stored``, ``failed`` (with the crawler's
        reason), ``duplicate`` or ``unlisted`` (behind a failed list page); one each."""
        out = {i: ("stored", "") for i in self._ids.values()}
        out.update({i: (fault.outcome, fault.reason) for i, (_, fault) in self.answer_key().items()})
        out.update({i: ("unlisted", "") for i in self._hidden})
        return out

    def unreached(self) -> set[str]:
        """Ids of the live articles listed only on or after a failed list page: not listed in
        the run (the crawler cannot see them), neither stored nor counted."""
        return set(self._hidden)

    def respond(self, path: str, headers: Mapping[str, str] | None = None) -> ReplicaResponse:
        plain = path.split("#", 1)[0].split("?", 1)[0]
        answer = self.replica.respond(path, headers)
        if plain == "/robots.txt":
            return replace(answer, body=answer.body + self._robots_lines())
        if answer.kind == "list" and answer.status == 200:
            spoiled = self.lists.answer(plain, path, answer, self._attempt)
            return spoiled or replace(answer, body=self._list_page(answer.body))
        kind = self.faults.get(plain)
        if kind is None or (plain != path.split("#", 1)[0] and kind != "redirect_loop"):
            return answer
        if kind == "redirect_loop" and "?hop=1" in path:
            return ReplicaResponse(302, {"Location": plain, "Content-Type": _HTML}, b"", answer.kind)
        fault = FAULTS[kind]
        self.attempts[plain] += 1
        if fault.attempts and self.attempts[plain] > fault.attempts:
            return answer
        return fault.answer(self, plain, answer)

    def _attempt(self, key: str) -> int:
        self.attempts[key] += 1
        return self.attempts[key]

    def _list_page(self, body: bytes) -> bytes:
        """Each "listed_twice" article on this page gets a second entry, its URL with a query
        (the same page under two URLs). List pages hold one entry per line."""
        names = [p.rsplit("/", 1)[1].encode() for p, k in self.faults.items() if k == "listed_twice"]
        lines = body.split(b"\n")
        out: list[bytes] = []
        for line in lines:
            out.append(line)
            name = next((n for n in names if b"/" + n + b'"' in line), None)
            if name is not None:
                out.append(line.replace(name + b'"', name + b'?from=top"', 1))
        return b"\n".join(out)

    def _robots_lines(self) -> bytes:
        paths = sorted(p for p, kind in self.faults.items() if kind == "robots_disallowed")
        return "".join(f"Disallow: {p}\n" for p in paths).encode("ascii")


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0]


def with_faults(replica: Replica, spec: str | None) -> Replica | FaultyReplica:
    return replica if not spec else FaultyReplica(replica, FaultSpec.parse(spec))
