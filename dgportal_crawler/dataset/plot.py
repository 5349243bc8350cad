"""A picture of an archive: articles per month, stacked by column (matplotlib, Agg backend).

Column names are Chinese, so the legend needs a CJK font: an installed one is looked for
(Debian: ``apt-get install fonts-noto-cjk``); without one the legend shows column ids, and
the result carries a note saying so, rather than a picture full of empty boxes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dgportal_crawler.dataset.extras import require
from dgportal_crawler.dataset.outfile import atomic_output

#: Families tried first, in this order (simplified-Chinese faces first).
PREFERRED_FONTS = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "Microsoft YaHei", "PingFang SC", "SimHei", "Heiti SC", "Noto Sans CJK JP", "Noto Sans CJK TC",
    "Droid Sans Fallback", "Noto Serif CJK SC",
)
#: Characters a font must have to be used (from the column names).
CJK_SAMPLE = "城镇建设社区动态通知公告政策解读访谈直播厚街要闻"
#: Words in a font's file or family name that suggest it may cover Chinese.
CJK_HINTS = ("cjk", "han", "hei", "song", "ming", "kai", "wqy", "wenquanyi", "fallback", "yahei", "fang")
FIGURE_INCHES = (12.0, 5.0)
DPI = 100
NO_FONT_NOTE = ("no CJK font found (on Debian: apt-get install fonts-noto-cjk); "
                "the legend shows column ids instead of names")

ColumnKey = tuple[str, str | None]


@dataclass(frozen=True)
class PlotResult:
    path: Path
    font: str | None  # the CJK family used, None when the legend shows ids
    note: str | None
    months: int
    labels: tuple[str, ...]  # the legend, in drawing order


def _covers(path: str, text: str) -> bool:
    ft2font = require("matplotlib.ft2font")
    try:
        charmap = ft2font.FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(ch) in charmap for ch in text)


def find_cjk_font() -> str | None:
    """The family name of an installed font that has Chinese glyphs, or None."""
    fm = require("matplotlib.font_manager")

    def search() -> str | None:
        entries = fm.fontManager.ttflist
        by_name = {e.name: e for e in entries}
        for name in PREFERRED_FONTS:
            if name in by_name and _covers(by_name[name].fname, CJK_SAMPLE):
                return name
        for entry in entries:
            label = f"{entry.name} {Path(entry.fname).name}".lower()
            if any(h in label for h in CJK_HINTS) and _covers(entry.fname, CJK_SAMPLE):
                return entry.name
        return None

    found = search()
    if found is None:  # fonts installed after matplotlib built its font cache
        known = {e.fname for e in fm.fontManager.ttflist}
        for path in fm.findSystemFonts():
            if path not in known and any(h in Path(path).name.lower() for h in CJK_HINTS):
                fm.fontManager.addfont(path)
        found = search()
    return found


def month_range(months: Iterable[str]) -> list[str]:
    """Every ``YYYY-MM`` from the first to the last of ``months``, gaps filled."""
    present = sorted(months)
    if not present:
        return []
    year, month = int(present[0][:4]), int(present[0][5:7])
    out = []
    while (f"{year:04d}-{month:02d}") <= present[-1]:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def plot_articles_per_month(
    counts: dict[ColumnKey, Counter[str]], out: str | Path,
    font: str | Literal["auto"] | None = "auto", title: str = "Articles per month, by column",
) -> PlotResult:
    """Draw a stacked bar per month (one colour per column) into the PNG ``out``.

    ``font="auto"`` finds a CJK font; a family name uses that one; ``None`` draws column ids.
    """
    require("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    mpl = require("matplotlib")
    family = find_cjk_font() if font == "auto" else font
    months = month_range({m for c in counts.values() for m in c})
    if not months:
        raise ValueError("nothing to draw: no dated article")
    rc = {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"] if family else ["DejaVu Sans"]}
    with mpl.rc_context(rc):
        fig = Figure(figsize=FIGURE_INCHES, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        x = list(range(len(months)))
        bottom = [0] * len(months)
        labels = []
        for (column, name), per_month in sorted(counts.items()):
            heights = [per_month.get(m, 0) for m in months]
            label = f"{name} ({column})" if family and name else column
            ax.bar(x, heights, bottom=bottom, width=0.85, label=label)
            labels.append(label)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ticks = [i for i, m in enumerate(months) if m.endswith("-01") or i == 0]
        ax.set_xticks(ticks, labels=[months[i] for i in ticks], rotation=45, ha="right")
        ax.set_xlim(-1, len(months))
        ax.set_ylabel("articles")
        ax.set_title(title)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="column")
        with atomic_output(Path(out)) as sink:
            fig.savefig(sink, format="png")
    return PlotResult(Path(out), family, None if family else NO_FONT_NOTE, len(months), tuple(labels))
