"""``scrapy parse`` inside the project: Scrapy's own command, with the archive switched off
(it looks at pages; it must not write lines, WARC or a run report)."""

from scrapy.commands.parse import Command as ScrapyCommand

from dgportal_crawler.scrapy_commands import without_archive

Command = without_archive(ScrapyCommand, __name__)
