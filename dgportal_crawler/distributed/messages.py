"""What a worker hands the coordinator: one finished exchange, as a plain dict of builtins.

A result answers one leased request: the request as the coordinator queued it (scrapy-redis's
encoding, so the coordinator rebuilds it with its own callbacks), the final response or the
failure, every raw exchange on the wire for the WARC (retries, redirects), the fetch time,
and for an article page what extraction made of it. A capture answers no request: the
robots.txt a worker fetched. Encoded with pickle, like scrapy-redis's own queue: a Redis
for a crawl must be private to the crawl (see the README).
"""

from __future__ import annotations

import pickle
from dataclasses import asdict, dataclass, field
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.http.headers import Headers

VERSION = 1


@dataclass(slots=True)
class Exchange:
    """One request/response pair as it came off the wire (``WarcArchive.write_exchange``)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes


@dataclass(slots=True)
class Result:
    worker: str
    frontier: bytes | None  # the request as queued; None for a capture (robots.txt)
    exchanges: list[Exchange] = field(default_factory=list)
    fetched_at: str | None = None
    url: str | None = None  # the final response …
    status: int | None = None
    headers: list[tuple[bytes, list[bytes]]] = field(default_factory=list)
    body: bytes = b""
    failure: tuple[str, str] | None = None  # … or the failure: (exception type, message)
    extracted: dict[str, Any] | None = None  # {"article": line} or {"error": message}

    @property
    def is_capture(self) -> bool:
        return self.frontier is None

    def dumps(self) -> bytes:
        data = asdict(self)
        data["exchanges"] = [asdict(e) for e in self.exchanges]
        return pickle.dumps({"v": VERSION, **data}, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def loads(cls, raw: bytes) -> Result:
        data = pickle.loads(raw)  # the crawl's own Redis, trusted like scrapy-redis's queue
        if not isinstance(data, dict) or data.pop("v", None) != VERSION:
            raise ValueError("not a result of this version of dgportal-crawler")
        data["exchanges"] = [Exchange(**e) for e in data["exchanges"]]
        return cls(**data)

    @classmethod
    def of_response(cls, worker: str, frontier: bytes, response: Response,
                    exchanges: list[Exchange], fetched_at: str | None) -> Result:
        return cls(worker, frontier, exchanges, fetched_at, url=response.url,
                   status=response.status, headers=list(response.headers.items()),
                   body=response.body)

    def response_headers(self) -> Headers:
        return Headers(dict(self.headers))


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Headers as the WARC keeps them (the HTTP client has already undone the chunking)."""
    return [(key.decode("latin-1"), value.decode("latin-1"))
            for key, values in headers.items() if key.lower() != b"transfer-encoding"
            for value in values]


def str_headers(response: Response) -> dict[str, str]:
    """Lower-case names, last value: what the spider hands extraction (see ``ColumnSpider``)."""
    return {key.decode("latin-1").lower(): values[-1].decode("latin-1")
            for key, values in response.headers.items() if values}


def exchange_of(request: Request, response: Response, reason: str) -> Exchange:
    return Exchange(response.url, request.method, header_pairs(request.headers), request.body or b"",
                    response.status, reason, header_pairs(response.headers), response.body)
