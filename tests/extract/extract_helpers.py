"""Paths and loaders shared by the extraction tests."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_CAPTURE = (
    Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "houjie-article-capture.txt"
)
SITE = "https://www.dg.gov.cn/houjie/"


def fixture_bytes(name: str) -> bytes:
    """Bytes of ``tests/fixtures/<name>``."""
    return (FIXTURES / name).read_bytes()
