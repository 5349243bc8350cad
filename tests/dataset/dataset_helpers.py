"""Helpers of the dataset tests: the crawled archive's description and small archive edits."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
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


# -- small archives written by hand, for unit tests that need no crawl -----------------------------
def article_line(n: int, **changes: Any) -> dict[str, Any]:
    """A schema-valid archive line for article ``n`` (published 2023-02-``n``), with ``changes``."""
    text = f"厚街镇第{n}篇新闻的正文。"
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    line = {
        "id": f"{SITE}:url:/houjie/a/post_{n}.html", "url": f"https://www.dg.gov.cn/houjie/a/post_{n}.html",
        "site": SITE, "column": "hjyw", "column_name": "厚街要闻", "column_path": ["新闻中心", "厚街要闻"],
        "title": f"厚街新闻{n}", "title_original": f"厚街新聞{n}",
        "published_at": f"2023-02-{n:02d}T10:14:00+08:00", "published_precision": "minute",
        "source": "本网", "author": None, "editor": None, "reviewer": None, "gov_meta": None,
        "text": text, "text_original": text, "script_original": "hans", "images": [], "attachments": [],
        "fetched_at": "2026-11-25T17:30:08Z", "http_status": 200, "content_sha256": sha, "text_sha256": sha,
        "revision": 1, "previous_text_sha256": None,
        "extraction": {"method": "template", "template": "current", "removed": {}},
        "crawler": {"version": "0.1.0", "run_id": "run1"}, "warc": None, "schema_version": 1,
    }
    return {**line, **changes}


def write_site(root: Path, lines: list[dict[str, Any]], events: Sequence[dict[str, Any]] = ()) -> SiteLayout:
    """``root/houjie`` holding ``lines`` (each in its month file, in order) and ``events``."""
    layout = SiteLayout.of(root, SITE)
    layout.articles_dir.mkdir(parents=True, exist_ok=True)
    for line in lines:
        path = layout.article_file(line.get("published_at"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            handle.write(encode_line(line))
    if events:
        layout.events_file.write_bytes(b"".join(encode_line(e) for e in events))
    return layout
