"""The Chinese text generator: fills phrasebook templates from a seeded RNG.

One ``Writer`` per article: the named entities it picks (community, road, person…) stay the
same for the whole article so that a page reads as being about one thing, while numbers are
drawn afresh for every sentence.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import ClassVar

from . import vocab_base as vb
from . import vocab_forms as vf

ORDINALS = "一二三四五六七八九十"


def person_name(rng: random.Random) -> str:
    given = rng.choice(vb.GIVEN) + (rng.choice(vb.GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(vb.SURNAMES) + given


def company_name(rng: random.Random) -> str:
    return (
        rng.choice(vb.COMPANY_HEADS) + rng.choice(vb.COMPANY_CORES)
        + rng.choice(vb.COMPANY_TRADES) + "有限公司"
    )


class _Lookup(dict):
    """format_map target that draws a slot value the first time a key is used."""

    def __init__(self, writer: Writer) -> None:
        super().__init__()
        self.writer = writer

    def __missing__(self, key: str) -> str:
        value = self.writer.slot(key)
        self[key] = value
        return value


class Writer:
    """Fills templates for one article."""

    ENTITIES: ClassVar[dict[str, Callable[[random.Random], str]]] = {
        "community": lambda r: r.choice(vb.COMMUNITIES),
        "road": lambda r: r.choice(vb.ROADS),
        "park": lambda r: r.choice(vb.PARKS),
        "school": lambda r: r.choice(vb.SCHOOLS),
        "company": company_name,
        "dept": lambda r: r.choice(vb.DEPARTMENTS),
        "festival": lambda r: r.choice(vb.FESTIVALS),
        "venue": lambda r: r.choice(vb.VENUES),
        "person": person_name,
        "task": lambda r: r.choice(vf.NOTICE_TASKS),
        "field": lambda r: r.choice(vf.POLICY_FIELDS),
        "aim": lambda r: "、".join(r.sample(vf.INTERVIEW_AIMS, 2)),
    }

    def __init__(self, rng: random.Random, published: datetime) -> None:
        self.rng = rng
        self.published = published
        self.entities: dict[str, str] = {}
        # per-pool shuffled decks, so an article repeats a sentence only once a pool runs out
        self._decks: dict[tuple[str, ...], list[str]] = {}

    def slot(self, key: str) -> str:
        rng = self.rng
        if key in self.ENTITIES:
            if key not in self.entities:
                self.entities[key] = self.ENTITIES[key](rng)
            return self.entities[key]
        if key == "policy":
            if key not in self.entities:
                self.entities[key] = self.fill(rng.choice(vf.POLICY_NAMES))
            return self.entities[key]
        ranges = {
            "n_small": (2, 30), "n_mid": (20, 900), "n_big": (1000, 60000),
            "pct": (5, 98), "money": (50, 5000), "day": (1, 14), "day2": (15, 28),
            "years": (2, 5),
        }
        if key in ranges:
            return str(rng.randint(*ranges[key]))
        if key == "phone":
            return f"0769-8{rng.randint(1000000, 9999999)}"
        if key == "year":
            return str(self.published.year)
        if key == "year_next":
            return str(self.published.year + 2)
        if key == "month":
            return str(max(1, self.published.month - rng.randint(0, 1)))
        raise KeyError(key)

    def fill(self, template: str) -> str:
        return template.format_map(_Lookup(self))

    def pick(self, options: Sequence[str]) -> str:
        return self.fill(self.rng.choice(options))

    def sentences(self, pool: Sequence[str], count: int) -> list[str]:
        """``count`` sentences dealt from a shuffled deck of ``pool``."""
        key = tuple(pool)
        deck = self._decks.setdefault(key, [])
        used: list[str] = []
        while len(used) < count:
            if not deck:
                deck.extend(key)
                self.rng.shuffle(deck)
                # a refilled deck deals the templates this call has not used yet first
                deck.sort(key=lambda template: template not in used)
            used.append(deck.pop())
        return [self.fill(template) for template in used]

    def paragraph(self, pool: Sequence[str], low: int = 2, high: int = 4) -> str:
        return "".join(self.sentences(pool, self.rng.randint(low, high)))

    def name(self) -> str:
        return person_name(self.rng)

    def date_cn(self, days_before: int = 0) -> str:
        day = self.published - timedelta(days=days_before)
        return f"{day.year}年{day.month}月{day.day}日"
