"""Extraction: page bytes (or a text capture) in, typed article or list page out.

Pure functions, no I/O, no Scrapy. Every failure is an :class:`ExtractionError`.
"""

from __future__ import annotations

from dgportal_crawler.extract.article import extract_article
from dgportal_crawler.extract.capture import extract_capture
from dgportal_crawler.extract.decode import DecodedText, decode_html
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.listing import ListEntry, ListPage, parse_list_page

__all__ = [
    "DecodedText",
    "ExtractionError",
    "ListEntry",
    "ListPage",
    "decode_html",
    "extract_article",
    "extract_capture",
    "parse_list_page",
]
