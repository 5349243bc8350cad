"""Helpers of the tests of the project's Scrapy commands: ``scrapy <command>`` run inside the
project in a subprocess (as a user runs it), and a command object built as Scrapy's own tests
build one."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand, ScrapyHelpFormatter
from scrapy.settings import Settings

ROOT = Path(__file__).resolve().parents[2]  # where scrapy.cfg is: "inside the project"
SITE = "houjie"


def scrapy(*args: str, archive: Path, env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``scrapy ARGS -s DGPORTAL_ARCHIVE_ROOT=archive`` in the project folder."""
    return subprocess.run([sys.executable, "-m", "scrapy", *args, "-s", f"DGPORTAL_ARCHIVE_ROOT={archive}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule("dgportal_crawler.settings", priority="project")
    return settings


def processed(command_cls: type[ScrapyCommand], argv: list[str]) -> ScrapyCommand:
    """A command whose options were parsed and processed from ``argv``, before it runs."""
    command = command_cls()
    command.settings = project_settings()
    parser = argparse.ArgumentParser(formatter_class=ScrapyHelpFormatter, conflict_handler="resolve")
    command.add_options(parser)
    opts, args = parser.parse_known_args(argv)
    command.process_options(args, opts)
    return command


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The stderr of a refused command: exactly one line, no traceback."""
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    return lines[0]
