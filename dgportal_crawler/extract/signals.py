"""Named signals that say what a page is when it is not an article.

A page answered with status 200 at an article URL can still be a crawler challenge, a captcha,
a WAF block, a rate-limit notice, the site's home page or a "page not found" page. Each kind
is a table of named signals (name → matcher, weight); a page is of that kind when the weights
of its matching signals reach the kind's threshold. Single words never decide alone: a real
notice about a new slider captcha (关于启用滑动验证码的通知) names the words, but it is dated and
long enough, and those signals count against.

Pure: page facts in, a verdict out. The facts that need the site profile (is this URL one of
the site's list or home pages?) are computed by the caller and passed in as booleans.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: Text shorter than this (characters) is "short" (error and challenge pages are a few lines).
SHORT_TEXT_CHARS = 200
#: Text longer than this is "long": no challenge page is, so it counts against one.
LONG_TEXT_CHARS = 400
#: Lines ending in a date that make a page look like a list (home or column page).
LIST_LINES_MIN = 5
_DATED_LINE = re.compile(r"(?:19|20)\d\d[-./年]\d{1,2}[-./月]\d{1,2}日?\s*$")


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the classifier looks at. ``html`` is the start of the raw page (widgets, scripts)."""

    title: str
    text: str
    dated: bool = False  # a publication date was found
    html: str = ""
    redirected: bool = False  # the listed URL redirected (on-site) to this page
    article_url: bool = True  # the final URL looks like one of the site's article URLs
    site_page: bool = False  # the final URL is the site's home page or one of its list pages
    site_title: bool = False  # the title is the site's own name (as on its home page)

    @property
    def short(self) -> bool:
        return len(self.text.strip()) < SHORT_TEXT_CHARS

    @property
    def long(self) -> bool:
        return len(self.text.strip()) > LONG_TEXT_CHARS

    def dated_lines(self) -> int:
        return sum(1 for line in self.text.splitlines() if _DATED_LINE.search(line))


Matcher = Callable[[PageFacts], bool]
#: Signal name → (matcher, weight); a negative weight counts against the kind.
SignalTable = dict[str, tuple[Matcher, int]]


def words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def in_text(pattern: re.Pattern[str]) -> Matcher:
    return lambda f: bool(pattern.search(f.title) or pattern.search(f.text))


def in_html(pattern: re.Pattern[str]) -> Matcher:
    return lambda f: bool(pattern.search(f.html))


#: Signals every kind shares: the shape of a page that is no article.
SHAPE: SignalTable = {
    "short_text": (lambda f: f.short, 1),
    "no_date": (lambda f: not f.dated, 1),
    "dated": (lambda f: f.dated, -1),
    "long_text": (lambda f: f.long, -3),
}


#: How a verdict names each kind in a message.
LABELS = {"challenge": "a captcha/challenge page", "home_page": "the site's home page or a list page",
          "not_found": "a page-not-found page", "redirect_page": "a page that only redirects (meta refresh)"}


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str
    score: int
    signals: tuple[str, ...]

    def describe(self) -> str:
        return f"looks like {LABELS.get(self.kind, self.kind)} (signals: {', '.join(self.signals)}; score {self.score})"


def score(kind: str, table: SignalTable, facts: PageFacts) -> Verdict:
    hits = [(name, weight) for name, (matches, weight) in table.items() if matches(facts)]
    return Verdict(kind, sum(w for _, w in hits), tuple(name for name, _ in hits))


def score_if_reaching(kind: str, table: SignalTable, facts: PageFacts, threshold: int) -> Verdict | None:
    """:func:`score`, or None as soon as the kind can no longer reach ``threshold``.

    Signals that count against are read first, then the heaviest for: an ordinary article
    (long, dated) is ruled out after a few cheap tests, before the searches of its whole HTML.
    """
    order = sorted(table, key=lambda name: (table[name][1] > 0, -table[name][1]))
    headroom = sum(weight for _, weight in table.values() if weight > 0)
    total, hit = 0, set()
    for name in order:
        matches, weight = table[name]
        headroom -= max(weight, 0)
        if matches(facts):
            total += weight
            hit.add(name)
        if total + headroom < threshold:
            return None
    return Verdict(kind, total, tuple(name for name in table if name in hit))


def classify(facts: PageFacts, kinds: dict[str, SignalTable], threshold: int) -> Verdict | None:
    """The kind with the highest score at or above ``threshold`` (first in table order on a
    tie), or None when the page may be an article."""
    verdicts = [v for kind, table in kinds.items() if (v := score_if_reaching(kind, table, facts, threshold))]
    best = max(verdicts, key=lambda v: v.score, default=None)
    return best if best is not None and best.score >= threshold else None
