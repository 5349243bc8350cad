"""The closed sets of values extraction writes into an article, as ``Literal`` types.

This module imports nothing, so the item types can use these names too.
"""

from __future__ import annotations

from typing import Literal

#: How an article's text was obtained (``extraction.method``).
ExtractionMethod = Literal["template", "fallback", "capture"]
#: How precise a publication time was on the page (``published_precision``).
DatePrecision = Literal["day", "minute", "second"]
#: The script of the captured text (``script_original``).
Script = Literal["hans", "hant", "mixed"]
#: Where the charset of a page was read from (``extraction.encoding.source``).
CharsetSource = Literal["bom", "header", "meta", "sniff"]
