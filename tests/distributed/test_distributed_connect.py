"""One Redis connection for a command (:mod:`dgportal_crawler.distributed.connect`): a URL that
is no Redis URL is a usage error (exit 2), a Redis that does not answer is "try later" (exit 3)."""

from __future__ import annotations

import pytest
from distributed_helpers import free_port

from dgportal_crawler.commands import CommandError, TryLater
from dgportal_crawler.distributed.connect import connect


@pytest.mark.parametrize("url", ["http://not-redis/", "127.0.0.1:6379", "redis://127.0.0.1:6379/not-a-db"])
def test_a_url_that_is_no_redis_url_is_a_usage_error_naming_it(url):
    with pytest.raises(CommandError) as caught:
        connect(url)
    assert type(caught.value) is CommandError and caught.value.exit_code == 2
    assert str(caught.value).startswith(f"--redis {url!r}: ")
    assert "\n" not in str(caught.value)


def test_a_redis_that_does_not_answer_is_try_later():
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with pytest.raises(TryLater) as caught:
        connect(url)
    assert caught.value.exit_code == 3
    message = str(caught.value)
    assert message.startswith(f"cannot reach Redis at {url}: ") and message.endswith("; try again later")


def test_a_live_redis_gives_a_client_on_the_database_the_url_names(redis_url):
    url = redis_url.removesuffix("/0") + "/3"
    client = connect(url)
    client.set("dgportal:probe", "3")
    assert connect(redis_url).get("dgportal:probe") is None, "database 0 is another keyspace"
    assert connect(url).get("dgportal:probe") == b"3"
