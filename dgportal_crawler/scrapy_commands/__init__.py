"""Scrapy commands of the project (``COMMANDS_MODULE``): ``scrapy crawl`` with our exit codes;
``parse``, ``shell``, ``fetch``, ``check`` and ``view`` with the archive switched off."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands import ScrapyCommand

from dgportal_crawler.outcome import ExitCode


def without_archive(base: type[ScrapyCommand], module: str) -> type[ScrapyCommand]:
    """``base`` with ``DGPORTAL_ARCHIVE_ROOT`` emptied after its options are read: the
    archive session, the WARC capture and the incremental filter then switch themselves off.
    ``module`` is where the class is defined: Scrapy only takes a command class whose
    ``__module__`` is the module it finds it in."""

    def process_options(self: Any, args: list[str], opts: argparse.Namespace) -> None:
        base.process_options(self, args, opts)
        self.settings.set("DGPORTAL_ARCHIVE_ROOT", "", priority="cmdline")

    return type("Command", (base,), {"process_options": process_options, "__doc__": base.__doc__,
                                     "__module__": module})


def refuse_unknown_spiders(command: ScrapyCommand, name: str, spiders: list[str]) -> bool:
    """One line on stderr and exit code 2 when a name is no spider of the project (Scrapy's
    own commands raise ``KeyError: 'Spider not found'`` with a traceback); True if refused."""
    assert command.crawler_process is not None
    known = command.crawler_process.spider_loader.list()
    unknown = [s for s in spiders if s not in known]
    if not unknown:
        return False
    print(f"scrapy {name}: error: no spider named {unknown[0]!r}; the project's spiders: "
          f"{', '.join(sorted(known))}", file=sys.stderr)
    command.exitcode = int(ExitCode.USAGE)
    return True
