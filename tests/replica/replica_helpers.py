"""Helpers for the replica tests: loopback HTTP and a reference reading of the page contract."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import lxml.html

FILE_NAME_LINE = re.compile(r"^微信图片_\d{14}\.jpg$")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# loopback requests must not go through a proxy from the environment, nor follow redirects
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET ``url``; HTTP errors and redirects come back as (status, headers, body) too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=15) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


def body_element(html: bytes | str) -> lxml.html.HtmlElement:
    doc = lxml.html.fromstring(html)
    found = doc.cssselect("div.article-content") or doc.xpath("//ucapcontent")
    assert len(found) == 1, "exactly one body element per the contract"
    return found[0]


def contract_paragraphs(html: bytes | str) -> list[str]:
    """The body's paragraphs read by the rules of docs/templates.md."""
    out: list[str] = []
    for el in body_element(html):
        if el.tag == "table":
            for row in el.iter("tr"):
                cells = [c.text_content().strip() for c in row if c.tag in ("td", "th")]
                out.append("\t".join(cells))
        elif el.tag in ("ul", "ol"):
            out.extend(li.text_content().strip() for li in el.iter("li"))
        elif el.tag in ("p", "h2", "h3", "h4"):
            text = el.text_content().strip()
            if text and not FILE_NAME_LINE.match(text):
                out.append(text)
    return out
