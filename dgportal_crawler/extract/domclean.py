"""Apply the DOM side of the rule table (``boilerplate.RULES``) to a parsed page.

One pass over the elements, each looked up in dispatch tables derived from the rule table
(class name → rule, tag → rule, exact text → rule …); XPath with ``normalize-space()`` on
every element was ten times slower. Matches are removed afterwards, outermost first, and
each removal is counted under its rule name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from dgportal_crawler.extract.boilerplate import RULES, line_key, match_line
from dgportal_crawler.extract.dom import SKIPPED_TAGS, is_attached, remove_keep_tail, text_of

#: Tags checked for exact short texts, and for the opening words of a short block.
SHORT_TAGS = frozenset({"span", "button", "em", "li"})
PREFIX_TAGS = frozenset({"div", "p", "span", "li", "td"})


@dataclass(frozen=True, slots=True)
class _Dispatch:
    classes: dict[str, str]
    tags: dict[str, str]
    link_texts: dict[str, str]
    short_texts: dict[str, str]
    prefixes: tuple[tuple[str, str, int], ...]  # (opening words, rule, max chars)
    prefix_starts: frozenset[str]  # first characters of the opening words (a quick reject)
    script_links: tuple[tuple[str, str], ...]  # (substring, rule)


@lru_cache(maxsize=1)
def _dispatch() -> _Dispatch:
    """Lookup tables from :data:`RULES` (first rule listing a key wins)."""
    def table(attr: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, rule in RULES.items():
            for key in getattr(rule, attr):
                out.setdefault(key, name)
        return out

    prefixes = tuple((p, n, r.prefix_max_chars) for n, r in RULES.items() for p in r.prefixes)
    return _Dispatch(
        classes=table("classes"),
        tags=table("tags"),
        link_texts=table("link_texts"),
        short_texts=table("short_texts"),
        prefixes=prefixes,
        prefix_starts=frozenset(p[0] for p, _, _ in prefixes),
        script_links=tuple((s, n) for n, r in RULES.items() for s in r.script_links),
    )


def _own_text(el: etree._Element) -> str:
    return (el.text or "").strip() if len(el) == 0 else text_of(el)


def _head(el: etree._Element) -> str:
    """The element's own leading text. Opening words are looked for there only: a container
    whose first child is a share bar does not itself start with 分享到."""
    return (el.text or "").lstrip()


def _text_within(el: etree._Element, limit: int) -> bool:
    """True when the element's text is at most ``limit`` characters (stops reading early)."""
    total = 0
    for piece in el.itertext():
        total += len(piece.strip())
        if total > limit:
            return False
    return True


def _by_prefix(el: etree._Element, table: _Dispatch) -> str | None:
    head = _head(el)
    if not head or head[0] not in table.prefix_starts:
        return None
    for prefix, name, limit in table.prefixes:
        if head.startswith(prefix) and _text_within(el, limit):
            # the opening words only select candidates; the rule's line pattern decides, so
            # "分享到朋友圈之前，请…" stays while "分享到：微信 微博" goes
            matcher = RULES[name].line
            if matcher is None or matcher(line_key(text_of(el))):
                return name
    return None


def _script_link(el: etree._Element, table: _Dispatch) -> str | None:
    script = (el.get("href") or "") + " " + (el.get("onclick") or "")
    for needle, name in table.script_links:
        if needle in script:
            return name
    return None


def _link(el: etree._Element, table: _Dispatch) -> str | None:
    return _script_link(el, table) or table.link_texts.get(_own_text(el))


def _short(el: etree._Element, table: _Dispatch) -> str | None:
    rule = table.short_texts.get(_own_text(el)) if el.tag in SHORT_TAGS else None
    return rule or (_by_prefix(el, table) if el.tag in PREFIX_TAGS else None)


_BY_TAG: dict[str, Callable[[etree._Element, _Dispatch], str | None]] = {
    "a": _link, **dict.fromkeys(SHORT_TAGS | PREFIX_TAGS, _short),
}


def dom_rule(el: etree._Element, *, by_text: bool = True) -> str | None:
    """Name of the rule matching element ``el``, or None. Without ``by_text`` only classes,
    tags and script links are tested (inside a body, where the line rules read the text)."""
    table = _dispatch()
    classes = el.get("class")
    if classes:
        for token in classes.split():
            if token in table.classes:
                return table.classes[token]
    tag = el.tag  # lxml builds a new str on every read of .tag: read it once
    if tag in table.tags:
        return table.tags[tag]
    if not by_text:
        return _script_link(el, table) if tag == "a" else None
    check = _BY_TAG.get(tag)
    return check(el, table) if check else None


def find_furniture(
    root: etree._Element, body: etree._Element | None = None
) -> list[tuple[etree._Element, str]]:
    """Every element some rule matches, in document order, with the rule's name. Inside
    ``body`` elements are not tested by their text: its paragraphs go through the line rules,
    so only elements with a class and links (script links) are looked at there."""
    if body is None:
        return [(el, rule) for el in root.iter(etree.Element) if (rule := dom_rule(el))]
    found = []
    walk = etree.iterwalk(root, events=("start",), tag=etree.Element)
    for _, el in walk:
        if el is body:  # its elements are looked at below, by class and link only
            walk.skip_subtree()
        elif rule := dom_rule(el):
            found.append((el, rule))
    found += [(el, rule) for el in _BODY_CANDIDATES(body) if (rule := dom_rule(el, by_text=False))]
    return found


_BODY_CANDIDATES = etree.XPath("descendant-or-self::*[@class] | descendant::a")


def remove_furniture(
    root: etree._Element,
    found: list[tuple[etree._Element, str]],
    removed: Counter[str],
    protected: Iterable[etree._Element] = (),
    only: Collection[str] | None = None,
) -> None:
    """Remove the ``found`` furniture still in the tree, counting each by rule name.

    ``protected`` elements (the body and title a template found) and their ancestors are never
    removed, so a broad class rule cannot take the article with it. ``only`` limits the pass
    to some rule names (the others stay for a later pass).
    """
    keep: set[etree._Element] = set()
    for el in protected:
        keep.update(el.iterancestors())
        keep.add(el)
    for el, rule in found:
        if (only is not None and rule not in only) or el in keep or not is_attached(el, root):
            continue
        remove_keep_tail(el)
        removed[rule] += 1


def clean_dom(
    root: etree._Element, removed: Counter[str], protected: Iterable[etree._Element] = ()
) -> None:
    """Find and remove all furniture of a whole page in one go, stray body text included."""
    remove_furniture(root, find_furniture(root), removed, protected)
    clean_stray_text(root, removed)


def clean_stray_text(root: etree._Element, removed: Counter[str]) -> None:
    """Furniture written straight into ``<body>``: the toolbar's page announcement first, a
    planted spam string after the footer (as loose text or a lone element)."""
    body = root.find("body")
    if body is None:
        return
    if body.text and body.text.strip() and (rule := match_line(line_key(body.text))):
        body.text = None
        removed[rule] += 1
    for child in list(body):
        tail = child.tail
        if tail and tail.strip() and (rule := match_line(line_key(tail))):
            child.tail = None
            removed[rule] += 1
        if isinstance(child.tag, str) and child.tag not in SKIPPED_TAGS and len(child) == 0:
            text = child.text
            if text and text.strip() and (rule := match_line(line_key(text))):
                remove_keep_tail(child)
                removed[rule] += 1
