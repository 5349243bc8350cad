"""One Redis connection for a command, with the errors a user can act on."""

from __future__ import annotations

from urllib.parse import urlsplit

from redis import Redis
from redis.exceptions import RedisError

from dgportal_crawler.commands import CommandError, TryLater

#: Seconds to wait for Redis before calling it unreachable.
CONNECT_TIMEOUT = 10


def connect(url: str) -> Redis:
    """A client for ``redis://HOST:PORT/DB``; a bad URL is exit code 2, no answer exit code 3."""
    parts = urlsplit(url)
    db = parts.path.strip("/")
    if parts.scheme in ("redis", "rediss") and db and not db.isdigit():
        # redis-py ignores a database it cannot read as a number and uses database 0
        raise CommandError(f"--redis {url!r}: the database must be a number, not {db!r}")
    try:
        server = Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=30)
    except ValueError as exc:
        raise CommandError(f"--redis {url!r}: {exc}") from None
    try:
        server.ping()
    except RedisError as exc:
        raise TryLater(f"cannot reach Redis at {url}: {exc}; try again later") from None
    return server
