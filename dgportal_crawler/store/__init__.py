"""Storage of the archive, rooted at one folder (``archive/`` by default).

Layout under ``<root>/<site>/``: ``articles/<YYYY>/<YYYY-MM>.jsonl`` (one article per line),
``warc/`` (raw captures), ``state.sqlite`` (what was seen), ``runs/`` (one report per run),
``events.jsonl`` (withdrawals and repairs), ``manifest.json`` (checksums).
"""

from dgportal_crawler.store.jsonl import JsonlArchive, TornLine, iter_archive_lines

__all__ = ["JsonlArchive", "TornLine", "iter_archive_lines"]
