"""CharSet: the characters of a set found in a text, beyond the BMP too, at bounded memory."""

from __future__ import annotations

import tracemalloc

from dgportal_crawler.extract.charsets import FIND_SLICE_CHARS, CharSet


def test_any_in_and_found_in_see_astral_characters_too():
    chars = CharSet.of(frozenset("們𠀀"))
    assert chars.any_in("甲𠀀乙") and not chars.any_in("甲乙")
    assert chars.found_in("們甲𠀀們") == {"們", "𠀀"}
    assert chars.found_in("") == set()


def test_found_in_reads_long_texts_in_slices_with_little_memory():
    """A 3-million-character page once cost ~90 MB here: findall made a str per occurrence."""
    chars = CharSet.of(frozenset("們這"))
    # the two characters sit on either side of a slice boundary, and nowhere else
    text = "厚" * (FIND_SLICE_CHARS - 1) + "們這" + "街" * 3 * FIND_SLICE_CHARS
    assert chars.found_in(text) == {"們", "這"}
    many = "們" * 2_000_000
    tracemalloc.start()
    try:
        assert chars.found_in(many) == {"們"}
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB"  # 2 M occurrences at once: ~160 MiB
