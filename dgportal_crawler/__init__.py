"""Crawl, clean and archive the column pages of the Dongguan government portal."""

__version__ = "0.1.0"
