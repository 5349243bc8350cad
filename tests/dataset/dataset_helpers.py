"""Helpers of the dataset tests: the crawled archive's description and small archive edits."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dgportal_crawler.store.jsonl import encode_line
from dgportal_crawler.store.layout import SiteLayout

SITE = "houjie"
UNDATED_ID = "houjie:url:/undated/1"


@dataclass(frozen=True)
class CrawledArchive:
    """Archive roots (each holding ``houjie/``) and the replica's answer key."""

    final: Path  # after edition 1 → 2 → 1: 150 current, 3 articles with 3 revisions, 2 restored
    edition2: Path  # after edition 1 → 2: 148 current, 2 withdrawn
    origin: str
    truth1: list[dict[str, Any]]  # ground truth of edition 1 (what `final` holds)
    truth2: list[dict[str, Any]]  # ground truth of edition 2 (what `edition2` holds)
    removed: list[dict[str, Any]]  # the articles edition 2 took down (id, url, status)

    @property
    def edited(self) -> set[str]:
        return {a["id"] for a in self.truth2 if a["edition_changed"]}

    @property
    def removed_ids(self) -> set[str]:
        return {a["id"] for a in self.removed}


def copy_archive(root: Path, into: Path) -> Path:
    """A private copy of an archive root, for a test that writes into it."""
    shutil.copytree(root, into, ignore=shutil.ignore_patterns("crawl.lock"))
    return into


def add_undated_article(root: Path) -> dict[str, Any]:
    """Append an article without a date (``articles/undated/undated.jsonl``), made from the
    first line of the archive; returns it."""
    layout = SiteLayout.of(root, SITE)
    first = json.loads(layout.article_files()[0].read_bytes().splitlines()[0])
    line = {**first, "id": UNDATED_ID, "url": None, "published_at": None, "published_precision": None,
            "author": None, "editor": None, "reviewer": None, "gov_meta": None}
    path = layout.article_file(None)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.write(encode_line(line))
    return line


def text_of(truth: dict[str, Any]) -> str:
    return "\n".join(truth["paragraphs"])
