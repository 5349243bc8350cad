"""Spiders navigate only: list pages, next-page links, article links. No field parsing, no I/O."""
