"""``scrapy parse`` inside the project: Scrapy's own command, with the archive switched off
(it looks at pages; it must not write lines, WARC or a run report), and an unknown
``--spider`` refused in one line (exit 2), as ``check`` and ``crawl`` refuse one: Scrapy's
own command logs "Unable to find spider" and exits 0, which a script cannot tell from success."""

from __future__ import annotations

import argparse

from scrapy.commands.parse import Command as ScrapyCommand

from dgportal_crawler.scrapy_commands import refuse_unknown_spiders, without_archive


class Command(without_archive(ScrapyCommand, __name__)):  # type: ignore[misc]
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not (opts.spider and refuse_unknown_spiders(self, "parse", [opts.spider])):
            super().run(args, opts)
