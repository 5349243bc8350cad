"""The archive as data for analysts: a loader, typed tables, exports, statistics, a picture.

``iter_articles`` needs only the standard library; the tables, Parquet, the picture and the
``polars`` / ``duckdb`` recipes of archive/README.md need ``pip install 'dgportal-crawler[analysis]'``
(a missing library is a :class:`MissingExtraError` naming that extra). Heavy modules are
imported on first use, so ``import dgportal_crawler.dataset`` stays cheap.
"""

from __future__ import annotations

from typing import Any

from dgportal_crawler.dataset.extras import MissingExtraError
from dgportal_crawler.dataset.loader import VIEWS, ArchiveReader, SelectionError, iter_articles

#: Public names defined in submodules that import pandas, pyarrow or polars on first use.
_LAZY = {
    "load_arrow": "frames", "load_dataframe": "frames", "load_polars": "frames",
    "arrow_to_pandas": "frames", "polars_schema": "frames", "ndjson_polars_schema": "frames",
    "arrow_schema": "arrow_types",
    "export": "writers", "register_writer": "writers", "WRITERS": "writers",
    "archive_stats": "stats", "monthly_counts": "stats",
    "plot_articles_per_month": "plot", "find_cjk_font": "plot",
}

__all__ = ["VIEWS", "ArchiveReader", "MissingExtraError", "SelectionError", "iter_articles", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
