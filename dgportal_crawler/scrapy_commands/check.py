"""``scrapy check`` inside the project: Scrapy's own command, with the archive switched off
(it looks at pages; it must not write lines, WARC or a run report), and an unknown spider name
refused in one line (exit 2) rather than Scrapy's ``KeyError`` traceback."""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCommand

from dgportal_crawler.scrapy_commands import refuse_unknown_spiders, without_archive


class Command(without_archive(ScrapyCommand, __name__)):  # type: ignore[misc]
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not refuse_unknown_spiders(self, "check", args):
            super().run(args, opts)
