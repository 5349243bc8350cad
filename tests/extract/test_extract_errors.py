"""extract/errors.py: the one error extraction raises, and where it comes from."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dgportal_crawler import extract
from dgportal_crawler.extract.dom import compile_selector, parse_html
from dgportal_crawler.extract.errors import ExtractionError


def test_extraction_error_is_a_value_error() -> None:
    # callers that only know "bad input" (ValueError) still catch it
    assert issubclass(ExtractionError, ValueError)
    with pytest.raises(ValueError, match=r"^no body$"):
        raise ExtractionError("no body")


def test_the_package_exports_the_same_class() -> None:
    assert extract.ExtractionError is ExtractionError
    assert "ExtractionError" in extract.__all__


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_html(""), "empty document"),
        (lambda: parse_html(" \n\t "), "empty document"),
        (lambda: compile_selector("div[["), "invalid selector 'div[['"),
        (lambda: compile_selector("xpath://div[@class="), "invalid selector 'xpath://div"),
    ],
)
def test_bad_input_raises_extraction_error_with_a_reason(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        call()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)  # one line, fit for a log or a user
