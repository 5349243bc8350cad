"""URLs found in pages: links and image sources made absolute against the page's URL.

The article id a URL carries is the profile's business (``SiteProfile.post_id``).
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

#: Link targets that lead to no page: scripts, mail addresses and fragments of this page.
NOT_FOLLOWABLE = ("javascript:", "mailto:", "#")


def absolute_url(base_url: str, href: str) -> str | None:
    """``href`` resolved against the page URL; None when it is not a valid URL.

    Site-absolute paths (``/img/…``), the common case, skip ``urljoin``, which costs more than
    the rest of a paragraph's extraction.
    """
    href = href.strip()
    try:
        if href.startswith("/") and not href.startswith("//") and "[" not in base_url:
            parts = urlsplit(base_url)
            return f"{parts.scheme}://{parts.netloc}{href}" if parts.netloc else href
        url = urljoin(base_url, href)
        urlsplit(url)  # rejects malformed hosts such as "http://[x"
    except ValueError:
        return None
    return url


def link_url(href: str | None, base_url: str) -> str | None:
    """The absolute URL of a link's ``href``; None for an empty, ``javascript:``, ``mailto:``
    or fragment-only link, or one that is not a valid URL."""
    href = (href or "").strip()
    if not href or href.lower().startswith(NOT_FOLLOWABLE):
        return None
    return absolute_url(base_url, href)


def without_fragment(url: str) -> str:
    """``url`` without its ``#fragment``: the page it names."""
    return urldefrag(url)[0]
