"""The crawl as Redis describes it to workers: which site, which profile (its whole text, so a
worker on another machine needs no copy), which base URL, the run id, the fetch settings of
the profile's politeness, and whether the crawl is still running.

The coordinator writes it when a crawl starts and marks it finished at the end; a worker
reads it to join, and leaves when it says ``finished``. A heartbeat key names the live
coordinator (host and pid), so a second coordinator is refused and a restarted one can tell
that the last one died.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from redis import Redis

from dgportal_crawler.distributed.keys import CRAWLS, CrawlKeys
from dgportal_crawler.profile import SiteProfile, builtin_profile_path, parse_profile

RUNNING = "running"
FINISHED = "finished"
#: How long a finished crawl's description stays, so late workers learn it is over.
FINISHED_TTL = 24 * 3600


@dataclass(frozen=True, slots=True)
class CrawlInfo:
    site: str
    run_id: str
    base_url: str
    profile_source: str
    profile_text: str
    fetch_settings: dict[str, Any] = field(default_factory=dict)
    lease_seconds: float = 30.0
    warc: bool = True
    arguments: dict[str, Any] = field(default_factory=dict)  # columns, since, until, mode
    crawl_id: str = ""  # the first run's id: kept when a restarted coordinator continues

    @property
    def keys(self) -> CrawlKeys:
        return CrawlKeys(self.site)

    def profile(self) -> SiteProfile:
        """The coordinator's profile, rebuilt from its text, on the crawl's base URL."""
        profile = parse_profile(tomllib.loads(self.profile_text), self.profile_source)
        digest = hashlib.sha256(self.profile_text.encode("utf-8")).hexdigest()
        return replace(profile, sha256=digest).with_base_url(self.base_url)

    def same_crawl(self, other: CrawlInfo) -> bool:
        """Whether ``other`` asks for the crawl this one holds (the mode may differ: a
        restart with ``--resume`` continues the same crawl)."""
        def scope(info: CrawlInfo) -> tuple[Any, ...]:
            args = info.arguments
            return (info.base_url, info.profile_text, args.get("columns"), args.get("since"),
                    args.get("until"))
        return scope(self) == scope(other)

    # -- in Redis -------------------------------------------------------------------------
    def publish(self, server: Redis) -> None:
        with server.pipeline() as pipe:
            pipe.hset(self.keys.crawl, mapping={"status": RUNNING, "crawl_id": self.crawl_id,
                                                "info": json.dumps(asdict(self))})
            pipe.persist(self.keys.crawl)
            pipe.sadd(CRAWLS, self.site)
            pipe.execute()

    def finish(self, server: Redis) -> None:
        with server.pipeline() as pipe:
            pipe.hset(self.keys.crawl, "status", FINISHED)
            pipe.expire(self.keys.crawl, FINISHED_TTL)
            pipe.srem(CRAWLS, self.site)
            pipe.delete(*self.keys.work_keys())
            pipe.execute()


def read(server: Redis, site: str) -> tuple[str, CrawlInfo] | None:
    """``(status, info)`` of the site's crawl in Redis, or None."""
    raw = server.hgetall(CrawlKeys(site).crawl)
    if not raw or b"info" not in raw:
        return None
    return raw.get(b"status", b"").decode(), CrawlInfo(**json.loads(raw[b"info"]))


def running(server: Redis) -> list[CrawlInfo]:
    """Every crawl a worker can join now, by site."""
    found = []
    for site in sorted(s.decode() for s in server.smembers(CRAWLS)):
        held = read(server, site)
        if held is not None and held[0] == RUNNING:
            found.append(held[1])
    return found


def still_running(server: Redis, info: CrawlInfo) -> bool:
    """Whether the crawl a worker joined is still running (not finished, not replaced by a
    new crawl of the same site)."""
    status, crawl_id = server.hmget(info.keys.crawl, ["status", "crawl_id"])
    return status == RUNNING.encode() and crawl_id == info.crawl_id.encode()


def profile_text(profile: SiteProfile) -> str:
    """The text of the profile file the profile was read from."""
    path = Path(profile.source)
    text = (path.read_text(encoding="utf-8") if path.suffix == ".toml" and path.is_file()
            else builtin_profile_path(profile.name).read_text(encoding="utf-8"))
    if profile.sha256 and hashlib.sha256(text.encode("utf-8")).hexdigest() != profile.sha256:
        raise ValueError(f"the profile {profile.source} changed while the crawl was starting")
    return text


# -- the coordinator's heartbeat --------------------------------------------------------------
def me() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid()}


def beat(server: Redis, site: str, run_id: str, ttl: float) -> None:
    server.set(CrawlKeys(site).coordinator, json.dumps({**me(), "run_id": run_id}),
               px=int(ttl * 1000))


def claim(server: Redis, site: str, run_id: str, ttl: float) -> dict[str, Any] | None:
    """Become the site's coordinator; the live one's host and pid when another is."""
    key, value = CrawlKeys(site).coordinator, json.dumps({**me(), "run_id": run_id})
    if server.set(key, value, nx=True, px=int(ttl * 1000)):
        return None
    holder = live_coordinator(server, site)
    if holder is not None:
        return holder
    server.set(key, value, px=int(ttl * 1000))
    return None


def live_coordinator(server: Redis, site: str) -> dict[str, Any] | None:
    """The coordinator whose heartbeat is fresh, unless it is a dead process on this host."""
    raw = server.get(CrawlKeys(site).coordinator)
    if raw is None:
        return None
    holder = json.loads(raw)
    if holder.get("host") == socket.gethostname() and not _alive(int(holder.get("pid", 0))):
        return None  # killed here a moment ago; its heartbeat has not expired yet
    return holder


def stop_beating(server: Redis, site: str) -> None:
    server.delete(CrawlKeys(site).coordinator)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
