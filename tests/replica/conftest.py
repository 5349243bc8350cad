"""Shared fixtures for the replica tests: one real server process per session."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# the package may not be installed in the venv yet: import it from the checkout
if importlib.util.find_spec("dgportal_crawler") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dgportal_crawler.replica import Replica, ReplicaServer


@pytest.fixture(scope="session")
def replica() -> Replica:
    return Replica()


@pytest.fixture(scope="session")
def server() -> Iterator[ReplicaServer]:
    with ReplicaServer() as running:
        yield running
