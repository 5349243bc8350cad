"""The folder layout of one site's archive, and the only module that spells it out.

::

    <root>/<site>/
      articles/<YYYY>/<YYYY-MM>.jsonl   one article per line (``undated/undated.jsonl``)
      warc/<run-id>-<NNNNN>.warc.gz     raw request/response captures
      runs/<run-id>.json, .log          one report and one log per run
      events.jsonl                      withdrawals, restores, repairs
      manifest.json                     size and sha256 of every archive file
      origin.json                       the site (origin) the archive is made from
      state.sqlite                      what was seen (a cache, rebuilt from the lines)
      state.sqlite.open                 present while a run has the archive open
      crawl.lock                        one writer at a time
      job/                              Scrapy's JOBDIR of an interrupted run
    <root>/discovered/<site>.toml       profiles `dgportal crawl --discover` wrote

Every other module asks a :class:`SiteLayout` for a path instead of joining names itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Partition of articles without a publication date.
UNDATED = "undated"

ARTICLES = "articles"
WARC = "warc"
RUNS = "runs"
EVENTS = "events.jsonl"
MANIFEST = "manifest.json"
ORIGIN = "origin.json"
STATE = "state.sqlite"
OPEN_MARKER = "state.sqlite.open"
LOCK = "crawl.lock"
JOB = "job"
DISCOVERED = "discovered"


def partition_of(published_at: str | None) -> tuple[str, str]:
    """``("2023", "2023-02")`` for an ISO date, ``("undated", "undated")`` without one."""
    if published_at and len(published_at) >= 7 and published_at[4] == "-":
        return published_at[:4], published_at[:7]
    return UNDATED, UNDATED


@dataclass(frozen=True, slots=True)
class SiteLayout:
    """Every path of one site's archive folder ``<root>/<site>``."""

    site_dir: Path

    @classmethod
    def of(cls, root: str | Path, site: str) -> SiteLayout:
        return cls(Path(root) / site)

    @property
    def site(self) -> str:
        return self.site_dir.name

    @property
    def root(self) -> Path:
        return self.site_dir.parent

    # -- folders ---------------------------------------------------------------------------
    @property
    def articles_dir(self) -> Path:
        return self.site_dir / ARTICLES

    @property
    def warc_dir(self) -> Path:
        return self.site_dir / WARC

    @property
    def runs_dir(self) -> Path:
        return self.site_dir / RUNS

    @property
    def job_dir(self) -> Path:
        return self.site_dir / JOB

    # -- files -----------------------------------------------------------------------------
    @property
    def events_file(self) -> Path:
        return self.site_dir / EVENTS

    @property
    def manifest_file(self) -> Path:
        return self.site_dir / MANIFEST

    @property
    def origin_file(self) -> Path:
        return self.site_dir / ORIGIN

    @property
    def state_file(self) -> Path:
        return self.site_dir / STATE

    @property
    def open_marker(self) -> Path:
        return self.site_dir / OPEN_MARKER

    @property
    def lock_file(self) -> Path:
        return self.site_dir / LOCK

    def article_file(self, published_at: str | None) -> Path:
        year, month = partition_of(published_at)
        return self.articles_dir / year / f"{month}.jsonl"

    def article_files(self) -> list[Path]:
        """Every JSONL file of articles, oldest month first (``undated`` last)."""
        return sorted(self.articles_dir.glob("*/*.jsonl")) if self.articles_dir.is_dir() else []

    def run_report(self, run_id: str) -> Path:
        return self.runs_dir / f"{run_id}.json"

    def run_log(self, run_id: str) -> Path:
        return self.runs_dir / f"{run_id}.log"

    def run_reports(self) -> list[Path]:
        """Every run report, oldest first (run ids sort by start time)."""
        return sorted(self.runs_dir.glob("*.json")) if self.runs_dir.is_dir() else []

    def run_logs(self) -> list[Path]:
        """Every run log, oldest first."""
        return sorted(self.runs_dir.glob("*.log")) if self.runs_dir.is_dir() else []

    def warc_file(self, run_id: str, index: int) -> Path:
        return self.warc_dir / f"{run_id}-{index:05d}.warc.gz"

    def warc_files(self) -> list[Path]:
        """Every WARC file, in name order (run ids sort by start time)."""
        return sorted(self.warc_dir.glob("*.warc.gz")) if self.warc_dir.is_dir() else []

    def relative(self, path: Path) -> str:
        """``path`` as the archive names it (POSIX, relative to the site folder)."""
        return Path(path).relative_to(self.site_dir).as_posix()

    def resolve(self, rel: str) -> Path:
        """An archive-relative path back to a file, refusing anything outside the folder."""
        path = (self.site_dir / rel).resolve()
        if not path.is_relative_to(self.site_dir.resolve()):
            raise ValueError(f"{rel!r} points outside the archive folder {self.site_dir}")
        return path

    def is_site_archive(self) -> bool:
        return self.articles_dir.is_dir()

    # -- what the manifest covers -----------------------------------------------------------
    #: Folders whose every file is covered, and single files covered when present.
    #: ``state.sqlite*`` is left out: a rebuildable cache that sqlite rewrites in place.
    COVERED_FOLDERS = (ARTICLES, WARC, RUNS)
    COVERED_FILES = (EVENTS, ORIGIN)


def site_layouts(root: str | Path) -> list[SiteLayout]:
    """The site archives directly under an archive root, by name."""
    root = Path(root)
    if not root.is_dir():
        return []
    return [SiteLayout(p) for p in sorted(root.iterdir()) if (p / ARTICLES).is_dir()]


def discovered_profile(root: str | Path, site: str) -> Path:
    """Where ``dgportal crawl --discover`` keeps the profile it discovered for ``site``."""
    return Path(root) / DISCOVERED / f"{site}.toml"
