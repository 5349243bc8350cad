"""Pages a site serves in place of an article without an error status: its home page (or a
column list) after an on-site redirect, "page not found" pages answered with 200, and stubs
that only send the browser elsewhere with an immediate meta refresh (the crawler does not
follow those for articles: the stub itself would be stored).

Decided by the page and where the redirect went, never by one URL literal: a home page is a
page titled with the site's own name, made of dated list lines, at one of the site's own list
addresses; a not-found page says so in its title or text and is short and undated.
"""

from __future__ import annotations

from dgportal_crawler.extract.signals import SHAPE, SignalTable, in_html, in_text, words

NOT_FOUND = words(r"\b404\b|页面不存在|頁面不存在|页面未找到|頁面未找到|找不到(?:该|您要|您访问的)?页面"
                  r"|页面已(?:被)?删除|信息已(?:被)?删除|不存在或已(?:被)?删除|not found|无法找到")

HOME_PAGE: SignalTable = {
    "site_title": (lambda f: f.site_title, 2),
    "list_lines": (lambda f: f.dated_lines() >= 5, 2),
    "site_address": (lambda f: f.site_page, 2),
    "redirected_away": (lambda f: f.redirected and not f.article_url, 1),
    "no_date": SHAPE["no_date"],
    "dated": SHAPE["dated"],
}

NOT_FOUND_PAGE: SignalTable = {
    "not_found_words": (in_text(NOT_FOUND), 2),
    "redirected_away": (lambda f: f.redirected and not f.article_url, 1),
    **SHAPE,
}

#: A meta refresh that moves on within a few seconds to another address (``content="0;
#: url=…"``), whichever order the attributes come in; a plain periodic reload names no URL.
REFRESH = words(r"<meta(?=[^>]*http-equiv\s*=\s*[\"']?refresh)(?=[^>]*content\s*=\s*[\"']?\s*\d(?:\.\d+)?\s*"
                r"[;,]\s*url\s*=)[^>]*>")

REDIRECT_PAGE: SignalTable = {
    "meta_refresh": (in_html(REFRESH), 2),
    **SHAPE,
}
