"""An article's content as blocks, and the mapping from blocks to ground-truth paragraphs.

Rendering (``render_article``) and the ground truth both read the same blocks, so the truth
cannot drift from what is served. The mapping follows "How body content maps to ground-truth
paragraphs" in docs/templates.md. The body builders (``bodies``) fill a :class:`Body`;
``content`` turns their :class:`ReplicaDraft` into an article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

IMG_BASE = 4_000_000
ATTACHMENT_BASE = 5_000_000
MAX_IMAGES = 10  # ids are index * 10 + k, so k < 10
MAX_ATTACHMENTS = 10
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


#: What a block is: a paragraph, a sub-heading, an image, its caption, an image file name
#: line, a table, an attachment link, a question/answer line or a list.
BlockKind = Literal["p", "h3", "img", "caption", "file", "table", "attach", "qa", "ul"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""  # text; alt for img; file name (with extension) for attach
    ref: int = 0  # image or attachment id
    label: str = ""  # speaker of a qa block
    rows: tuple[tuple[str, ...], ...] = ()  # table rows (first one is the header) or ul items


def img_path(img_id: int) -> str:
    return f"/img/0/{img_id // 10000}/{img_id}.jpg"


def attachment_path(att_id: int, name: str) -> str:
    ext = name.rsplit(".", 1)[-1]
    return f"/attachment/0/{att_id // 10000}/{att_id}.{ext}"


def block_paragraphs(block: Block) -> list[str]:
    if block.kind in ("p", "h3", "caption"):
        return [block.text]
    if block.kind == "qa":
        return [f"{block.label}：{block.text}"]
    if block.kind == "table":
        return ["\t".join(row) for row in block.rows]
    if block.kind == "ul":
        return [row[0] for row in block.rows]
    if block.kind == "attach":
        return [f"附件：{block.text}"]
    return []  # img and file-name lines are not text content


@dataclass
class Body:
    """Collects blocks for one article and numbers its images and attachments."""

    index: int
    blocks: list[Block] = field(default_factory=list)
    images: int = 0
    attachments: int = 0

    def add(
        self, kind: BlockKind, text: str = "", ref: int = 0, label: str = "",
        rows: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        self.blocks.append(Block(kind, text, ref, label, rows))

    def image(self, alt: str, caption: str | None = None, file_name: str | None = None) -> None:
        if self.images >= MAX_IMAGES:
            return
        if file_name:
            self.add("file", file_name)
        self.add("img", alt, ref=IMG_BASE + self.index * 10 + self.images)
        self.images += 1
        if caption:
            self.add("caption", caption)

    def attach(self, name: str) -> None:
        if self.attachments >= MAX_ATTACHMENTS:
            return
        self.add("attach", name, ref=ATTACHMENT_BASE + self.index * 10 + self.attachments)
        self.attachments += 1

    def text_length(self) -> int:
        return sum(len(p) for b in self.blocks for p in block_paragraphs(b))


@dataclass
class ReplicaDraft:
    """What a body builder writes: the title, the body and the sources to pick from."""

    title: str
    body: Body
    sources: tuple[str, ...]
    gov_meta: dict[str, str] | None = None
