"""``TownReplica``: one of the portal replica's other towns, a pure function from a path to a
response, with its ground truth and its column feeds."""

from __future__ import annotations

from dataclasses import dataclass, field

from .content import build_article
from .model import PAGE_SIZE, list_page_number, page_count
from .site import _HTML, _POST, ReplicaResponse, _not_found, _redirect
from .town_render import town_article_page, town_home_page, town_list_page
from .towns import ParentFeed, TownColumn, TownMeta, TownSpec, build_town_index
from .truth import ground_truth_record

#: The origin feeds write into article URLs, as the platform's feeds do (absolute URLs).
FEED_ORIGIN = "https://www.dg.gov.cn"


@dataclass
class TownReplica:
    town: TownSpec
    seed: int = 2023
    articles: int = 150
    index: list[TownMeta] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = build_town_index(self.seed, self.articles, self.town)
        self.by_id = {m.post_id: m for m in self.index}

    def column_entries(self, column: int) -> list[TownMeta]:
        """A column's articles, newest first."""
        return [m for m in reversed(self.index) if m.column == column]

    def ground_truth(self, origin: str = FEED_ORIGIN) -> list[dict]:
        return [ground_truth_record(build_article(self.seed, m), origin, "plain", False)  # type: ignore[arg-type]
                for m in self.index]

    def feeds(self) -> dict[int, TownColumn | ParentFeed]:
        """Every feed of the town by id: its columns' and the parent feeds'."""
        return {**{col.feed: col for col in self.town.columns if col.feed},
                **{parent.id: parent for parent in self.town.parent_feeds}}

    def feed(self, owner: TownColumn | ParentFeed) -> dict:
        """A JSON feed (``/postmeta/i/<id>.json``): a column's every article, newest first —
        how many the real feeds hold is not known (site-notes: a guess); a parent feed's
        repeated articles, if any, and its children."""
        if isinstance(owner, ParentFeed):
            ids = [c.id for c in self.town.columns]
            entries = (self.column_entries(ids.index(owner.repeats))[:owner.repeat_count]
                       if owner.repeats else [])
            feed_id = owner.id
        else:
            entries, feed_id = self.column_entries(self.town.columns.index(owner)), owner.feed
        return {
            "id": feed_id, "name": owner.name, "children": list(owner.children),
            "articles": [
                {"id": m.post_id, "title": build_article(self.seed, m).title,  # type: ignore[arg-type]
                 "url": FEED_ORIGIN + m.path, "created_at": m.published.strftime("%Y-%m-%d %H:%M:%S"),
                 "date": int(m.published.timestamp())}
                for m in entries
            ],
        }

    # -- HTTP ---------------------------------------------------------------------
    def respond(self, path: str) -> ReplicaResponse:
        root = self.town.root
        if path in (root, root + "index.html"):
            return ReplicaResponse(200, {"Content-Type": _HTML}, self._home().encode("utf-8"))
        rest = path[len(root):]
        for n, col in enumerate(self.town.columns):
            if rest == col.path.rstrip("/"):
                return _redirect(col.url_path)
            if rest.startswith(col.path):
                return self._in_column(n, col, rest[len(col.path):])
        return _not_found()

    def _in_column(self, column: int, col: TownColumn, rest: str) -> ReplicaResponse:
        post = _POST.match(rest)
        if post:
            meta = self.by_id.get(int(post.group(1)))
            if meta is None or meta.column != column:
                return _not_found("article")
            html = town_article_page(build_article(self.seed, meta))  # type: ignore[arg-type]
            return ReplicaResponse(200, {"Content-Type": _HTML}, html.encode("utf-8"), "article")
        page_no = list_page_number(rest, col.page_name)
        if page_no is None:
            return _not_found()
        entries = self.column_entries(column)
        last = page_count(len(entries))
        if page_no > last:
            return _not_found("list")
        rows = [("./content/" + m.file_name, build_article(self.seed, m).title,  # type: ignore[arg-type]
                 f"{m.published:%Y-%m-%d}") for m in entries[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]]
        html = town_list_page(self.town, col, rows, page_no, last)
        return ReplicaResponse(200, {"Content-Type": _HTML}, html.encode("utf-8"), "list")

    def _home(self) -> str:
        blocks = []
        for n, col in enumerate(self.town.columns):
            if not col.in_nav:
                continue
            rows = [(m.path, build_article(self.seed, m).title, f"{m.published:%Y-%m-%d}")  # type: ignore[arg-type]
                    for m in self.column_entries(n)[:6]]
            blocks.append((col, rows))
        return town_home_page(self.town, blocks)
