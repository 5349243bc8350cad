"""Each distributed test gets its own redis-server (a real one, on a free loopback port)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed_helpers import redis_for_test


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_for_test(tmp_path / "redis") as url:
        yield url
