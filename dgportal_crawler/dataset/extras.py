"""The optional analysis libraries (pandas, pyarrow, polars, duckdb, matplotlib): imported only
when asked for, and a missing one is one clear error naming the extra that installs it."""

from __future__ import annotations

import importlib
from types import ModuleType

EXTRA = "analysis"
INSTALL = f"pip install 'dgportal-crawler[{EXTRA}]'"


class MissingExtraError(ImportError):
    """An analysis library is not installed."""


def require(module: str) -> ModuleType:
    """``import module``, or a :class:`MissingExtraError` saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".", 1)[0]
        raise MissingExtraError(
            f"{top} is needed for this and is not installed: {INSTALL}"
        ) from exc
