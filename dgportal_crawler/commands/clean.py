"""``dgportal clean FILE|URL…``: clean saved pages, text captures or live pages into archive
lines on stdout.

Archivists use it on captures made before this tool existed; researchers on one article
without a crawl. A URL is fetched once, politely: robots.txt obeyed (``urllib.robotparser``),
the project's User-Agent with the contact (``--contact`` or ``DGPORTAL_CONTACT``), a crawl's
delay between requests to the same host, no redirects followed; ``--warc FILE`` keeps the exchange.
The site profile is the one whose base URL holds the URL (by host and path; a copy of the site
elsewhere, such as the replica, by path). Every argument gives one line, or one message on
stderr saying why it could not (and the exit code is then 1).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from dgportal_crawler.addon import is_loopback_url, request_delay, user_agent
from dgportal_crawler.assemble import article_from_page, article_from_saved
from dgportal_crawler.clock import format_time, utc_now
from dgportal_crawler.commands import CommandError
from dgportal_crawler.commands.profiles import profile_or_error
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.parallel import ordered_map, usable_cpus
from dgportal_crawler.profile import ProfileError, SiteProfile, builtin_sites
from dgportal_crawler.robots import rules_to_obey
from dgportal_crawler.store.content_encoding import (
    ContentEncodingError,
    accept_encoding,
    decode_body,
    header_value,
)
from dgportal_crawler.store.jsonl import encode_line

#: Bytes looked at to tell HTML from a plain-text capture.
SNIFF_BYTES = 4096
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<div", b"<p>", b"<meta")
DEFAULT_SITE = "houjie"
URL_SCHEMES = ("http://", "https://")
#: Seconds to wait for a page.
TIMEOUT = 30.0


def sniff_format(data: bytes) -> str:
    head = data[:SNIFF_BYTES].lower()
    return "html" if any(marker in head for marker in HTML_MARKERS) else "text"


class Skip(Exception):
    """One argument could not be cleaned: the one-line reason."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is reported, not followed: the URL given is the one archived


def request_headers(agent: str) -> dict[str, str]:
    """What ``clean`` sends: the codings it can undo are the crawler's (one table)."""
    return {"User-Agent": agent, "Accept": "*/*", "Accept-Encoding": accept_encoding()}


@dataclass
class Fetcher:
    """GETs pages one at a time with our User-Agent, obeying each host's robots.txt."""

    agent: str
    timeout: float = TIMEOUT
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic  # when requests end, for the delay (tests inject one)
    delay: float | None = None  # seconds between two requests to one host; None: the crawl's default
    _robots: dict[str, RobotFileParser] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # a loopback address (the replica) never goes through a proxy from the environment
        self._opener = urllib.request.build_opener(_NoRedirect())
        self._direct = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())

    def get(self, url: str) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """(status, reason, headers, body) of a GET; Skip when unreachable."""
        parts = urlsplit(url)
        self._wait(parts.netloc, is_loopback_url(url))
        opener = self._direct if is_loopback_url(url) else self._opener
        request = urllib.request.Request(url, headers=request_headers(self.agent))
        try:
            with opener.open(request, timeout=self.timeout) as response:
                return response.status, response.reason, list(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, str(error.reason), list(error.headers.items()), error.read()
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Skip(f"unreachable ({reason})") from None
        finally:
            self._last[parts.netloc] = self.clock()

    def allowed(self, url: str) -> bool:
        """robots.txt of the URL's host (fetched once), read by the crawl's own RFC 9309 policy:
        4xx allows all, 5xx forbids all."""
        parts = urlsplit(url)
        robots = self._robots.get(parts.netloc)
        if robots is None:
            robots = RobotFileParser(f"{parts.scheme}://{parts.netloc}/robots.txt")
            status, _, _, body = self.get(robots.url)
            rules = rules_to_obey(status, body)
            robots.parse(rules.decode("utf-8", errors="replace").splitlines())
            self._robots[parts.netloc] = robots
        return robots.can_fetch(self.agent, url)

    def delay_for(self, loopback: bool) -> float:
        return request_delay(loopback, self.delay)

    def _wait(self, host: str, loopback: bool) -> None:
        last, delay = self._last.get(host), self.delay_for(loopback)
        if last is not None and delay > 0:
            self.sleep(max(0.0, delay - (self.clock() - last)))


def profile_for_url(url: str, site: str | None) -> SiteProfile:
    """The profile whose base URL holds ``url`` by host and path; else one whose base path
    holds it on another host (a copy of the site), moved there. ``site`` limits the choice."""
    names = [site] if site else builtin_sites()
    profiles = [profile_or_error(name) for name in names]
    parts = urlsplit(url)
    for profile in profiles:
        base = urlsplit(profile.base_url)
        if base.netloc == parts.netloc and parts.path.startswith(base.path):
            return profile
    for profile in profiles:
        base = urlsplit(profile.base_url)
        if parts.path.startswith(base.path):
            try:
                return profile.with_base_url(f"{parts.scheme}://{parts.netloc}{base.path}")
            except ProfileError as exc:
                raise CommandError(f"{url}: {exc.problem}") from None
    if site:
        return profiles[0]
    raise CommandError(f"{url}: no site profile holds this URL (built-in: {', '.join(names)}); "
                       "name one with --site")


def warc_exchange(out: BinaryIO, url: str, agent: str, status: int, reason: str,
                  headers: list[tuple[str, str]], body: bytes, when: str) -> dict[str, object]:
    """Append the response and request records of one GET to ``out``; the line's ``warc``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.0")
    response_id = f"<urn:uuid:{uuid.uuid4()}>"
    target = (urlsplit(url).path or "/") + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
    records = (
        ("response", response_id, body, StatusAndHeaders(f"{status} {reason}".rstrip(), headers,
                                                         protocol="HTTP/1.1"), []),
        ("request", f"<urn:uuid:{uuid.uuid4()}>", b"", StatusAndHeaders(
            f"GET {target} HTTP/1.1", list(request_headers(agent).items()),
            is_http_request=True), [("WARC-Concurrent-To", response_id)]),
    )
    offset = out.tell()
    for rec_type, record_id, payload, http_headers, extra in records:
        warc_headers = StatusAndHeaders("", [
            ("WARC-Type", rec_type), ("WARC-Record-ID", record_id), ("WARC-Date", when),
            ("WARC-Target-URI", url), *extra], protocol="WARC/1.0")
        writer.write_record(writer.create_warc_record(
            url, rec_type, payload=BytesIO(payload), length=len(payload),
            warc_headers=warc_headers, http_headers=http_headers))
    out.flush()
    return {"file": str(getattr(out, "name", "")), "offset": offset, "record_id": response_id}


def clean_url(url: str, args: argparse.Namespace, fetcher: Fetcher, warc: BinaryIO | None) -> bytes:
    """One archive line for a live page; Skip with the reason when there is none."""
    profile = profile_for_url(url, args.site)
    if not fetcher.allowed(url):
        raise Skip("disallowed by robots.txt")
    status, reason, headers, body = fetcher.get(url)
    fetched_at = format_time(utc_now())
    if status != 200:
        moved = dict((k.lower(), v) for k, v in headers).get("location")
        raise Skip(f"HTTP {status} {reason}".rstrip() + (f" (to {moved})" if moved else ""))
    try:  # the WARC keeps the wire bytes; extraction reads them decoded
        decoded = decode_body(header_value(dict(headers)), body)
    except ContentEncodingError as exc:
        raise Skip(f"not decoded: {exc}") from None
    page = FetchedPage.saved(profile, url, decoded, status=status, headers=dict(headers))
    page.fetched_at = fetched_at
    if warc is not None:
        page.meta["dgportal_warc"] = warc_exchange(
            warc, url, fetcher.agent, status, reason, headers, body, fetched_at)
    try:
        return encode_line(article_from_page(page, profile, None).to_dict())
    except ExtractionError as exc:
        raise Skip(f"skipped: {exc}") from None


def clean_file(path: Path, data: bytes, args: argparse.Namespace, profile: SiteProfile) -> bytes:
    fmt = sniff_format(data) if args.format == "auto" else args.format
    try:
        article = article_from_saved(data, profile, url=args.url, text_format=fmt)
    except ExtractionError as exc:
        raise Skip(f"skipped: {exc}") from None
    return encode_line(article.to_dict())


def _read_files(names: list[str]) -> dict[str, bytes]:
    contents = {}
    for name in names:
        try:
            contents[name] = Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"{name}: cannot read ({exc.strerror})") from None
    return contents


#: What cleaning one argument gave: the archive line, or the reason it was skipped.
Outcome = tuple[bytes, None] | tuple[None, str]


def _clean_saved(args: argparse.Namespace, profile: SiteProfile, item: tuple[str, bytes]) -> Outcome:
    """One saved file; runs in a pool worker when files are cleaned in bulk."""
    name, data = item
    try:
        return clean_file(Path(name), data, args, profile), None
    except Skip as exc:
        return None, str(exc)


def _outcomes(args: argparse.Namespace, urls: list[str], contents: dict[str, bytes],
              profile: SiteProfile, warc: BinaryIO | None) -> Iterator[Outcome]:
    """One outcome per argument, in argument order. Saved files are extracted on ``--jobs``
    processes; live pages are fetched one by one here (politeness paces them anyway)."""
    if not urls:
        items = [(name, contents[name]) for name in args.files]
        # Only what a saved file needs crosses to the workers (args also holds the handler).
        options = argparse.Namespace(format=args.format, url=args.url)
        yield from ordered_map(partial(_clean_saved, options, profile), items, args.jobs or usable_cpus())
        return
    fetcher = Fetcher(user_agent(args.contact or os.environ.get("DGPORTAL_CONTACT", "")))
    for arg in args.files:
        if arg not in urls:
            yield _clean_saved(args, profile, (arg, contents[arg]))
            continue
        try:
            yield clean_url(arg, args, fetcher, warc), None
        except Skip as exc:
            yield None, str(exc)


def clean(args: argparse.Namespace) -> int:
    urls = [a for a in args.files if a.startswith(URL_SCHEMES)]
    if args.url and (urls or len(args.files) > 1):
        raise CommandError("--url names one page; give one FILE with it")
    profile = profile_or_error(args.site or DEFAULT_SITE)
    if args.url:
        profile_or_error(args.site or DEFAULT_SITE, args.url, option="--url")  # as --base-url
    contents = _read_files([a for a in args.files if a not in urls])
    failed = 0
    out = sys.stdout.buffer
    with contextlib.ExitStack() as stack:
        warc = stack.enter_context(Path(args.warc).open("ab")) if args.warc and urls else None
        for arg, (line, skipped) in zip(args.files, _outcomes(args, urls, contents, profile, warc), strict=True):
            if line is None:
                failed += 1
                print(f"dgportal clean: {arg}: {skipped}", file=sys.stderr)
                continue
            out.write(line)
            out.flush()
    return 1 if failed else 0
