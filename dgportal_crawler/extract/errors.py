"""The one error extraction raises."""

from __future__ import annotations


class ExtractionError(ValueError):
    """Nothing extractable in the input; the message says why."""
