"""Scrapy extensions: the progress bar and the end-of-run summary."""
