"""Log lines for dropped items that say why, without dumping the whole article."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class DgportalLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any
                ) -> LogFormatterResult:
        level = getattr(exception, "log_level", None) or "WARNING"
        return {
            "level": getattr(logging, str(level).upper(), logging.WARNING),
            "msg": "Dropped: %(exception)s",
            # The message, not the exception: Scrapy keeps this dict in the frame its
            # traceback holds, so the exception would close a reference cycle keeping the
            # item, its response and every frame alive until the next full GC (with 10 MB
            # pages, hundreds of MB while DGPORTAL_GC_THRESHOLD paces collections).
            "args": {"exception": str(exception)},
        }
